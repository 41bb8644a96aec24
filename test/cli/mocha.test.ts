import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

describe('tests easy to run', function () {
  this.timeout(120_000);

  it('`mocha <file>` runs that file only, and ends with the skipped tests and why', () => {
    const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const result = spawnSync(process.execPath, [mocha, 'test/cli/fixtures/skipping.fixture.ts'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.match(/^ +1 passing/m);
    expect(result.stdout).to.match(/^ +4 pending/m);
    const tail = result.stdout.slice(result.stdout.indexOf('pending'));
    expect(tail).to.include('skipped: 4 test(s), because:');
    expect(tail).to.match(/^ +3 {2}\/opt\/thing is missing$/m);
    expect(tail).to.match(/^ +1 {2}no reason given/m);
    expect(result.stdout.trimEnd().split('\n').pop()).to.match(/no reason given/);
  });

  it('the suite glob lives in the npm test script, not in .mocharc.json', () => {
    const rc = JSON.parse(readFileSync(path.join(ROOT, '.mocharc.json'), 'utf8')) as Record<string, unknown>;
    expect(rc).to.not.have.property('spec');
    const scripts = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.test).to.include("mocha 'test/**/*.test.ts'");
  });
});
