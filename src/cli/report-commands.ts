import { consoleLogger } from '../log';
import { stringOf, type Command } from './command';
import { openLake } from './checks';
import { catalogLayer, reportLayer } from './layers';
import { chartInLake, lakeOption, rangeOptions } from './options';

export const reportCommands: Record<string, Command> = {
  report: {
    summary: 'write the dashboard: one self-contained HTML page (lake/reports/chartlake-report.html unless --out)',
    description: 'One HTML file with inline SVG charts and CSS, no scripts and no network: open it from disk in any browser.',
    options: {
      ...lakeOption('read'),
      ...chartInLake("the lake's biggest chart"),
      ...rangeOptions('the period shown'),
      out: { type: 'string', value: '<file.html>', description: 'where to write the page', defaultText: '<lake>/reports/chartlake-report.html' },
    },
    examples: ['chartlake report --chart regional-us-weekly --from 2023-01-01 --to 2023-12-31 --out us-2023.html'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const log = consoleLogger('warn');
      const engine = await catalogLayer().openLakeEngine(store, { log });
      try {
        const range = { chart: stringOf(values, 'chart'), from_week: stringOf(values, 'from'), to_week: stringOf(values, 'to') };
        const { buildReport, writeReport } = reportLayer();
        const report = await buildReport(engine, { range: Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined)), log });
        const where = await writeReport(store, report.html, stringOf(values, 'out'));
        const { range: covered, span } = report.data;
        process.stdout.write(
          `wrote ${where} (${Math.round(report.html.length / 1024)} KiB): ${covered.chart}, ${span.weeks} week(s) ${covered.from_week} .. ${covered.to_week}` +
            ` in ${report.timings.query + report.timings.render} ms (queries ${report.timings.query} ms, charts ${report.timings.render} ms)\n`,
        );
        return 0;
      } finally {
        await engine.close();
      }
    },
  },
};
