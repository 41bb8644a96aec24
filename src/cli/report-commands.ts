import * as path from 'node:path';
import { consoleLogger } from '../log';
import { stringOf, UsageError, type Command } from './command';
import { openLake } from './checks';
import { catalogLayer, reportLayer } from './layers';
import { chartInLake, lakeOption, rangeOptions } from './options';

export const reportCommands: Record<string, Command> = {
  report: {
    summary: 'write the report: a folder of self-contained HTML pages (lake/reports/chartlake-report/ unless --out)',
    description:
      'A front page for the range (top songs, artists, albums and songwriters, the top month by month, the latest chart, patterns, the forecast ' +
      'with its backtest) and a page for each song and artist of the top N, all linked, with a search box. Inline SVG charts and CSS, ' +
      'no network: open index.html from disk in any browser, or move the folder whole.',
    options: {
      ...lakeOption('read'),
      ...chartInLake("the lake's biggest chart"),
      ...rangeOptions('the period shown'),
      top: { type: 'string', value: '<n>', description: 'songs and artists of the range (by streams) that get a page each', default: '50', check: 'positive-integer' },
      out: { type: 'string', value: '<dir>', description: 'the folder to write the pages into (index.html, songs/, artists/)', defaultText: '<lake>/reports/chartlake-report/' },
    },
    examples: ['chartlake report --chart regional-us-weekly --from 2023-01-01 --to 2023-12-31 --top 100 --out us-2023'],
    lake: 'reads',
    async run(values) {
      const out = stringOf(values, 'out');
      if (out && path.extname(out).toLowerCase() === '.html') {
        throw new UsageError(`--out ${out}: the report is a folder of linked pages; give a folder (e.g. --out ${out.slice(0, -5)}) and open its index.html`, 'report');
      }
      const store = openLake(values);
      const log = consoleLogger('warn');
      const engine = await catalogLayer().openLakeEngine(store, { log });
      try {
        const range = { chart: stringOf(values, 'chart'), from_week: stringOf(values, 'from'), to_week: stringOf(values, 'to') };
        const { buildReport, writeReport } = reportLayer();
        const report = await buildReport(engine, { range: Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined)), top: Number(stringOf(values, 'top') ?? 50), log });
        const where = await writeReport(store, report.pages, out);
        const { range: covered, span } = report.data;
        const size = Object.values(report.pages).reduce((sum, page) => sum + page.length, 0);
        process.stdout.write(
          `wrote ${where} and ${Object.keys(report.pages).length - 1} song and artist page(s) (${Math.round(size / 1024)} KiB): ${covered.chart}, ${span.weeks} week(s) ${covered.from_week} .. ${covered.to_week}` +
            ` in ${report.timings.query + report.timings.render} ms (queries ${report.timings.query} ms, charts and pages ${report.timings.render} ms)\n`,
        );
        return 0;
      } finally {
        await engine.close();
      }
    },
  },
};
