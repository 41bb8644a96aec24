import { handleExtract, type ExtractEvent, type ExtractResult } from '../../extract/handler';
import { loadConfig } from '../../config';
import { jsonLogger } from '../../log';
import type { SpotifySourceOptions } from '../../sources';
import { lakeStore, lambdaTmp } from './environment';

/** The Spotify source options, resolved as every command resolves them (src/config); secrets registered for redaction. */
export function sourceOptionsFromEnv(): SpotifySourceOptions {
  return loadConfig().spotify;
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
