import { ENV, ENV_HELP } from '../config';
import type { Command, OptionSpec } from './command';

/** `chartlake --help`: every command in aligned columns, then where settings come from. */
export function globalHelp(commands: Record<string, Command>): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((name) => name.length));
  return [
    'usage: chartlake <command> [arguments] [options]',
    '',
    'commands:',
    ...names.map((name) => `  ${name.padEnd(width)}  ${commands[name].summary}`),
    '',
    'chartlake <command> --help shows a command\'s arguments, options, defaults, environment and an example.',
    `Settings resolve in one order for every command: flags, then the environment (${ENV.lake}, ${ENV.chart}, ...),`,
    `then ./chartlake.config.json (or ${ENV.configFile}), then the defaults; chartlake config shows the result.`,
    '',
  ].join('\n');
}

/** `chartlake <command> --help`. */
export function commandHelp(name: string, command: Command): string {
  const lines = [`chartlake ${name}: ${command.summary}`, '', `usage: ${usageLine(name, command)}`];
  if (command.description) lines.push('', command.description);
  if (command.args?.length) {
    lines.push('', 'arguments:', ...columns(command.args.map((arg) => [`${argName(arg.name, arg.variadic)}`, arg.description])));
  }
  const options = Object.entries(command.options).map(([option, spec]) => [optionName(option, spec), optionDescription(spec)] as [string, string]);
  options.push(['-h, --help', 'show this help']);
  lines.push('', 'options:', ...columns(options));
  const env = environmentOf(command);
  if (env.length > 0) lines.push('', 'environment:', ...columns(env.map((variable) => [variable, ENV_HELP[variable] ?? ''])));
  lines.push('', command.examples.length > 1 ? 'examples:' : 'example:', ...command.examples.map((example) => `  ${example}`), '');
  return lines.join('\n');
}

/** The one-line usage, printed with every usage error. */
export function usageLine(name: string, command: Command): string {
  const args = (command.args ?? []).map((arg) => {
    const shown = argName(arg.name, arg.variadic);
    return arg.required ? shown : `[${shown}]`;
  });
  return ['chartlake', name, ...args, Object.keys(command.options).length > 0 ? '[options]' : ''].filter(Boolean).join(' ');
}

/** The variables a command reads: its options' and the ones it declares, in that order, once each. */
export function environmentOf(command: Command): string[] {
  const names = [...Object.values(command.options).flatMap((spec) => (spec.env ? [spec.env] : [])), ...(command.env ?? [])];
  return [...new Set(names)];
}

function argName(name: string, variadic?: boolean): string {
  return `<${name}>${variadic ? '...' : ''}`;
}

function optionName(option: string, spec: OptionSpec): string {
  const flag = `${spec.short ? `-${spec.short}, ` : ''}--${option}`;
  return spec.type === 'string' ? `${flag} ${spec.value ?? '<value>'}` : flag;
}

function optionDescription(spec: OptionSpec): string {
  const notes: string[] = [];
  const fallback = spec.defaultText ?? spec.default;
  if (fallback !== undefined) notes.push(`default: ${fallback}`);
  if (spec.env) notes.push(`env ${spec.env}`);
  if (spec.multiple) notes.push('repeatable');
  return notes.length > 0 ? `${spec.description} (${notes.join('; ')})` : spec.description;
}

function columns(rows: [string, string][]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`.trimEnd());
}
