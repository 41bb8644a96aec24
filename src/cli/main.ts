#!/usr/bin/env node
import { UsageError } from './command';
import { checkInputs } from './checks';
import { commands } from './commands';
import { commandHelp, globalHelp, usageLine } from './help';
import { closest, parseCommandArgs } from './parse';

/** `chartlake <command> [options]`: help, parsing and input checks, then the command. Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    // `chartlake help <command>` is `chartlake <command> --help`.
    if (name === 'help' && rest[0] && commands[rest[0]]) return main([rest[0], '--help']);
    process.stdout.write(globalHelp(commands));
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    const near = closest(name, Object.keys(commands));
    throw new UsageError(`unknown command "${name}"${near ? `; did you mean "${near}"?` : ''} (chartlake --help lists the commands)`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(commandHelp(name, command));
    return 0;
  }
  const { values, positionals } = parseCommandArgs(name, command, rest);
  await checkInputs(name, command, values);
  return command.run(values, positionals);
}

function report(error: unknown): number {
  if (error instanceof UsageError) {
    const command = error.command ? commands[error.command] : undefined;
    process.stderr.write(`chartlake: ${error.message}\n${command ? `usage: ${usageLine(error.command!, command)}  (chartlake ${error.command} --help)\n` : ''}`);
    return 2;
  }
  process.stderr.write(`chartlake: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

/** Runs `chartlake` with these arguments and sets the process's exit code (bin/chartlake.js calls this). */
export function cli(argv: string[]): Promise<void> {
  endQuietlyOnClosedStdout();
  return main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.exitCode = report(error);
    },
  );
}

/**
 * `chartlake crawl | head -1`: the reader closed the pipe and wants nothing more, so the command ends at once
 * with 0 and no stack (Node otherwise throws EPIPE from the next write).
 */
function endQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

// Run directly (ts-node src/cli/main.ts, node dist/src/cli/main.js).
if (require.main === module) void cli(process.argv.slice(2));
