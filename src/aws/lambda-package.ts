import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

/**
 * The Lambda packages. Each function's `__index.js` is one line that `require`s a compiled entry module below
 * `dist/lambda/`; the real code ships as plain files beside it, and exactly the node_modules it loads beside them
 * (listed here, not guessed by a closure serializer, so the platform binding DuckDB needs is never left out).
 */
export const LAMBDA_CODE_DIR = path.join('dist', 'lambda');
/** Paths as the serialized callbacks `require` them, relative to `__index.js` at the package root. */
export const EXTRACT_ENTRY = './dist/lambda/src/aws/lambda/extract.js';
export const TRANSFORM_ENTRY = './dist/lambda/src/aws/lambda/transform.js';

/** Folders of `src/` the Lambdas never load (command line, demo server). */
const SKIPPED_FOLDERS = new Set(['cli', 'demo']);

/** Lambda's instruction set; arm64 (Graviton) costs about 20% less per GB-second and DuckDB ships a binding for it. */
export type LambdaArchitecture = 'arm64' | 'x86_64';
export const DEFAULT_ARCHITECTURE: LambdaArchitecture = 'arm64';
/** The newest Node.js runtime @pulumi/aws offers (`aws.lambda.Runtime.NodeJS24dX`). */
export const LAMBDA_RUNTIME = 'nodejs24.x';

/**
 * What each function loads at run time, by package name; their dependency closures are copied from node_modules.
 * The AWS SDK clients ship in the package, pinned by package-lock.json, instead of the runtime's bundled SDK
 * (whose version changes under the function). Only the transform loads DuckDB; neither loads Pulumi or vega.
 */
export const LAMBDA_PACKAGES = {
  extract: { entry: EXTRACT_ENTRY, packages: ['got', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager'], duckdb: false },
  transform: { entry: TRANSFORM_ENTRY, packages: ['got', '@aws-sdk/client-s3', '@aws-sdk/client-glue', '@duckdb/node-api'], duckdb: true },
} as const;
export type LambdaName = keyof typeof LAMBDA_PACKAGES;

/** Lambda refuses a function whose unzipped code is larger than this. */
export const UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;

/** The package folders (relative to `root`) a set of packages needs at run time: themselves and their dependencies. */
export function dependencyClosure(root: string, names: readonly string[]): string[] {
  const found = new Set<string>();
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    // DuckDB's per-platform bindings are optional dependencies; the one for Lambda is added by duckDbBinding.
    if (name.startsWith('@duckdb/node-bindings-')) return;
    const dir = resolvePackageDir(root, fromDir, name);
    if (!dir) {
      if (optional) return;
      throw new Error(`the Lambda package needs ${name}, which is not installed under ${fromDir}: run npm ci`);
    }
    if (found.has(dir)) return;
    found.add(dir);
    const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dep, dir, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of names) visit(name, '.', false);
  // A package nested in another's node_modules travels inside its parent's folder.
  const all = [...found];
  return all.filter((dir) => !all.some((other) => other !== dir && dir.startsWith(`${other}${path.sep}node_modules${path.sep}`))).sort();
}

/** Node's lookup: `<dir>/node_modules/<name>`, then each parent folder's, up to the root. */
function resolvePackageDir(root: string, fromDir: string, name: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(root, candidate, 'package.json'))) return candidate;
    if (dir === '.' || dir === '') return undefined;
    const parent = path.dirname(dir);
    dir = path.basename(parent) === 'node_modules' ? path.dirname(parent) : parent;
  }
}

export interface DuckDbBindingOptions {
  root: string;
  architecture: LambdaArchitecture;
  /** Where fetched bindings are kept between runs (default `<root>/.lambda-cache`). */
  cacheDir?: string;
  /**
   * Fetches `<name>@<version>` from the npm registry and unpacks its `package/` folder into `dest`; false when
   * it must not (the program then stops with what to run). Default: `npm pack` + `tar`.
   */
  fetch?: ((name: string, version: string, dest: string) => void) | false;
}

/** The binding DuckDB loads on Lambda (Amazon Linux: glibc, never musl). */
export function duckDbBindingName(architecture: LambdaArchitecture): string {
  return `@duckdb/node-bindings-linux-${architecture === 'arm64' ? 'arm64' : 'x64'}`;
}

/**
 * The folder holding DuckDB's Linux binding for the function's architecture, whatever the host: node_modules
 * when npm installed it (a Linux host of that architecture), else the build cache, else fetched into the cache
 * from the npm registry (npm installs only the host's binding, so a Mac or an x64 laptop deploying arm64 needs
 * this). Its version is the one @duckdb/node-bindings pins. Throws with the command to run when it cannot.
 */
