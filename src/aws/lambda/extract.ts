import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { handleExtract, isWeekNotPublished, overdueAt, type ExtractEvent, type ExtractResult } from '../../extract';
import { jsonLogger, type Logger } from '../../log';
import { loadConfig } from '../../config';
import { isSourceError, type SpotifySourceOptions } from '../../sources';
import { ENV, lakeStore, lambdaTmp, optional } from './environment';
import { CachedSecret } from './secret';

/**
 * The Spotify source options, resolved as every command resolves them (src/config, the same variable names), with
 * the client secret read from Secrets Manager (never from the environment).
 */
export function sourceOptionsFromEnv(clientSecret: string | undefined): SpotifySourceOptions {
  return { ...loadConfig().spotify, clientSecret };
}

/**
 * Only the fields the extract understands: EventBridge hands over the target's constant input (`{"chart": ...}`),
 * a manual invoke may add `week` and `force`.
 */
export function extractEventOf(event: unknown): ExtractEvent {
  const value = (event ?? {}) as Record<string, unknown>;
  const out: ExtractEvent = {};
  if (typeof value.chart === 'string') out.chart = value.chart;
  if (typeof value.week === 'string') out.week = value.week;
  if (value.force === true) out.force = true;
  return out;
}

/** Read at cold start, re-read after its TTL or when Spotify refuses it (rotated). Container-wide. */
let clientSecret: CachedSecret | undefined;
function secretOf(arn: string): CachedSecret {
  clientSecret ??= new CachedSecret(new SecretsManagerClient({ endpoint: optional(ENV.secretsEndpoint) }), arn);
  return clientSecret;
}

/** The due week is not out yet and not overdue: the next scheduled run (3 hours later) tries again. */
export interface NotPublishedYet {
  chart: string;
  week: string;
  published: false;
  served?: string;
  overdueAt: string;
}

/**
 * The extract Lambda: the same `handleExtract` as `chartlake run`, for the week due now (a doubled delivery
 * writes one raw object). A week not published yet is retried by the schedule itself (every 3 hours, Friday to
 * Tuesday), so before its overdue moment the run ends normally, saying so: failing it would put every late Friday
 * into the dead-letter queue and page someone for nothing. Once overdue it fails: Lambda's retries, then the
 * dead-letter queue and its alarm (besides the "week overdue" log metric).
 */
export async function handler(event: unknown): Promise<ExtractResult | NotPublishedYet> {
  try {
    return await extract(event);
  } catch (error) {
    if (!isWeekNotPublished(error) || error.overdue) throw error;
    return { chart: error.chart, week: error.week, published: false, served: error.served, overdueAt: overdueAt(error.week).toISOString() };
  }
}

async function extract(event: unknown): Promise<ExtractResult> {
  lambdaTmp();
  const log = jsonLogger();
  const arn = optional(ENV.clientSecretArn);
  const run = async (secret: string | undefined) =>
    handleExtract(extractEventOf(event), { store: lakeStore(), options: sourceOptionsFromEnv(secret), log, dueWeek: true });
  const secret = arn ? secretOf(arn) : undefined;
  try {
    return await run(await secret?.get());
  } catch (error) {
    if (secret && isSourceError(error) && error.code === 'CREDENTIALS') return retryWithFreshSecret(secret, run, error, log);
    throw error;
  }
}

/** Spotify refused the client secret: it may have been rotated since this container read it. */
async function retryWithFreshSecret(
  secret: CachedSecret,
  run: (value: string | undefined) => Promise<ExtractResult>,
  refused: Error,
  log: Logger,
): Promise<ExtractResult> {
  const before = await secret.get();
  secret.invalidate();
  const after = await secret.get();
  if (after === before) throw refused;
  log.log('info', 'the Spotify client secret was rotated; retrying with the new one', {});
  return run(after);
}
