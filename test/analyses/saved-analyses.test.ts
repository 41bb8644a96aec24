import { expect } from 'chai';
import { splitArtistNames } from '../../src/sources';
import * as path from 'node:path';
import { Parser } from 'node-sql-parser';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore } from '../../src/store';
import { bindSavedAnalysis, foldParams, listSavedAnalyses, parseSavedAnalysis, runSavedAnalysis, savedAnalysis, sqlString, type DuckDbEngine, type QueryEngine, type QueryScope, type Row } from '../../src/query';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { silentLogger } from '../../src/log';
import { buildReport } from '../../src/report';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const RANGE = { chart: 'regional-us-weekly', from_week: '2023-01-05', to_week: '2023-12-28' };

/** What DuckDB offers and Athena (Trino) does not, or the reverse: none of it may appear in a saved analysis. */
const NOT_PORTABLE: [RegExp, string][] = [
  [/::/, '`::` casts (use CAST)'],
  [/\bQUALIFY\b/i, 'QUALIFY'],
  [/\bEXCLUDE\b|\bREPLACE\s*\(/i, 'SELECT * EXCLUDE/REPLACE'],
  [/\bGROUP BY ALL\b|\bORDER BY ALL\b/i, 'GROUP/ORDER BY ALL'],
  [/\b(median|quantile\w*|approx_\w+|list_\w+|string_split|strftime|strptime|datediff|date_sub|epoch\w*|any_value|arg_m(ax|in)|count_if|ilike|regexp_\w+|struct_\w+|unnest)\s*\(/i, 'an engine-specific function'],
  [/\bFILTER\s*\(/i, 'aggregate FILTER (not in the Athena grammar)'],
  [/\bTRY_CAST\b/i, 'TRY_CAST (Trino spells it TRY(CAST))'],
  [/"/, 'double quotes'],
];

describe('saved analyses: portable SQL', () => {
  const parser = new Parser();
  for (const analysis of listSavedAnalyses()) {
    it(`${analysis.name} parses as Trino/Athena SQL and uses only the common subset`, () => {
      expect(analysis.parameters.slice(0, 3).map((p) => `${p.name} ${p.type}`)).to.deep.equal(['chart VARCHAR', 'from_week DATE', 'to_week DATE']);
      // Every other parameter is optional (a default in the header), so Athena's saved query runs with the range alone.
      for (const parameter of analysis.parameters.slice(3)) expect(parameter, `${analysis.name}: ${parameter.name}`).to.have.property('default');
      // Saved analyses count songs: each joins the songs table (a song's track ids together).
      if (!['chart-patterns'].includes(analysis.name)) expect(analysis.sql, analysis.name).to.match(/JOIN songs AS s ON s\.track_id = e\.track_id/);
      // Athena engine v3 is Trino: the trino grammar takes `?` as is; the older athena grammar needs literals.
      expect(() => parser.astify(analysis.sql, { database: 'trino' })).not.to.throw();
      const literal = analysis.sql.replace(/\?/g, "'2023-01-05'");
      expect(() => parser.astify(literal, { database: 'athena' })).not.to.throw();
      const body = analysis.sql.replace(/--[^\n]*/g, '').replace(/'(?:[^']|'')*'/g, "''");
      for (const [pattern, what] of NOT_PORTABLE) expect(pattern.test(body), `${analysis.name} uses ${what}`).to.equal(false);
      // Trino divides integers as integers: every division must have a DOUBLE operand.
      for (const line of body.split('\n').filter((text) => text.includes('/'))) expect(line, `${analysis.name}: a division without a DOUBLE operand`).to.match(/AS DOUBLE\)/);
      // The values folded into `p.<parameter>` (foldParams; that `p` is params is checked for every SQL file).
      const values = Object.fromEntries(analysis.parameters.map((parameter) => [parameter.name, parameter.type === 'DATE' ? '2023-01-05' : parameter.type === 'INTEGER' ? 10 : 'x']));
      const bound = bindSavedAnalysis(analysis, values);
      const folded = foldParams(analysis.sql, bound).replace(/--[^\n]*/g, '');
      const declared = analysis.parameters.map((parameter) => parameter.name);
      expect([...folded.matchAll(/\bp\.(\w+)/g)].map((m) => m[1]).filter((name) => declared.includes(name)), `${analysis.name}: p.<parameter> left after folding`).to.deep.equal([]);
      expect(folded.match(/\?/g)?.length, `${analysis.name}: the ? placeholders are unchanged`).to.equal(analysis.sql.replace(/--[^\n]*/g, '').match(/\?/g)?.length);
      expect(() => parser.astify(folded, { database: 'trino' }), `${analysis.name} folded`).not.to.throw();
    });
  }
});

describe('saved analyses: the scope an engine is given', () => {
  it("this project's analyses of a chart name it as their scope; an analysis from another folder names none", async () => {
    const scopes: (QueryScope | undefined)[] = [];
    const engine: QueryEngine = {
      name: 'duckdb',
      query: async (_sql, _parameters, scope) => {
        scopes.push(scope);
        return { columns: [], rows: [] };
      },
      queryReadOnly: async () => ({ columns: [], rows: [] }),
      chartSpans: async () => [],
      close: async () => undefined,
    };
    await runSavedAnalysis(engine, savedAnalysis('week-top10'), RANGE);
    expect(scopes).to.deep.equal([{ charts: ['regional-us-weekly'] }]);
    const dir = tempDir('own-analyses');
    try {
      copyFileSync(savedAnalysis('week-top10').file, path.join(dir, 'mine.sql'));
      await runSavedAnalysis(engine, parseSavedAnalysis(path.join(dir, 'mine.sql')), RANGE);
      expect(scopes[1]).to.equal(undefined);
    } finally {
      removeDir(dir);
    }
  });
});

/**
 * Saved analyses read only the files of the chart and the years they are asked about: the values folded into the SQL
 * (`foldParams`) let DuckDB prune every table's files (as Athena prunes partitions), and a local engine's views of a
 * scoped query read only that chart's folders. Proved on a lake of two charts whose other chart's table files are
 * made unreadable: reading one of them would fail the analysis. Each analysis runs twice: with its scope, and with
 * the scope taken away (the SQL alone prunes).
 */
describe('saved analyses read only the chart and years of their range', function () {
  this.timeout(120_000);
  let dir: string;
  let pipeline: LocalPipeline;

  before(async function () {
    requireShared(this);
    dir = tempDir('analyses-pruning');
    const input = path.join(dir, 'input');
    mkdirSync(input);
    const weeks = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort().slice(0, 4);
    for (const name of weeks) {
      copyFileSync(path.join(US_2023, name), path.join(input, name));
      copyFileSync(path.join(US_2023, name), path.join(input, name.replace('regional-us-weekly', 'regional-gb-weekly')));
    }
    pipeline = await LocalPipeline.open(new FsStore(path.join(dir, 'lake')), silentLogger);
    const result = await pipeline.importFiles([input]);
    expect(result.failures).to.deep.equal([]);
    // The US chart's table files (not its lineage) become unreadable.
    for (const table of ['chart_entries', 'tracks', 'track_artists', 'albums', 'artists']) {
      writeFileSync(path.join(dir, 'lake', 'transformed', table, 'chart=regional-us-weekly', 'year=2023', 'part-0.parquet'), 'not a parquet file');
    }
  });
  after(async () => {
    await pipeline?.close();
    if (dir) removeDir(dir);
  });

  for (const analysis of listSavedAnalyses().filter((candidate) => candidate.name !== 'top-songwriters')) {
    it(`${analysis.name} of the other chart runs, with its scope and without`, async () => {
      const engine = await pipeline.engine();
      try {
        const unscoped: QueryEngine = {
          name: engine.name,
          query: (sql, parameters) => engine.query(sql, parameters),
          queryReadOnly: (sql) => engine.queryReadOnly(sql),
          chartSpans: () => engine.chartSpans(),
          close: () => engine.close(),
        };
        const range = { chart: 'regional-gb-weekly', from_week: '2023-01-05', to_week: '2023-01-26' };
        const { rows } = await runSavedAnalysis(engine, analysis, range);
        expect((await runSavedAnalysis(unscoped, analysis, range)).rows, analysis.name).to.deep.equal(rows);
        if (analysis.name !== 'top-albums') expect(rows.length, analysis.name).to.be.greaterThan(0); // a CSV lake has no albums
      } finally {
        await engine.close();
      }
    });
  }
  it('the report of the other chart builds (its own queries read only that chart too)', async () => {
    const engine = await pipeline.engine();
    try {
      const report = await buildReport(engine, { range: { chart: 'regional-gb-weekly', from_week: '2023-01-05', to_week: '2023-01-26' }, top: 3 });
      expect(report.data.latest.length).to.be.greaterThan(0);
      expect(report.data.songArtists.length).to.be.greaterThan(0);
    } finally {
      await engine.close();
    }
  });
  it('(the control) an analysis of the unreadable chart fails', async () => {
    const engine = await pipeline.engine();
    try {
      const error = await runSavedAnalysis(engine, savedAnalysis('most-streams'), { chart: 'regional-us-weekly', from_week: '2023-01-05', to_week: '2023-01-26' }).catch((e: Error) => e);
      expect(error).to.be.instanceOf(Error);
    } finally {
      await engine.close();
    }
  });
});

describe('saved analyses on the 52 real US weekly charts of 2023 (checked against the CSV files)', function () {
  let dir: string;
  let pipeline: LocalPipeline;
  let engine: DuckDbEngine;
  let csv: { week: string; rank: number; track_id: string; artist_names: string; track_name: string; label: string; previous_rank: number; weeks_on_chart: number; streams: number }[];
  const run = async (name: string, range: Partial<typeof RANGE> & Record<string, string | number> = {}) => (await runSavedAnalysis(engine, savedAnalysis(name), { ...RANGE, ...range })).rows;
  const weeks = () => [...new Set(csv.map((r) => r.week))].sort();
  /**
   * A song as an analyst would count it from the files alone: ids with the same title (case aside) by the same
   * artists, and ids the chart hands a run over to (a first row whose previous_rank is the rank, the week before, of
   * an id that is gone this week); two ids in one week stay apart (Ghostbusters twice on 2023-11-02).
   */
  let songRoots: Map<string, string> | undefined;
  const songOf = (row: { track_id: string }) => (songRoots ??= songsFromFiles()).get(row.track_id)!;
  const songsFromFiles = () => {
    const parent = new Map<string, string>();
    const find = (id: string): string => (parent.get(id) === id ? id : find(parent.get(id)!));
    const union = (a: string, b: string) => parent.set(find(b), find(a));
    for (const r of csv) parent.set(r.track_id, r.track_id);
    const idsOf = new Map<string, Set<string>>();
    const weekIds = new Map<string, Set<string>>();
    for (const r of csv) {
      const key = `${r.track_name.toLowerCase()}|${r.artist_names}`;
      idsOf.set(key, (idsOf.get(key) ?? new Set()).add(r.track_id));
      weekIds.set(r.week, (weekIds.get(r.week) ?? new Set()).add(r.track_id));
    }
    const together = (a: string, b: string) => [...weekIds.values()].some((ids) => ids.has(a) && ids.has(b));
    for (const ids of idsOf.values()) {
      const list = [...ids];
      for (const other of list.slice(1)) if (!together(list[0], other)) union(list[0], other);
    }
    const allWeeks = weeks();
    for (const r of csv) {
      const before = allWeeks[allWeeks.indexOf(r.week) - 1];
      if (r.previous_rank === -1 || !before || weekIds.get(before)!.has(r.track_id)) continue;
      const handedOver = csv.find((o) => o.week === before && o.rank === r.previous_rank)!;
      if (!weekIds.get(r.week)!.has(handedOver.track_id)) union(handedOver.track_id, r.track_id);
    }
    return new Map([...parent.keys()].map((id) => [id, find(id)]));
  };
  /** The first week each song charted in the files. */
  const debutOf = () => {
    const first = new Map<string, string>();
    for (const r of [...csv].sort((a, b) => a.week.localeCompare(b.week))) if (!first.has(songOf(r))) first.set(songOf(r), r.week);
    return first;
  };
  const sumBy = <K>(rows: typeof csv, key: (row: (typeof csv)[number]) => K[]) => {
    const totals = new Map<K, number>();
    for (const row of rows) for (const k of new Set(key(row))) totals.set(k, (totals.get(k) ?? 0) + row.streams);
    return [...totals.entries()].sort((a, b) => b[1] - a[1]);
  };

  before(async function () {
    requireShared(this);
    dir = tempDir('analyses');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    const result = await pipeline.importFiles([US_2023]);
    expect(result.failures).to.deep.equal([]);
    engine = await pipeline.engine();
    // The files themselves, read apart from the lake: the week is the date in the file name, -1 means "new".
    const glob = sqlString(path.join(US_2023, '*.csv'));
    const { rows } = await engine.query(
      `SELECT regexp_extract(filename, '(\\d{4}-\\d{2}-\\d{2})\\.csv$', 1) AS week, rank, regexp_extract(uri, '[^:]+$') AS track_id,
         artist_names, track_name, source AS label, previous_rank, weeks_on_chart, streams
       FROM read_csv(${glob}, filename = true, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', columns = {'rank': 'INTEGER', 'uri': 'VARCHAR', 'artist_names': 'VARCHAR',
         'track_name': 'VARCHAR', 'source': 'VARCHAR', 'peak_rank': 'INTEGER', 'previous_rank': 'INTEGER', 'weeks_on_chart': 'INTEGER', 'streams': 'BIGINT'})`,
    );
    csv = rows as typeof csv;
    expect(csv).to.have.length(10400);
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    if (dir) removeDir(dir);
  });

  it('week-top10: the last week of the range, with movement against the week before', async () => {
    const rows = await run('week-top10', { to_week: '2023-03-02' });
    const expected = csv.filter((r) => r.week === '2023-03-02' && r.rank <= 10).sort((a, b) => a.rank - b.rank);
    expect(rows.map((r) => [r.rank, r.track_name, r.streams, r.movement])).to.deep.equal(
      expected.map((r) => [r.rank, r.track_name, r.streams, r.previous_rank === -1 ? null : r.previous_rank - r.rank]),
    );
    expect(rows[0]).to.include({ track_name: "Boy's a liar Pt. 2", streams: 15636367, movement: 0 });
  });

  it('biggest-climbers: the biggest jump of the year is the CSV\'s largest previous_rank - rank', async () => {
    const rows = await run('biggest-climbers');
    const best = csv.filter((r) => r.previous_rank > 0).map((r) => ({ ...r, gained: r.previous_rank - r.rank })).sort((a, b) => b.gained - a.gained || b.week.localeCompare(a.week))[0];
    expect(rows[0]).to.include({ track_id: best.track_id, places_gained: best.gained, rank: best.rank, previous_rank: best.previous_rank });
    expect(rows).to.have.length(20);
    for (const row of rows) expect(row.places_gained as number).to.be.at.most(best.gained);
  });

  it('new-entries: the debuts of 2023-03-02 are the CSV rows with previous_rank -1 and weeks_on_chart 1', async () => {
    const rows = await run('new-entries', { from_week: '2023-03-02', to_week: '2023-03-02' });
    const debuts = debutOf();
    const expected = csv.filter((r) => r.week === '2023-03-02' && r.previous_rank === -1 && r.weeks_on_chart === 1 && debuts.get(songOf(r)) === r.week).sort((a, b) => a.rank - b.rank);
    expect(expected.length).to.be.greaterThan(0);
    expect(rows.map((r) => [r.track_id, r.debut_rank])).to.deep.equal(expected.map((r) => [r.track_id, r.rank]));
    // Over the year: each debut's weeks and streams after it, over all the song's ids, counted in the files.
    const year = await run('new-entries');
    expect(year).to.have.length(50);
    for (const debut of year) {
      const song = songOf(csv.find((r) => r.track_id === debut.track_id)!);
      const after = csv.filter((r) => songOf(r) === song && r.week >= (debut.debut_week as string));
      expect([debut.weeks_in_range, debut.streams_in_range], String(debut.track_name)).to.deep.equal([after.length, after.reduce((sum, r) => sum + r.streams, 0)]);
    }
    expect((await run('new-entries', { limit: 5 })).map((r) => r.song_id)).to.deep.equal(year.slice(0, 5).map((r) => r.song_id));
  });

  it('re-entries: the returns of 2023-11-02 are the CSV rows with previous_rank -1 and more than one week on the chart', async () => {
    const rows = await run('re-entries', { from_week: '2023-11-02', to_week: '2023-11-02' });
    const debuts = debutOf();
    const expected = csv
      .filter((r) => r.week === '2023-11-02' && r.previous_rank === -1 && (r.weeks_on_chart > 1 || debuts.get(songOf(r))! < r.week))
      .sort((a, b) => a.rank - b.rank);
    expect(rows.map((r) => r.track_id)).to.deep.equal(expected.map((r) => r.track_id));
    expect(rows[0]).to.include({ track_name: 'Wildest Dreams (Taylor\'s Version)', rank: 10 });
  });

  it('longest-runs: each song\'s longest run of consecutive weeks matches a count over the files', async () => {
    const rows = await run('longest-runs');
    const allWeeks = weeks();
    const longest = (song: string) => {
      const present = new Set(csv.filter((r) => songOf(r) === song).map((r) => r.week));
      let best = 0;
      let current = 0;
      for (const week of allWeeks) {
        current = present.has(week) ? current + 1 : 0;
        best = Math.max(best, current);
      }
      return best;
    };
    expect(rows).to.have.length(50);
    for (const row of rows) {
      const song = songOf({ track_id: row.song_id as string });
      expect(row.longest_run_weeks, String(row.song_name)).to.equal(longest(song));
    }
    const songWeeks = new Map<string, Set<string>>();
    for (const r of csv) songWeeks.set(songOf(r), (songWeeks.get(songOf(r)) ?? new Set()).add(r.week));
    const everyWeek = [...songWeeks.values()].filter((present) => present.size === 52);
    expect(rows.filter((r) => r.longest_run_weeks === 52).length).to.equal(everyWeek.length);
    expect(rows[0]).to.include({ song_name: 'Kill Bill', longest_run_weeks: 52, weeks_on_chart_total: 55 });
    // "You Proof" charted every week of 2023, on two track ids (handed over on 2023-03-09): one run of 52 weeks.
    expect(rows.find((r) => r.song_name === 'You Proof')).to.include({ longest_run_weeks: 52 });
  });

  it('most-streams: Last Night leads 2023 with 440,524,052 streams over its two ids; Flowers (3 ids) is in the top 10', async () => {
    const rows = await run('most-streams');
    const expected = sumBy(csv, (r) => [songOf(r)]).slice(0, 10);
    expect(rows.slice(0, 10).map((r) => [songOf({ track_id: r.song_id as string }), r.streams])).to.deep.equal(expected);
    const lastNight = csv.filter((r) => r.track_name === 'Last Night' && r.artist_names === 'Morgan Wallen');
    expect(new Set(lastNight.map((r) => r.track_id)).size).to.equal(2);
    expect(rows[0]).to.include({ song_name: 'Last Night', streams: lastNight.reduce((sum, r) => sum + r.streams, 0), weeks_in_range: lastNight.length });
    expect(rows[0].streams).to.equal(440524052);
    expect(rows[0].track_ids).to.deep.equal([...new Set(lastNight.map((r) => r.track_id))].sort());
    expect(rows[1]).to.include({ song_name: 'Kill Bill', streams: 415077888, weeks_in_range: 52, weeks_at_number_1: 4 });
    const flowers = rows.slice(0, 10).find((r) => r.song_name === 'Flowers')!;
    expect(flowers.track_ids).to.have.length(3);
    expect(flowers.streams).to.equal(csv.filter((r) => r.track_name === 'Flowers' && r.artist_names === 'Miley Cyrus').reduce((sum, r) => sum + r.streams, 0));
    // --limit, --artist and --song: the same songs, fewer of them.
    expect((await run('most-streams', { limit: 3 })).map((r) => r.song_id)).to.deep.equal(rows.slice(0, 3).map((r) => r.song_id));
    const wallen = await run('most-streams', { artist: 'morgan wallen' });
    const wallenInTop = rows.filter((r) => (r.artist_names as string).split(', ').includes('Morgan Wallen')).map((r) => r.song_id);
    expect(wallen.slice(0, wallenInTop.length).map((r) => r.song_id)).to.deep.equal(wallenInTop);
    for (const row of wallen) expect((row.artist_names as string).split(', ')).to.include('Morgan Wallen');
    expect(await run('most-streams', { song: 'flowers' })).to.deep.equal([flowers]);
  });

  it('top-artists: every credited artist counts; Taylor Swift leads with 2,573,055,407 streams, 3 weeks at number 1', async () => {
    const rows = await run('top-artists');
    const credited = sumBy(csv, (r) => r.artist_names.split(', '));
    expect(rows.slice(0, 10).map((r) => [r.artist_name, r.streams])).to.deep.equal(credited.slice(0, 10));
    const total = csv.reduce((sum, r) => sum + r.streams, 0);
    const taylor = rows.find((r) => r.artist_name === 'Taylor Swift')!;
    expect(taylor).to.include({ streams: 2573055407, weeks_at_number_1: 3 });
    expect(taylor.share_pct).to.equal(Math.round((10000 * 2573055407) / total) / 100);
    expect(taylor.charting_tracks).to.equal(new Set(csv.filter((r) => r.artist_names.split(', ').includes('Taylor Swift')).map((r) => r.track_id)).size);
    // A featured artist is credited too: 21 Savage has no solo number 1 but shares "Creepin'".
    const savage = rows.find((r) => r.artist_name === '21 Savage')!;
    expect(savage.streams).to.equal(credited.find(([name]) => name === '21 Savage')![1]);
  });

  it('artist-weeks: each week\'s top artist and share of that week\'s streams', async () => {
    const rows = await run('artist-weeks', { from_week: '2023-03-02', to_week: '2023-03-09' });
    expect(rows).to.have.length(20);
    for (const week of ['2023-03-02', '2023-03-09']) {
      const inWeek = csv.filter((r) => r.week === week);
      const [name, streams] = sumBy(inWeek, (r) => r.artist_names.split(', '))[0];
      const total = inWeek.reduce((sum, r) => sum + r.streams, 0);
      const top = rows.find((r) => r.week === week && r.artist_rank === 1)!;
      expect(top).to.include({ artist_name: name, streams, share_pct: Math.round((10000 * streams) / total) / 100 });
    }
  });

  it('top-labels: labels by streams are the CSV\'s `source` column summed', async () => {
    const rows = await run('top-labels');
    expect(rows.slice(0, 5).map((r) => [r.label, r.streams])).to.deep.equal(sumBy(csv, (r) => [r.label]).slice(0, 5));
    const warner = rows.find((r) => r.label === 'Warner Records')!;
    expect(warner.charting_tracks).to.equal(new Set(csv.filter((r) => r.label === 'Warner Records').map((r) => r.track_id)).size);
  });

  it('top-albums: a CSV-only lake has no albums, so no rows (not an error)', async () => {
    const result = await runSavedAnalysis(engine, savedAnalysis('top-albums'), RANGE);
    expect(result.rows).to.deep.equal([]);
    expect(result.columns.map((c) => c.name)).to.include.members(['album', 'charting_tracks', 'streams']);
  });

  it('chart-patterns: turnover, collaboration share, median weeks on chart and top-10 share per week match the files', async () => {
    const rows = await run('chart-patterns');
    const debuts = debutOf();
    expect(rows.map((r) => r.week)).to.deep.equal(weeks());
    const median = (values: number[]) => {
      const sorted = [...values].sort((a, b) => a - b);
      const mid = sorted.length / 2;
      return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
    };
    for (const row of rows) {
      const inWeek = csv.filter((r) => r.week === row.week);
      const streams = inWeek.reduce((sum, r) => sum + r.streams, 0);
      const top10 = inWeek.filter((r) => r.rank <= 10).reduce((sum, r) => sum + r.streams, 0);
      expect(row, String(row.week)).to.include({
        chart_size: 200,
        new_entries: inWeek.filter((r) => r.previous_rank === -1 && r.weeks_on_chart === 1 && debuts.get(songOf(r)) === r.week).length,
        re_entries: inWeek.filter((r) => r.previous_rank === -1 && (r.weeks_on_chart > 1 || debuts.get(songOf(r))! < r.week)).length,
        // A collaboration credits more than one artist; "Tyler, The Creator" alone is one (a name known to hold ", ").
        collaboration_share: Math.round((10000 * inWeek.filter((r) => splitArtistNames(r.artist_names).length > 1).length) / 200) / 10000,
        median_weeks_on_chart: median(inWeek.map((r) => r.weeks_on_chart)),
        top10_streams_share: Math.round((10000 * top10) / streams) / 10000,
        streams,
      });
      // The CSV has no durations, explicit flags or release dates: NULL, not zero.
      expect([row.median_duration_ms, row.explicit_share, row.median_debut_age_weeks]).to.deep.equal([null, null, null]);
    }
    expect(rows.find((r) => r.week === '2023-03-02')).to.include({ new_entries: 23, top10_streams_share: 0.1528 });
  });
});

export type { Row };
