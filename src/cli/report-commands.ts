import { openLakeEngine } from '../catalog';
import { withSongs } from '../transform';
import { consoleLogger } from '../log';
import { buildReport, writeReport } from '../report';
import { isIsoDate, openStore } from '../store';
import type { Command, Values } from './command';

function lakeOf(values: Values): string {
  return (values.lake as string | undefined) ?? process.env.CHARTLAKE_LAKE ?? 'lake';
}

function dateOption(values: Values, name: 'from' | 'to'): string | undefined {
  const value = values[name] as string | undefined;
  if (value !== undefined && !isIsoDate(value)) throw new Error(`--${name} must be a date YYYY-MM-DD, not ${value}`);
  return value;
}

export const reportCommands: Record<string, Command> = {
  report: {
    summary: 'write the dashboard: one self-contained HTML page (lake/reports/chartlake-report.html unless --out)',
    args: '[--chart <alias>] [--from <date>] [--to <date>] [--out <file.html>]',
    options: {
      lake: { type: 'string' },
      chart: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      out: { type: 'string' },
    },
    async run(values) {
      const store = openStore(lakeOf(values));
      const log = consoleLogger('warn');
      const engine = await withSongs(await openLakeEngine(store, { log }));
      try {
        const range = { chart: values.chart as string | undefined, from_week: dateOption(values, 'from'), to_week: dateOption(values, 'to') };
        const report = await buildReport(engine, { range: Object.fromEntries(Object.entries(range).filter(([, v]) => v !== undefined)), log });
        const where = await writeReport(store, report.html, values.out as string | undefined);
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
