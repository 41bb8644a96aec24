#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { commands, usage } from './commands';

/** `chartlake <command> [options]`: parses arguments and hands them to a command; errors become exit code 1. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 1;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`chartlake: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parseArgs({ args: rest, options: command.options, allowPositionals: true, strict: true });
  return command.run(values as Record<string, string | boolean | undefined>, positionals);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`chartlake: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
