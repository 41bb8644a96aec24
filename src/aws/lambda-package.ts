import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The Lambda package. Each CallbackFunction's serialized body is one line that `require`s a compiled entry
 * module below `dist/lambda/`, so the closure serializer never walks the pipeline's modules (capturing big local
 * modules is fragile); the real code ships as plain files beside `__index.js`, node_modules beside them.
 */
export const LAMBDA_CODE_DIR = path.join('dist', 'lambda');
/** Paths as the serialized callbacks `require` them, relative to `__index.js` at the package root. */
export const EXTRACT_ENTRY = './dist/lambda/src/aws/lambda/extract.js';
export const TRANSFORM_ENTRY = './dist/lambda/src/aws/lambda/transform.js';

/** Folders of `src/` the Lambdas never load (command line, demo server). */
const SKIPPED_FOLDERS = new Set(['cli', 'demo']);

/**
 * Packages in the nodejs22.x runtime already (AWS SDK v3) or never needed at run time; @pulumi/* is left out
 * by Pulumi itself. DuckDB's Linux binding is an optional dependency, which Pulumi does not follow: it is
 * included by name.
 */
export const LAMBDA_CODE_PATH_OPTIONS = {
  extraIncludePaths: [LAMBDA_CODE_DIR],
  extraIncludePackages: ['@duckdb/node-bindings-linux-x64'],
  extraExcludePackages: ['@aws-sdk/client-s3', '@aws-sdk/client-athena', '@aws-sdk/client-glue', 'vega', 'vega-lite'],
};

/**
 * Compiles `src/**` to CommonJS JavaScript in `<root>/dist/lambda/src` (TypeScript's transpiler, one file at a
 * time: the type check is `npm test`'s job) and copies the `.sql` files beside the code that loads them.
 * Returns the number of files written. Runs on every `pulumi up`, in well under a second.
 */
export function buildLambdaCode(root: string): number {
  const final = path.join(root, LAMBDA_CODE_DIR);
  // Build beside the final folder and swap it in only when something changed, so concurrent runs (tests in
  // parallel, a preview during a test) never see a half-written or vanished dist/lambda.
  const out = `${final}.build-${process.pid}-${randomBytes(4).toString('hex')}`;
  let files = 0;
  const walk = (dir: string, relative: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const source = path.join(dir, entry.name);
      const rel = path.join(relative, entry.name);
      if (entry.isDirectory()) {
        if (relative === 'src' && SKIPPED_FOLDERS.has(entry.name)) continue;
        walk(source, rel);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
        const target = path.join(out, rel.replace(/\.ts$/, '.js'));
        mkdirSync(path.dirname(target), { recursive: true });
        const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
          fileName: source,
          compilerOptions: {
            module: ts.ModuleKind.CommonJS,
            target: ts.ScriptTarget.ES2022,
            esModuleInterop: true,
            resolveJsonModule: true,
          },
        });
        writeFileSync(target, outputText);
        files++;
      } else if (entry.name.endsWith('.sql')) {
        const target = path.join(out, rel);
        mkdirSync(path.dirname(target), { recursive: true });
        copyFileSync(source, target);
        files++;
      }
    }
  };
  walk(path.join(root, 'src'), 'src');
  if (existsSync(final) && treeHash(final) === treeHash(out)) {
    rmSync(out, { recursive: true, force: true });
  } else {
    const old = `${out}.old`;
    if (existsSync(final)) renameSync(final, old);
    renameSync(out, final);
    rmSync(old, { recursive: true, force: true });
  }
  return files;
}

/** SHA-256 over every file's relative path and bytes. */
function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) walk(full);
      else hash.update(path.relative(dir, full)).update('\0').update(readFileSync(full)).update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}
