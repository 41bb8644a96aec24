import { handleExtract, type ExtractEvent, type ExtractResult } from '../../extract/handler';
import { jsonLogger, registerSecret } from '../../log';
import { DEFAULT_SPOTIFY_SOURCE_OPTIONS, type SpotifySourceOptions } from '../../sources';
import { ENV, lakeStore, lambdaTmp, optional } from './environment';

/** The Spotify source options from the function's environment; credentials are registered for redaction first. */
export function sourceOptionsFromEnv(): SpotifySourceOptions {
  const clientSecret = optional(ENV.clientSecret);
  const chartsToken = optional(ENV.chartsToken);
  registerSecret(clientSecret);
  registerSecret(chartsToken);
  const apiMode = optional(ENV.apiMode) ?? DEFAULT_SPOTIFY_SOURCE_OPTIONS.apiMode;
  return {
    ...DEFAULT_SPOTIFY_SOURCE_OPTIONS,
    source: optional(ENV.source) ?? DEFAULT_SPOTIFY_SOURCE_OPTIONS.source,
    apiMode: apiMode as SpotifySourceOptions['apiMode'],
    chartsBaseUrl: optional(ENV.chartsUrl) ?? DEFAULT_SPOTIFY_SOURCE_OPTIONS.chartsBaseUrl,
    apiBaseUrl: optional(ENV.apiUrl) ?? DEFAULT_SPOTIFY_SOURCE_OPTIONS.apiBaseUrl,
    accountsBaseUrl: optional(ENV.accountsUrl) ?? DEFAULT_SPOTIFY_SOURCE_OPTIONS.accountsBaseUrl,
    clientId: optional(ENV.clientId),
    clientSecret,
    chartsToken,
  };
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

/** The extract Lambda: the same `handleExtract` as `chartlake run`, writing one raw object to the lake bucket. */
export async function handler(event: unknown): Promise<ExtractResult> {
  lambdaTmp();
  return handleExtract(extractEventOf(event), { store: lakeStore(), options: sourceOptionsFromEnv(), log: jsonLogger() });
}
