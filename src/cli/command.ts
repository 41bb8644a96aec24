/**
 * How a `chartlake` command is declared: one object with its help, its options and what it runs.
 * The command layer (parse.ts, help.ts, checks.ts) reads these declarations: parsing, `--help`, suggestions
 * for misspellings and the input checks all come from them, so a new command only declares itself here.
 * This file imports nothing at run time: `chartlake --help` loads the declarations and nothing heavier.
 */

/** What the command layer checks an option's value against before the command runs (checks.ts). */
export type OptionCheck =
  /** A calendar date YYYY-MM-DD. */
  | 'date'
  /** A chart week: a date that is a Thursday (chart weeks end on Thursdays). */
  | 'week'
  /** A chart alias the lake holds (commands that read a lake). */
  | 'chart'
  /** A whole number ≥ 1. */
  | 'positive-integer'
  /** A whole number ≥ 0. */
  | 'port'
  /** One of these values. */
  | readonly string[];

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The option may be given more than once (values become a list). */
  multiple?: boolean;
  /** Applied when the option is absent, and shown in the help. */
  default?: string;
  /** The default in words, when it is not a constant (e.g. "the newest week in the lake"). */
  defaultText?: string;
  /** The value's placeholder in the help, e.g. `<date>`. */
  value?: string;
  description: string;
  /** The environment variable that gives this option's value when the flag is absent. */
  env?: string;
  check?: OptionCheck;
}

export interface ArgumentSpec {
  name: string;
  description: string;
  required?: boolean;
  /** Takes any number of values. */
  variadic?: boolean;
}

export type Values = Record<string, string | boolean | string[] | undefined>;

/**
 * One `chartlake <name>` command.
 * - `lake: 'reads'`: the lake must exist before the command runs; `'creates'`: it may be created; `'none'`.
 * - `run` loads what it needs itself (`require` inside), so declaring a command costs nothing at start-up.
 */
export interface Command {
  summary: string;
  /** A few sentences for `chartlake <command> --help`, after the summary. */
  description?: string;
  args?: ArgumentSpec[];
  options: Record<string, OptionSpec>;
  /** Environment variables read besides the options' own. */
  env?: string[];
  examples: string[];
  lake: 'reads' | 'creates' | 'none';
  run(values: Values, positionals: string[]): Promise<number>;
}

/** A mistake in what the user typed: printed without a stack, with the command's usage line; exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The string value of an option (undefined when absent). */
export function stringOf(values: Values, name: string): string | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value[value.length - 1];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of an option that may repeat (`--chart a --chart b`); undefined when absent. */
export function listOf(values: Values, name: string): string[] | undefined {
  const value = values[name];
  if (Array.isArray(value)) return value.length > 0 ? value : undefined;
  return typeof value === 'string' ? [value] : undefined;
}
