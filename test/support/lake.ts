import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { skipBecause } from './skip';

/** `../shared` beside the checkout: real Spotify Charts exports and the Spotify OpenAPI document. */
export const SHARED = path.resolve(__dirname, '..', '..', '..', 'shared');
export const US_2023 = path.join(SHARED, 'data', 'spotify-charts', 'us-weekly-2023');

/** Skips the calling suite or test when ../shared is absent, saying what is missing. */
export function requireShared(context: Mocha.Context, what = US_2023): void {
  if (existsSync(what)) return;
  skipBecause(context, `${what} is missing — it comes with ../shared beside the checkout`);
}

export function tempDir(label = 'lake'): string {
  return mkdtempSync(path.join(os.tmpdir(), `chartlake-test-${label}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Every file below `dir` with its SHA-256: a snapshot to prove a lake did not change. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (current: string) => {
    if (!existsSync(current)) return;
    for (const name of readdirSync(current)) {
      const full = path.join(current, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  walk(dir);
  return out;
}
