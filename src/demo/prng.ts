/**
 * A small seeded PRNG and the draws the demo catalog needs. Deterministic on every platform
 * (integer arithmetic only), so the same seed always builds the same catalog.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** mulberry32: a tiny deterministic generator of uniform numbers in [0, 1), the same on every machine. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Prng {
  /** Uniform in [0, 1). */
  readonly next: () => number;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds give unrelated streams.
    this.next = mulberry32(hash32(`seed:${seed}`) || 0x9e3779b9);
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn with probability proportional to `weights[i]`. */
  weightedIndex(weights: readonly number[], total = weights.reduce((a, b) => a + b, 0)): number {
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Pareto with minimum 1: heavy-tailed "star power". */
  pareto(alpha: number): number {
    return Math.pow(1 - this.next(), -1 / alpha);
  }

  /**
   * A Spotify-looking id: 22 base62 characters. Real ids encode 128 bits, so the first character is
   * at most '7' (62^22 > 2^128 > 7·62^21); ours follow the same rule.
   */
  spotifyId(): string {
    let id = BASE62[this.int(0, 7)];
    for (let i = 1; i < 22; i++) id += BASE62[this.int(0, 61)];
    return id;
  }

  digits(count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += String(this.int(0, 9));
    return out;
  }
}

/** FNV-1a, 32 bits: stable hash for derived values (image ids) that must not consume PRNG draws. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** `length` hex characters derived from `text`. */
export function hexOf(text: string, length: number): string {
  let out = '';
  let round = 0;
  while (out.length < length) out += hash32(`${round++}:${text}`).toString(16).padStart(8, '0');
  return out.slice(0, length);
}
