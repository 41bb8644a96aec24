import { ENV } from '../config';
import type { OptionSpec } from './command';

/** Options several commands share, declared once so their help and checks read the same everywhere. */

const LAKE_USE = { read: 'the lake to read; it must exist', write: 'the lake to write, created when missing', show: 'the lake' } as const;

export const lakeOption = (use: keyof typeof LAKE_USE): Record<'lake', OptionSpec> => ({
  lake: {
    type: 'string',
    value: '<dir | s3://bucket/prefix>',
    description: LAKE_USE[use],
    defaultText: './lake, or "lake" in chartlake.config.json',
    env: ENV.lake,
  },
});

/** `--chart` of a command that reads the lake: the value must be a chart the lake holds. */
export const chartInLake = (defaultText: string, multiple = false): Record<'chart', OptionSpec> => ({
  chart: { type: 'string', value: '<alias>', description: 'the chart, e.g. regional-us-weekly', defaultText, check: 'chart', ...(multiple ? { multiple } : {}) },
});

export const rangeOptions = (what: string): Record<'from' | 'to', OptionSpec> => ({
  from: { type: 'string', value: '<YYYY-MM-DD>', description: `first day of ${what}`, defaultText: 'the first week in the lake', check: 'date' },
  to: { type: 'string', value: '<YYYY-MM-DD>', description: `last day of ${what}`, defaultText: 'the latest week in the lake', check: 'date' },
});

export const formatOption = (formats: readonly string[] = ['table', 'csv', 'json']): Record<'format', OptionSpec> => ({
  format: { type: 'string', value: `<${formats.join('|')}>`, description: 'how results are printed', default: 'table', check: formats },
});

/** Where the chart comes from and how the Web API is asked: `run` and `run --catch-up`. */
export const sourceOptions: Record<'source' | 'api-mode', OptionSpec> = {
  source: {
    type: 'string',
    value: '<charts-service | playlist | playlist:<id>>',
    description: 'where the chart comes from',
    defaultText: 'charts-service',
    env: ENV.source,
  },
  'api-mode': {
    type: 'string',
    value: '<auto|development|extended>',
    description: 'Web API mode for enrichment: single gets (development) or batches (extended)',
    defaultText: 'auto',
    env: ENV.apiMode,
    check: ['auto', 'development', 'extended'],
  },
};

/** The Spotify settings a command that fetches from Spotify reads from the environment. */
export const SPOTIFY_ENV = [ENV.clientId, ENV.clientSecret, ENV.chartsToken, ENV.spotifyBaseUrl] as const;
