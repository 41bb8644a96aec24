import * as path from 'node:path';
import { ENV as SETTINGS } from '../../config';
import { S3Store } from '../../store/s3-store';

/**
 * What the deployed Lambdas read from their environment (set by index.ts). The `*_ENDPOINT` variables exist for
 * tests on loopback (s3rver, a Glue stub); real deployments leave them unset and use the regional AWS endpoints.
 */
export const ENV = {
  lakeBucket: 'CHARTLAKE_LAKE_BUCKET',
  crawlerName: 'CHARTLAKE_CRAWLER_NAME',
  s3Endpoint: 'CHARTLAKE_S3_ENDPOINT',
  glueEndpoint: 'CHARTLAKE_GLUE_ENDPOINT',
  glueDatabase: 'CHARTLAKE_GLUE_DATABASE',
  secretsEndpoint: 'CHARTLAKE_SECRETS_ENDPOINT',
  /** ARN of the Secrets Manager secret holding the Spotify client secret (the value itself is never in the environment). */
  clientSecretArn: 'CHARTLAKE_SPOTIFY_CLIENT_SECRET_ARN',
  tmp: 'CHARTLAKE_TMP',
  // The settings the CLI reads too: one name each (src/config).
  source: SETTINGS.source,
  apiMode: SETTINGS.apiMode,
  chartsUrl: SETTINGS.chartsUrl,
  apiUrl: SETTINGS.apiUrl,
  accountsUrl: SETTINGS.accountsUrl,
  clientId: SETTINGS.clientId,
} as const;

export function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set (index.ts sets it on the deployed function)`);
  return value;
}

export function optional(name: string): string | undefined {
  return process.env[name] || undefined;
}

/** Lambda's only writable folder. DuckDB finds its home (extensions, secrets) through HOME, so HOME goes there too. */
export function lambdaTmp(): string {
  const tmp = optional(ENV.tmp) ?? '/tmp';
  // index.ts sets HOME=/tmp on the function; this covers a runtime that leaves it unset.
  if (!process.env.HOME) process.env.HOME = tmp;
  return tmp;
}

export function duckTempDirectory(tmp: string): string {
  return path.join(tmp, 'duckdb');
}

/** The lake bucket at its root (prefix ''), as the stack lays it out: raw/, transformed/, quarantine/, cache/. */
export function lakeStore(): S3Store {
  return new S3Store({ bucket: required(ENV.lakeBucket), prefix: '', endpoint: optional(ENV.s3Endpoint) });
}

/**
 * `open` once per container, shared by later calls; a rejected attempt is forgotten, so the next invocation
 * tries again instead of failing for the container's life (a transient /tmp or memory problem).
 */
export function cachedUnlessRejected<T>(open: () => Promise<T>): () => Promise<T> {
  let cached: Promise<T> | undefined;
  return () => {
    if (!cached) {
      const attempt = open();
      cached = attempt;
      attempt.catch(() => {
        if (cached === attempt) cached = undefined;
      });
    }
    return cached;
  };
}
