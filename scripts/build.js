#!/usr/bin/env node
// Compiles src/ to dist/ (incremental tsc) and copies what the code reads at run time (.sql files) beside it.
// `ensureBuilt()` is the up-to-date check the `chartlake` bin runs first: a few stat calls when nothing changed.
// Plain JS: it runs before anything is compiled.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const src = path.join(root, 'src');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.build-stamp');
/** Besides src/, what changes the output. */
const inputs = ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((file) => path.join(root, file));

/** The newest modification time among the sources (ms), and every source file's relative path. */
function sourceState() {
  let newest = 0;
  const files = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        files.push(path.relative(root, full));
        newest = Math.max(newest, fs.statSync(full).mtimeMs);
      }
    }
  };
  walk(src);
  for (const file of inputs) if (fs.existsSync(file)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
  return { newest, files: files.sort() };
}

/** Up to date: the stamp is newer than every source and lists the same files (a deleted or renamed file counts). */
function isUpToDate(state) {
  if (!fs.existsSync(stamp)) return false;
  if (fs.statSync(stamp).mtimeMs < state.newest) return false;
  return fs.readFileSync(stamp, 'utf8') === `${state.files.join('\n')}\n`;
}

function build(state, log) {
  const started = Date.now();
  log('chartlake: compiling src/ to dist/ (tsc, incremental)...');
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  const result = require('node:child_process').spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('tsc reported errors (above); fix them and run the command again');
  for (const file of state.files) {
    if (file.endsWith('.ts')) continue;
    const target = path.join(dist, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, file), target);
  }
  // Written last: a build interrupted before this point is redone on the next run.
  fs.writeFileSync(stamp, `${state.files.join('\n')}\n`);
  log(`chartlake: compiled in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/** Builds when a source changed since the last build; returns true when it built. */
function ensureBuilt({ quiet = false } = {}) {
  if (!fs.existsSync(src)) return false; // an installed copy without sources: dist/ is what there is
  const state = sourceState();
  if (isUpToDate(state)) return false;
  build(state, quiet ? () => {} : (line) => process.stderr.write(`${line}\n`));
  return true;
}

module.exports = { ensureBuilt };

if (require.main === module) {
  try {
    // `npm run build` always compiles (tsc itself skips what is unchanged).
    build(sourceState(), (line) => process.stderr.write(`${line}\n`));
  } catch (error) {
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
  }
}
