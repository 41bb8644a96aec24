#!/usr/bin/env node
// Installs dependencies when node_modules is missing or older than package-lock.json, so that on a fresh
// clone `npm start` and `npm test` are the only commands a user needs. Plain JS: it runs before anything is installed.
'use strict';
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { execSync } = require('node:child_process');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.chartlake-deps');
const wanted = createHash('sha256').update(readFileSync(lock)).digest('hex');
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';

if (have !== wanted) {
  process.stderr.write('chartlake: installing dependencies (npm ci)...\n');
  execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, `${wanted}\n`);
}
