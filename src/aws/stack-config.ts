import * as pulumi from '@pulumi/pulumi';

/** Everything `Pulumi.<stack>.yaml` can set (namespace `chartlake:`), with the defaults a new stack gets. */
export interface StackConfig {
  /** EventBridge schedule expression of the weekly extract. */
  schedule: string;
  /** Chart aliases extracted on each schedule (one EventBridge target each; at most 5). */
  charts: string[];
  extractMemoryMb: number;
  extractTimeoutSeconds: number;
  transformMemoryMb: number;
  transformTimeoutSeconds: number;
  logRetentionDays: number;
  /** Athena query results are deleted after this many days. */
  athenaResultsDays: number;
  /** Queries scanning more than this are cancelled by the workgroup. */
  bytesScannedCutoffMb: number;
  /** Failed schedule deliveries and failed async invocations are retried this often, then dead-lettered. */
  retryAttempts: number;
  spotifySource: string;
  spotifyApiMode: string;
  spotifyClientId?: string;
  /** Secret config (`pulumi config set --secret`): stays a secret Output; never a plain value in this program. */
  spotifyClientSecret?: pulumi.Output<string>;
  spotifyChartsToken?: pulumi.Output<string>;
  /** Extra tags on every resource (besides project and stack). */
  tags: Record<string, string>;
}

/**
 * Spotify publishes the weekly chart (weeks end on Thursday) during Friday; noon UTC on Friday leaves a margin,
 * and a late chart is fetched by the retry or next week's run (the extract never duplicates a week).
 */
export const DEFAULT_SCHEDULE = 'cron(0 12 ? * FRI *)';

export function readStackConfig(config: pulumi.Config = new pulumi.Config('chartlake')): StackConfig {
  const charts = config.getObject<string[]>('charts') ?? ['regional-global-weekly'];
  if (charts.length === 0 || charts.length > 5) throw new Error('chartlake:charts must list 1 to 5 chart aliases (EventBridge allows 5 targets per rule)');
  return {
    schedule: config.get('schedule') ?? DEFAULT_SCHEDULE,
    charts,
    extractMemoryMb: config.getNumber('extractMemoryMb', { min: 128, max: 10240 }) ?? 512,
    extractTimeoutSeconds: config.getNumber('extractTimeoutSeconds', { min: 1, max: 900 }) ?? 300,
    transformMemoryMb: config.getNumber('transformMemoryMb', { min: 512, max: 10240 }) ?? 2048,
    transformTimeoutSeconds: config.getNumber('transformTimeoutSeconds', { min: 1, max: 900 }) ?? 300,
    logRetentionDays: config.getNumber('logRetentionDays') ?? 30,
    athenaResultsDays: config.getNumber('athenaResultsDays', { min: 1 }) ?? 7,
    bytesScannedCutoffMb: config.getNumber('bytesScannedCutoffMb', { min: 10 }) ?? 1024,
    retryAttempts: config.getNumber('retryAttempts', { min: 0, max: 2 }) ?? 2,
    spotifySource: config.get('spotifySource') ?? 'charts-service',
    spotifyApiMode: config.get('spotifyApiMode') ?? 'auto',
    spotifyClientId: config.get('spotifyClientId'),
    spotifyClientSecret: config.getSecret('spotifyClientSecret'),
    spotifyChartsToken: config.getSecret('spotifyChartsToken'),
    tags: config.getObject<Record<string, string>>('tags') ?? {},
  };
}
