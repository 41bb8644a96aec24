import { consoleLogger } from '../log';
import { formatBacktest, formatForecast, runChartBacktest, runForecast, DEFAULT_HORIZONS } from '../forecast';
import { LocalPipeline } from '../pipeline';
import { openStore } from '../store';
import type { Command, Values } from './command';

function lakeOf(values: Values): string {
  return (values.lake as string | undefined) ?? process.env.CHARTLAKE_LAKE ?? 'lake';
}

function horizonsOf(value: string | undefined): number[] {
  if (value === undefined) return [...DEFAULT_HORIZONS];
  const horizons = value.split(',').map((part) => Number(part.trim()));
  if (horizons.some((h) => !Number.isInteger(h) || h < 1 || h > 12)) throw new Error(`--horizons must be whole weeks 1..12, comma-separated, not ${value}`);
  return horizons;
}

export const forecastCommands: Record<string, Command> = {
  forecast: {
    summary: 'predict next week for every song on a chart (writes table forecasts); --backtest scores the model against baselines',
    args: '[--chart <alias>] [--week <date>] [--backtest [--horizons 1,2,4]] [--top <n>]',
    options: {
      lake: { type: 'string' },
      chart: { type: 'string' },
      week: { type: 'string' },
      backtest: { type: 'boolean' },
      horizons: { type: 'string' },
      top: { type: 'string', default: '10' },
    },
    async run(values) {
      const store = openStore(lakeOf(values));
      const pipeline = await LocalPipeline.open(store, consoleLogger('warn'));
      const engine = await pipeline.engine();
      try {
        if (values.backtest) {
          const result = await runChartBacktest(engine, { chart: values.chart as string | undefined, horizons: horizonsOf(values.horizons as string | undefined) });
          process.stdout.write(`${formatBacktest(result)}\n`);
          return 0;
        }
        const top = Number(values.top);
        if (!Number.isInteger(top) || top < 1) throw new Error(`--top must be a positive whole number, not ${values.top}`);
        const { forecast, key } = await runForecast(
          { store, duck: pipeline.duck, engine },
          { chart: values.chart as string | undefined, week: values.week as string | undefined },
        );
        process.stdout.write(`${formatForecast(forecast, top)}\n\nwrote ${forecast.rows.length} forecasts to ${key} (query: SELECT * FROM forecasts WHERE week = DATE '${forecast.week}')\n`);
        return 0;
      } finally {
        await engine.close();
        await pipeline.close();
      }
    },
  },
};
