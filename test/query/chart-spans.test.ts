import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { defaultRange } from '../../src/cli/commands';
import { resolveChartWeek } from '../../src/forecast/run';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { DuckDb, DuckDbEngine, loadSql } from '../../src/query';
import { FsStore } from '../../src/store';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const US_WEEKS = ['2023-01-05', '2023-01-12', '2023-01-19', '2023-01-26', '2023-02-02', '2023-02-09'];
const GB_WEEKS = ['2023-01-05', '2023-01-12', '2023-01-19', '2023-01-26', '2023-02-02', '2023-02-09', '2023-02-16', '2023-02-23'];

/**
 * The default chart and range (the biggest chart, its whole span) come from the committed weeks the local engine
 * holds, not from reading every chart row; Athena reads them from the rows (chart-spans.sql). Both must agree.
 */
describe('chart spans: the biggest chart and its weeks, for a saved analysis, the report and a forecast', function () {
  let dir: string;
  let inputs: string;

  before(function () {
    requireShared(this);
  });
  afterEach(() => {
    if (dir) removeDir(dir);
    if (inputs) removeDir(inputs);
  });

  it('the local engine answers from its committed weeks exactly what the rows say, biggest by rows, and sees weeks added after it opened', async () => {
    dir = tempDir('chart-spans');
    inputs = tempDir('chart-spans-inputs');
    // A second chart with more weeks but fewer rows (its top 50 of each US week): the US chart is still the biggest.
    const top50 = (week: string) => {
      const lines = readFileSync(path.join(US_2023, `regional-us-weekly-${week}.csv`), 'utf8').split('\n');
      const file = path.join(inputs, `regional-gb-weekly-${week}.csv`);
      writeFileSync(file, `${lines.slice(0, 51).join('\n')}\n`);
      return file;
    };
    const pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    try {
      const us = US_WEEKS.map((week) => path.join(US_2023, `regional-us-weekly-${week}.csv`));
      const imported = await pipeline.importFiles([...us, ...GB_WEEKS.slice(0, -1).map(top50)]);
      expect(imported.failures).to.deep.equal([]);
      const engine = await pipeline.engine();
      try {
        const spans = await engine.chartSpans();
        expect(spans).to.deep.equal([
          { chart: 'regional-us-weekly', first_week: '2023-01-05', last_week: '2023-02-09', weeks: 6, chart_rows: 1200 },
          { chart: 'regional-gb-weekly', first_week: '2023-01-05', last_week: '2023-02-16', weeks: 7, chart_rows: 350 },
        ]);
        // What Athena runs, over the same views' rows.
        const fromRows = (await engine.query(loadSql(path.join(__dirname, '../../src/query/sql'), 'chart-spans'))).rows;
        expect(fromRows.map((row) => ({ ...row, weeks: Number(row.weeks), chart_rows: Number(row.chart_rows) }))).to.deep.equal(spans);

        expect(await defaultRange(engine, {})).to.deep.equal({ chart: 'regional-us-weekly', from_week: '2023-01-05', to_week: '2023-02-09' });
        expect(await defaultRange(engine, { chart: 'regional-gb-weekly', from: '2023-02-01' })).to.deep.equal({ chart: 'regional-gb-weekly', from_week: '2023-02-01', to_week: '2023-02-16' });
        expect(await resolveChartWeek(engine)).to.deep.equal({ chart: 'regional-us-weekly', week: '2023-02-09' });
        expect(await resolveChartWeek(engine, 'regional-gb-weekly')).to.deep.equal({ chart: 'regional-gb-weekly', week: '2023-02-16' });
        let refused: unknown;
        await resolveChartWeek(engine, 'regional-fr-weekly').catch((error: unknown) => (refused = error));
        expect(String(refused)).to.include('the lake has no chart regional-fr-weekly');

        // A week committed while the engine is open counts.
        expect((await pipeline.importFiles([top50(GB_WEEKS.at(-1)!)])).failures).to.deep.equal([]);
        expect((await engine.chartSpans())[1]).to.deep.equal({ chart: 'regional-gb-weekly', first_week: '2023-01-05', last_week: '2023-02-23', weeks: 8, chart_rows: 400 });
      } finally {
        await engine.close();
      }
    } finally {
      await pipeline.close();
    }
  });
});

describe('chart spans of an engine over no lake', () => {
  it('an engine with views of its own reads the spans from chart_entries', async () => {
    const duck = await DuckDb.open();
    const connection = await duck.connect();
    await connection.run(
      "CREATE VIEW chart_entries AS SELECT * FROM (VALUES ('a', DATE '2024-01-04', 1), ('a', DATE '2024-01-11', 1), ('b', DATE '2024-01-04', 1), ('b', DATE '2024-01-04', 2), ('b', DATE '2024-01-04', 3)) AS t(chart, week, rank)",
    );
    const engine = new DuckDbEngine(duck, connection, true);
    try {
      expect(await engine.chartSpans()).to.deep.equal([
        { chart: 'b', first_week: '2024-01-04', last_week: '2024-01-04', weeks: 1, chart_rows: 3 },
        { chart: 'a', first_week: '2024-01-04', last_week: '2024-01-11', weeks: 2, chart_rows: 2 },
      ]);
    } finally {
      await engine.close();
    }
  });
});
