import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_ARCHITECTURE, type LambdaArchitecture } from './lambda-package';

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
  /** Object-created events the transform receives at most per invocation (SQS batch size). */
  transformBatchSize: number;
  /** How long SQS gathers events before invoking the transform (a CSV backfill arrives in few invocations). */
  transformBatchWindowSeconds: number;
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
  /** Both Lambdas run on this instruction set; the transform's package carries DuckDB's binding for it. */
  lambdaArchitecture: LambdaArchitecture;
  /** Optional: an e-mail address subscribed to the alarms (dead letters, a week that never arrives). */
  alarmEmail?: string;
  /** Extra tags on every resource (besides project and stack). */
  tags: Record<string, string>;
}

/**
 * A chart week ends on Thursday and is published some time after it has ended everywhere: Friday evening UTC at
 * the earliest, often Saturday or later. The extract runs every 3 hours from Friday to Tuesday: a run before
 * the week is due, or after it is in raw/, is a cheap no-op (one LIST); a run that finds the due week not yet
 * published fails retryably and the next run tries again; from Tuesday 18:00 UTC the week is overdue and every
 * failure reaches the dead-letter queue and its alarm (src/extract/due-week.ts).
 */
export const DEFAULT_SCHEDULE = 'cron(0 0/3 ? * FRI,SAT,SUN,MON,TUE *)';

/** The part of pulumi.Config this module reads (tests hand in a plain object). */
export type ConfigReader = Pick<pulumi.Config, 'get' | 'getNumber' | 'getObject' | 'getSecret'>;

export function readStackConfig(config: ConfigReader = new pulumi.Config('chartlake')): StackConfig {
  if (config.get('spotifyChartsToken') !== undefined) {
    throw new Error(
      'chartlake:spotifyChartsToken is set in the stack config, but a Spotify Charts token lasts about an hour: every ' +
        'scheduled run after that would fail. Remove it (pulumi config rm spotifyChartsToken); the deployed extract ' +
        'uses the public charts (the latest week, 50 entries), and older or deeper weeks come from CSV exports ' +
        '(chartlake import) or a local `chartlake run --week` with a fresh token.',
    );
  }
  const architecture = config.get('lambdaArchitecture') ?? DEFAULT_ARCHITECTURE;
  if (architecture !== 'arm64' && architecture !== 'x86_64') throw new Error(`chartlake:lambdaArchitecture is "${architecture}"; expected arm64 or x86_64`);
  const charts = config.getObject<string[]>('charts') ?? ['regional-global-weekly'];
  if (charts.length === 0 || charts.length > 5) throw new Error('chartlake:charts must list 1 to 5 chart aliases (EventBridge allows 5 targets per rule)');
  const transformBatchSize = config.getNumber('transformBatchSize', { min: 1, max: 10000 }) ?? 200;
  const transformBatchWindowSeconds = config.getNumber('transformBatchWindowSeconds', { min: 0, max: 300 }) ?? 60;
  if (transformBatchSize > 10 && transformBatchWindowSeconds < 1) {
    throw new Error('chartlake:transformBatchSize above 10 needs chartlake:transformBatchWindowSeconds of at least 1 (an SQS event source rule)');
  }
  return {
    schedule: config.get('schedule') ?? DEFAULT_SCHEDULE,
    charts,
    extractMemoryMb: config.getNumber('extractMemoryMb', { min: 128, max: 10240 }) ?? 512,
    extractTimeoutSeconds: config.getNumber('extractTimeoutSeconds', { min: 1, max: 900 }) ?? 300,
    transformMemoryMb: config.getNumber('transformMemoryMb', { min: 512, max: 10240 }) ?? 2048,
    transformTimeoutSeconds: config.getNumber('transformTimeoutSeconds', { min: 1, max: 900 }) ?? 300,
    transformBatchSize,
    transformBatchWindowSeconds,
    logRetentionDays: config.getNumber('logRetentionDays') ?? 30,
    athenaResultsDays: config.getNumber('athenaResultsDays', { min: 1 }) ?? 7,
    bytesScannedCutoffMb: config.getNumber('bytesScannedCutoffMb', { min: 10 }) ?? 1024,
    retryAttempts: config.getNumber('retryAttempts', { min: 0, max: 2 }) ?? 2,
    spotifySource: config.get('spotifySource') ?? 'charts-service',
    spotifyApiMode: config.get('spotifyApiMode') ?? 'auto',
    spotifyClientId: config.get('spotifyClientId'),
    spotifyClientSecret: config.getSecret('spotifyClientSecret'),
    lambdaArchitecture: architecture,
    alarmEmail: config.get('alarmEmail'),
    tags: config.getObject<Record<string, string>>('tags') ?? {},
  };
}
