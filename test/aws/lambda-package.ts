import * as pulumi from '@pulumi/pulumi';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { RegisteredResource } from './stack-harness';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '..', '..');

/**
 * Writes a Lambda function's code archive (as the program handed it to the engine) into `dir`: the
 * `__index.js` and every folder Pulumi would zip, copied (not linked, so Node cannot find the repo's
 * node_modules through a symlink's real path). Returns the archive's entry names.
 */
export async function materializeCode(fn: RegisteredResource, dir: string): Promise<string[]> {
  const archive = fn.inputs.code as pulumi.asset.AssetArchive;
  const assets = (await archive.assets) as Record<string, pulumi.asset.Asset | pulumi.asset.Archive>;
  mkdirSync(dir, { recursive: true });
  for (const [name, entry] of Object.entries(assets)) {
    const target = path.join(dir, name);
    if (entry instanceof pulumi.asset.StringAsset) {
      writeFileSync(target, await (entry as unknown as { text: Promise<string> }).text);
    } else if (entry instanceof pulumi.asset.FileArchive || entry instanceof pulumi.asset.FileAsset) {
      const source = path.resolve(REPO, await (entry as unknown as { path: Promise<string> }).path);
      cpSync(source, target, { recursive: true, dereference: true });
    } else {
      throw new Error(`unexpected entry ${name} in the Lambda code archive`);
    }
  }
  return Object.keys(assets).sort();
}

/** The package zipped as Lambda receives it (deflate, as Pulumi zips); its size in bytes. */
export async function zippedSize(dir: string, zipFile: string): Promise<number> {
  await run('zip', ['-q', '-r', '-X', zipFile, '.'], { cwd: dir, maxBuffer: 1 << 20 });
  return statSync(zipFile).size;
}

/**
 * The Node that runs the packaged handlers: the Lambda runtime's major (nodejs24.x) when it is installed
 * (CHARTLAKE_LAMBDA_NODE, or .lambda-cache/node-24 from scripts/fetch-lambda-node.sh), else this process's Node.
 */
export function lambdaNode(): { path: string; note?: string } {
  const candidates = [process.env.CHARTLAKE_LAMBDA_NODE, path.join(REPO, '.lambda-cache', 'node-24', 'bin', 'node')];
  const found = candidates.find((candidate): candidate is string => Boolean(candidate && existsSync(candidate)));
  if (found) return { path: found };
  return { path: process.execPath, note: `Node 24 (the Lambda runtime) is not installed: the packaged handlers run on ${process.version} (scripts/fetch-lambda-node.sh installs it)` };
}

export interface Invocation<T> {
  result?: T;
  error?: { name: string; message: string };
  logs: string;
}

/**
 * Invokes `handler` of the package's `__index.js` as the Lambda runtime would: a fresh Node process with the
 * package folder as working directory, only the function's environment (plus credentials and endpoints), one
 * event, nothing on NODE_PATH (the package carries its own AWS SDK), on `lambdaNode()`. The runner prints the
 * result (or error) as the last line.
 */
export async function invokeLambda<T>(dir: string, event: unknown, env: Record<string, string>, { clock }: { clock?: Date } = {}): Promise<Invocation<T>> {
  const runner = path.join(dir, '..', 'lambda-runner.js');
  writeFileSync(
    runner,
    `${clock ? shiftedClock(clock) : ''}const { handler } = require(${JSON.stringify(path.join(dir, '__index.js'))});
const context = { functionName: 'test', awsRequestId: 'test-request', getRemainingTimeInMillis: () => 300000 };
handler(${JSON.stringify(event)}, context).then(
  (result) => process.stdout.write('\\n@@RESULT ' + JSON.stringify({ result }) + '\\n'),
  (error) => process.stdout.write('\\n@@RESULT ' + JSON.stringify({ error: { name: error.name, message: error.message } }) + '\\n'),
);`,
  );
  const { stdout, stderr } = await run(lambdaNode().path, [runner], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LAMBDA_TASK_ROOT: dir, ...env },
    maxBuffer: 64 << 20,
  });
  const marker = stdout.lastIndexOf('@@RESULT ');
  if (marker < 0) throw new Error(`the Lambda printed no result:\n${stdout}\n${stderr}`);
  const outcome = JSON.parse(stdout.slice(marker + '@@RESULT '.length)) as Omit<Invocation<T>, 'logs'>;
  return { ...outcome, logs: stdout.slice(0, marker) + stderr };
}

/**
 * The runner's clock set to `clock` and running on from there: `Date.now()` and `new Date()` in the whole process
 * (the handler's "now" is the Lambda's own clock; what it does on a Tuesday evening cannot wait for one). The AWS
 * SDK meets the skew as it would on a machine whose clock is off: the first answer's Date header corrects it.
 */
function shiftedClock(clock: Date): string {
  return `const offset = ${clock.getTime()} - Date.now();
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...args) { super(...(args.length > 0 ? args : [RealDate.now() + offset])); }
  static now() { return RealDate.now() + offset; }
};
`;
}
