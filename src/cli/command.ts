import type { ParseArgsConfig } from 'node:util';

export type Values = Record<string, string | boolean | undefined>;

/** One `chartlake <name>` command: its options (node:util parseArgs) and what it runs; returns the exit code. */
export interface Command {
  summary: string;
  args?: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(values: Values, positionals: string[]): Promise<number>;
}
