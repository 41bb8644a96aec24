import { readFileSync } from 'node:fs';
import { STEPS, type StepName } from './steps';

/**
 * Runs one bench step in its own process, so its peak RSS is its own: `node bench/child.ts <step> <args.json>`.
 * The result is the last line of stdout, as JSON.
 */
async function main(): Promise<void> {
  const [name, argsFile] = process.argv.slice(2);
  const step = STEPS[name as StepName] as ((args: unknown) => Promise<unknown>) | undefined;
  if (!step) throw new Error(`unknown bench step ${name}`);
  const result = await step(JSON.parse(readFileSync(argsFile, 'utf8')));
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
