import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError, type Command, type Values } from './command';

/**
 * Parses one command's arguments with node:util parseArgs (non-strict, with tokens) and explains every mistake
 * in the user's terms: an unknown option names the closest known one, a missing value names the value expected.
 */
export function parseCommandArgs(name: string, command: Command, args: string[]): { values: Values; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig['options']> = {};
  for (const [option, spec] of Object.entries(command.options)) {
    options[option] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), ...(spec.multiple ? { multiple: true } : {}) };
  }
  const { values, positionals, tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const spec = command.options[token.name];
    if (!spec) {
      const known = Object.keys(command.options).map((option) => `--${option}`);
      throw new UsageError(`unknown option ${token.rawName} for chartlake ${name}${didYouMean(token.rawName, known)}`, name);
    }
    if (spec.type === 'string' && (token.value === undefined || token.value.startsWith('--'))) {
      const got = token.value === undefined ? '' : `; ${token.value} is an option, not a value`;
      throw new UsageError(`--${token.name} needs a value ${spec.value ?? '<value>'}${got}`, name);
    }
    if (spec.type === 'boolean' && token.value !== undefined) {
      throw new UsageError(`--${token.name} is a switch and takes no value (remove "=${token.value}")`, name);
    }
  }
  const result: Values = { ...(values as Values) };
  for (const [option, spec] of Object.entries(command.options)) {
    if (result[option] === undefined && spec.default !== undefined) result[option] = spec.multiple ? [spec.default] : spec.default;
  }
  checkPositionals(name, command, positionals);
  return { values: result, positionals };
}

function checkPositionals(name: string, command: Command, positionals: string[]): void {
  const specs = command.args ?? [];
  const variadic = specs.some((arg) => arg.variadic);
  const required = specs.filter((arg) => arg.required);
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((arg) => `<${arg.name}>`);
    throw new UsageError(`chartlake ${name} needs ${missing.join(' ')}`, name);
  }
  if (!variadic && positionals.length > specs.length) {
    const extra = positionals.slice(specs.length).map((value) => JSON.stringify(value)).join(' ');
    throw new UsageError(
      specs.length === 0 ? `chartlake ${name} takes no arguments, got ${extra}` : `chartlake ${name} takes ${specs.length} argument(s), got also ${extra} (quote a value with spaces)`,
      name,
    );
  }
}

/** `; did you mean "x"?` for the closest candidate, or nothing when none is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = closest(word, candidates);
  return best ? `; did you mean ${best}?` : '';
}

/** The candidate nearest to `word` by edit distance, when it is near enough to be a misspelling (or a prefix). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const tolerance = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  if (best.distance <= tolerance) return best.candidate;
  const prefixed = candidates.filter((candidate) => lower.length >= 3 && candidate.toLowerCase().startsWith(lower));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

/** Damerau–Levenshtein (optimal string alignment): a swap of two neighbours counts as one edit, as typists make them. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
