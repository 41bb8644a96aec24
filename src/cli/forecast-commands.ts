import { consoleLogger } from '../log';
import { stringOf, type Command } from './command';
import { openLake } from './checks';
import { forecastLayer, pipelineLayer } from './layers';
import { chartInLake, lakeOption } from './options';

function horizonsOf(value: string | undefined, defaults: readonly number[]): number[] {
  if (value === undefined) return [...defaults];
  const horizons = value.split(',').map((part) => Number(part.trim()));
  if (horizons.some((h) => !Number.isInteger(h) || h < 1 || h > 12)) throw new Error(`--horizons must be whole weeks 1..12, comma-separated, not ${value}`);
  return horizons;
}

export const forecastCommands: Record<string, Command> = {
  forecast: {
    summary: 'predict next week for every song on a chart (writes table forecasts); --backtest scores the model against baselines',
    description:
      'Predicts each song\'s rank and streams next week, whether it stays and whether it reaches the top 10, from what was\n' +
      'known at the given week, and writes the forecasts table. --backtest writes nothing: it replays past weeks and\n' +
      'compares the model with persistence and other baselines.',
    options: {
      ...lakeOption('read'),
      ...chartInLake("the lake's biggest chart"),
      week: { type: 'string', value: '<YYYY-MM-DD>', description: 'the chart week to forecast from (a Thursday)', defaultText: 'the newest week of the chart', check: 'week' },
      top: { type: 'string', value: '<n>', description: 'how many songs each printed list shows', default: '10', check: 'positive-integer' },
      backtest: { type: 'boolean', description: 'score the model on past weeks instead (writes nothing)' },
      horizons: { type: 'string', value: '<weeks,...>', description: 'with --backtest: horizons in weeks, 1..12', defaultText: '1,2,4' },
    },
    examples: ['chartlake forecast --chart regional-us-weekly --week 2023-12-28', 'chartlake forecast --backtest --horizons 1,2,4'],
    lake: 'reads',
    async run(values) {
      const store = openLake(values);
      const forecast = forecastLayer();
      const horizons = horizonsOf(stringOf(values, 'horizons'), forecast.DEFAULT_HORIZONS);
      const pipeline = await pipelineLayer().LocalPipeline.open(store, consoleLogger('warn'));
      const engine = await pipeline.engine();
      try {
        if (values.backtest) {
          const result = await forecast.runChartBacktest(engine, { chart: stringOf(values, 'chart'), horizons });
          process.stdout.write(`${forecast.formatBacktest(result)}\n`);
          return 0;
        }
        const { forecast: predicted, key } = await forecast.runForecast({ store, duck: pipeline.duck, engine }, { chart: stringOf(values, 'chart'), week: stringOf(values, 'week') });
        process.stdout.write(
          `${forecast.formatForecast(predicted, Number(values.top))}\n\nwrote ${predicted.rows.length} forecasts to ${key} (query: SELECT * FROM forecasts WHERE week = DATE '${predicted.week}')\n`,
        );
        return 0;
      } finally {
        await engine.close();
        await pipeline.close();
      }
    },
  },
};
