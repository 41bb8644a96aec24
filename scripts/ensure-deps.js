#!/usr/bin/env node
// Installs dependencies when node_modules does not match package-lock.json, so that on a fresh clone `npm start`
// and `npm test` are the only commands a user needs. "Matches" is judged by what npm itself records of an
// install, node_modules/.package-lock.json (written by `npm ci` and `npm install`): every locked package is
// installed at the locked version, except optional ones for other platforms. Nothing is stamped by us, so
// `npm ci` followed by a command never installs again. Plain JS: it runs before anything is installed.
'use strict';
const { existsSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const projectRoot = path.resolve(__dirname, '..');

/**
 * The files the comparison reads, by size and time. When they are as they were when it last matched (the memo in
 * node_modules), it would match again: reading and comparing two ~200 KB lock files is skipped (20-50 ms of every
 * command's start). The memo only ever skips a check that passed; without it the files are compared.
 */
const COMPARED = ['package.json', 'package-lock.json', path.join('node_modules', '.package-lock.json')];
const MEMO = path.join('node_modules', '.chartlake-lock-matched');

function comparedState(root) {
  return COMPARED.map((file) => {
    const stat = statSync(path.join(root, file), { throwIfNoEntry: false });
    return `${file}\t${stat ? `${stat.size}\t${stat.mtimeMs}` : '-'}`;
  }).join('\n');
}

/** Why node_modules does not match the lock file, or undefined when it does. */
function staleReason(root = projectRoot) {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return 'node_modules is missing or was not installed by npm';
  const state = comparedState(root);
  const memo = path.join(root, MEMO);
  if (!existsSync(memo) || readFileSync(memo, 'utf8') !== state) {
    const reason = lockMismatch(root, installed);
    if (reason) return reason;
    try {
      writeFileSync(memo, state);
    } catch {
      // a read-only node_modules: the files are compared every time
    }
  }
  // A package folder removed by hand leaves npm's record behind: check the direct dependencies are there.
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
    if (!existsSync(path.join(root, 'node_modules', name, 'package.json'))) return `${name} is missing from node_modules`;
  }
  return undefined;
}

/** Runs `npm ci` when node_modules does not match the lock file; returns true when it installed. */
function ensureDeps() {
  const reason = staleReason();
  if (!reason) return false;
  process.stderr.write(`chartlake: installing dependencies (npm ci): ${reason}\n`);
  // (loaded here: child_process costs ~2 ms of start-up, and only an install needs it; a query loads it anyway with DuckDB)
  require('node:child_process').execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: projectRoot, stdio: 'inherit' });
  return true;
}

/** Why npm's record of the install differs from the lock file, or undefined when every locked package is there. */
function lockMismatch(root, installed) {
  const locked = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')).packages ?? {};
  const have = JSON.parse(readFileSync(installed, 'utf8')).packages ?? {};
  for (const [key, entry] of Object.entries(locked)) {
    if (key === '' || entry.link) continue;
    const found = have[key];
    if (!found) {
      if (entry.optional) continue; // another platform's binary (e.g. DuckDB's darwin bindings)
      return `${key} is not installed`;
    }
    if (found.version !== entry.version) return `${key} is ${found.version}, the lock file says ${entry.version}`;
  }
  for (const key of Object.keys(have)) if (!(key in locked)) return `${key} is installed but no longer in the lock file`;
  return undefined;
}

module.exports = { ensureDeps, staleReason };

if (require.main === module) ensureDeps();