export function duckDbBinding(options: DuckDbBindingOptions): string {
  const { root } = options;
  const name = duckDbBindingName(options.architecture);
  const bindings = JSON.parse(readFileSync(path.join(root, 'node_modules/@duckdb/node-bindings/package.json'), 'utf8')) as {
    optionalDependencies: Record<string, string>;
  };
  const version = bindings.optionalDependencies[name];
  const installed = path.join(root, 'node_modules', name);
  const cached = path.join(options.cacheDir ?? path.join(root, '.lambda-cache'), `${name.replace('/', '+')}@${version}`);
  const usable = (dir: string) => existsSync(path.join(dir, 'duckdb.node')) && readVersion(dir) === version;
  if (usable(installed)) return installed;
  if (usable(cached)) return cached;
  const fetch = options.fetch ?? npmFetch;
  const howTo =
    `mkdir -p ${cached} && npm pack ${name}@${version} --pack-destination ${path.dirname(cached)} && ` +
    `tar -xzf ${path.dirname(cached)}/${name.replace('@', '').replace('/', '-')}-${version}.tgz -C ${cached} --strip-components=1`;
  const missing =
    `The transform Lambda runs on linux-${options.architecture} and needs DuckDB's binding ${name}@${version}, ` +
    `which npm did not install on this ${process.platform}-${process.arch} machine (it installs only the host's).`;
  if (fetch === false) throw new Error(`${missing} Fetch it into the build cache with:\n  ${howTo}\nthen run pulumi up again.`);
  try {
    rmSync(cached, { recursive: true, force: true });
    mkdirSync(cached, { recursive: true });
    fetch(name, version, cached);
  } catch (error) {
    rmSync(cached, { recursive: true, force: true });
    throw new Error(`${missing} Fetching it from the npm registry failed (${(error as Error).message.split('\n')[0]}). Fetch it with:\n  ${howTo}\nthen run pulumi up again.`);
  }
  if (!usable(cached)) throw new Error(`${missing} The fetched ${name}@${version} in ${cached} has no duckdb.node. Fetch it with:\n  ${howTo}`);
  return cached;
}

function readVersion(dir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** `npm pack` downloads the tarball whatever its `os`/`cpu` fields say; `tar` unpacks its `package/` folder. */
function npmFetch(name: string, version: string, dest: string): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'chartlake-binding-'));
  try {
    const out = execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', work, '--silent'], { encoding: 'utf8' });
    const tarball = path.join(work, out.trim().split('\n').pop()!);
    execFileSync('tar', ['-xzf', tarball, '-C', dest, '--strip-components=1']);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The code version recorded in lineage: package.json's version and the git commit the package was built from
 * (`+dirty` when the work tree had uncommitted changes), e.g. `chartlake@0.1.0+3f2a9c1d0e4b`.
 */
export function codeVersion(root: string): string {
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return `chartlake@${version}+${git('rev-parse', '--short=12', 'HEAD')}${dirty ? '.dirty' : ''}`;
  } catch {
    return `chartlake@${version}+unknown-commit`;
  }
}

/** One function's package, as folders (relative to root, or absolute for the fetched binding) under their zip paths. */
export interface LambdaPackagePlan {
  /** The handler module Lambda loads (`__index.handler`). */
  index: string;
  /** Zip path -> folder. */
  folders: Record<string, string>;
}

/** What goes into one function's zip: `__index.js`, the compiled code, the runtime packages (and DuckDB's binding). */
export function lambdaPackagePlan(root: string, name: LambdaName, binding?: DuckDbBindingOptions): LambdaPackagePlan {
  const spec = LAMBDA_PACKAGES[name];
  const folders: Record<string, string> = { [LAMBDA_CODE_DIR.split(path.sep).join('/')]: LAMBDA_CODE_DIR };
  for (const dir of dependencyClosure(root, spec.packages)) folders[dir.split(path.sep).join('/')] = dir;
  if (spec.duckdb) {
    if (!binding) throw new Error('the transform package needs DuckDB binding options (its architecture)');
    folders[`node_modules/${duckDbBindingName(binding.architecture)}`] = duckDbBinding(binding);
  }
  const index = `exports.handler = (event, context) => require(${JSON.stringify(spec.entry)}).handler(event, context);\n`;
  return { index, folders };
}

/** Bytes of every file below the plan's folders: what Lambda counts against its 250 MB unzipped limit. */
export function unzippedSize(root: string, plan: LambdaPackagePlan): number {
  let total = Buffer.byteLength(plan.index);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else total += statSync(full).size;
    }
  };
  for (const folder of Object.values(plan.folders)) walk(path.resolve(root, folder));
  return total;
}

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
