/**
 * Fault injection for the Spotify-compatible server: what real Spotify does on a bad day (rate limits,
 * 5xx, slow answers, expired tokens, dropped connections), on a reproducible schedule.
 */

/** `quota`: a 429 whose body says `"reason": "QUOTA_EXCEEDED"` with a Retry-After of hours (since July 2026). */
export type FaultKind = '429' | 'quota' | '500' | '502' | '503' | 'slow' | '401' | 'reset';

export interface Fault {
  kind: FaultKind;
  /** For `429`: the `Retry-After` header in seconds (default 1; for `quota` 86400). */
  retryAfterSeconds?: number;
  /** For `slow`: how long the server waits before answering normally (default: the server's `slowMs`). */
  delayMs?: number;
}

export interface FaultRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  route: RouteName;
}

/** Decides per request; `requestIndex` counts every request the server received, from 1. */
export type FaultFunction = (requestIndex: number, request: FaultRequest) => Fault | FaultKind | undefined;

export interface FaultSchedule {
  /** Every n-th request in scope (by arrival, counting from 1) gets a fault. */
  every: number;
  /** Fault kinds, used in turn. */
  kinds: FaultKind[];
  /** Which requests may get a fault (default `all`). */
  scope?: 'all' | 'web-api' | 'charts';
  retryAfterSeconds?: number;
  delayMs?: number;
}

export type RouteName =
  | 'token'
  | 'track'
  | 'tracks'
  | 'album'
  | 'albums'
  | 'artist'
  | 'artists'
  | 'playlist-items'
  | 'charts-public'
  | 'charts-auth'
  | 'unknown';

const WEB_API_ROUTES: ReadonlySet<RouteName> = new Set(['track', 'tracks', 'album', 'albums', 'artist', 'artists', 'playlist-items']);

export function isWebApiRoute(route: RouteName): boolean {
  return WEB_API_ROUTES.has(route);
}

/**
 * The fault for one request, or `undefined`. A schedule counts only the requests in its scope
 * (`scopedIndex`, from 1); a function sees every request. A `401` only makes sense where a Web API
 * token is checked, so it is never injected elsewhere.
 */
export function faultFor(
  faults: FaultSchedule | FaultFunction | undefined,
  requestIndex: number,
  request: FaultRequest,
  nextScopedIndex: () => number,
): Fault | undefined {
  if (!faults) return undefined;
  let fault: Fault | undefined;
  if (typeof faults === 'function') {
    const decided = faults(requestIndex, request);
    fault = typeof decided === 'string' ? { kind: decided } : decided;
  } else {
    if (!inScope(faults, request.route)) return undefined;
    const index = nextScopedIndex();
    if (faults.every < 1 || faults.kinds.length === 0 || index % faults.every !== 0) return undefined;
    const kind = faults.kinds[(index / faults.every - 1) % faults.kinds.length];
    fault = { kind, retryAfterSeconds: faults.retryAfterSeconds, delayMs: faults.delayMs };
  }
  if (fault?.kind === '401' && !isWebApiRoute(request.route)) return undefined;
  return fault;
}

function inScope(schedule: FaultSchedule, route: RouteName): boolean {
  const scope = schedule.scope ?? 'all';
  return scope === 'all' || (scope === 'web-api' && isWebApiRoute(route)) || (scope === 'charts' && route.startsWith('charts'));
}
