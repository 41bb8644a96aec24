import { expect } from 'chai';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { removeDir, tempDir } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const { staleReason } = require('../../scripts/ensure-deps.js') as { staleReason(root?: string): string | undefined };
const { ensureBuilt } = require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean };

describe('npm ci, then a command: no second install, no needless build', function () {
  this.timeout(300_000);
  let root: string;

  beforeEach(() => {
    root = tempDir('install');
  });
  afterEach(() => removeDir(root));

  /** A project whose lock file names `locked`, with npm's record of the install saying `installed`. */
  let projects = 0;
  function project(locked: Record<string, { version: string; optional?: boolean }>, installed: Record<string, { version: string }> | undefined, folders: string[] = []): string {
    const dir = path.join(root, String(++projects));
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', dependencies: { a: '^1.0.0' } }));
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'p' }, ...locked } }));
    mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
    if (installed) writeFileSync(path.join(dir, 'node_modules', '.package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: installed }));
    for (const folder of folders) {
      mkdirSync(path.join(dir, 'node_modules', folder), { recursive: true });
      writeFileSync(path.join(dir, 'node_modules', folder, 'package.json'), '{}');
    }
    return dir;
  }

  it('matches when npm recorded every locked package at its version (another platform\'s optional binary may be absent)', () => {
    const locked = { 'node_modules/a': { version: '1.2.0' }, 'node_modules/a-darwin': { version: '1.2.0', optional: true } };
    expect(staleReason(project(locked, { 'node_modules/a': { version: '1.2.0' } }, ['a']))).to.equal(undefined);
  });

  it('names what does not match: no record, a version, a package missing or left over, a folder removed by hand', () => {
    const locked = { 'node_modules/a': { version: '1.2.0' } };
    expect(staleReason(project(locked, undefined, ['a']))).to.match(/not installed by npm/);
    expect(staleReason(project(locked, { 'node_modules/a': { version: '1.1.0' } }, ['a']))).to.equal('node_modules/a is 1.1.0, the lock file says 1.2.0');
    expect(staleReason(project(locked, {}, ['a']))).to.equal('node_modules/a is not installed');
    expect(staleReason(project(locked, { 'node_modules/a': { version: '1.2.0' }, 'node_modules/b': { version: '1.0.0' } }, ['a']))).to.match(/node_modules\/b is installed but no longer/);
    expect(staleReason(project(locked, { 'node_modules/a': { version: '1.2.0' } }))).to.equal('a is missing from node_modules');
  });

  it('a check that passed is remembered only for the same files: a changed lock file or a removed folder is still seen', () => {
    const locked = { 'node_modules/a': { version: '1.2.0' } };
    const dir = project(locked, { 'node_modules/a': { version: '1.2.0' } }, ['a']);
    expect(staleReason(dir)).to.equal(undefined);
    expect(existsSync(path.join(dir, 'node_modules', '.chartlake-lock-matched'))).to.equal(true);
    expect(staleReason(dir)).to.equal(undefined);
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'p' }, 'node_modules/a': { version: '1.3.0' } } }));
    expect(staleReason(dir)).to.equal('node_modules/a is 1.2.0, the lock file says 1.3.0');
    writeFileSync(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'p' }, ...locked } }));
    expect(staleReason(dir)).to.equal(undefined);
    rmSync(path.join(dir, 'node_modules', 'a'), { recursive: true });
    expect(staleReason(dir)).to.equal('a is missing from node_modules');
  });

  it('this checkout\'s node_modules matches its lock file, and a second build check finds nothing to do', () => {
    expect(staleReason(ROOT)).to.equal(undefined);
    ensureBuilt({ quiet: true });
    expect(ensureBuilt({ quiet: true })).to.equal(false);
  });
});
