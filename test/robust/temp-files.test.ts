import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'chartlake.js');

/** Issue 14 (smaller): temporary files a kill left behind are removed by `crawl` when their process is gone, and it says so. */
describe('temporary files left by a killed writer', function () {
  this.timeout(120_000);
  let dir: string;

  before(function () {
    requireShared(this);
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    dir = tempDir('temp-files');
  });
  after(() => {
    if (dir) removeDir(dir);
  });

  it('crawl removes those of a gone process, keeps those of a live one, and names what it removed', () => {
    const lake = path.join(dir, 'lake');
    const imported = spawnSync(process.execPath, [BIN, 'import', path.join(US_2023, 'regional-us-weekly-2023-01-05.csv'), '--lake', lake], { encoding: 'utf8' });
    expect(imported.status, imported.stderr).to.equal(0);
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout; // exited by now
    const folder = path.join(lake, 'transformed', 'chart_entries', 'chart=regional-us-weekly', 'year=2023');
    const abandoned = path.join(folder, `part-0.parquet.tmp-${gone}-0badc0de`);
    const live = path.join(folder, `part-0.parquet.tmp-${process.pid}-0123abcd`);
    const rawAbandoned = path.join(lake, 'raw', 'charts-csv', 'regional-us-weekly', 'week=2023-01-05', `x.csv.tmp-${gone}-deadbeef`);
    mkdirSync(path.dirname(rawAbandoned), { recursive: true });
    // A killed reader's snapshot folder (hard links of the transformed zone).
    const snapshot = path.join(lake, `.snapshot.tmp-${gone}-5eed5eed`);
    const linked = path.join(snapshot, 'transformed', 'chart_entries', 'chart=regional-us-weekly', 'year=2023', 'part-0.parquet');
    mkdirSync(path.dirname(linked), { recursive: true });
    for (const file of [abandoned, live, rawAbandoned, linked]) writeFileSync(file, 'half-written');
    const crawled = spawnSync(process.execPath, [BIN, 'crawl', '--lake', lake], { encoding: 'utf8' });
    expect(crawled.status, crawled.stderr).to.equal(0);
    expect(crawled.stderr).to.include('removed 3 temporary file(s) left by a process that is gone');
    expect(crawled.stderr).to.include(`.snapshot.tmp-${gone}-5eed5eed`);
    expect(crawled.stderr).to.include(`transformed/chart_entries/chart=regional-us-weekly/year=2023/part-0.parquet.tmp-${gone}-0badc0de`);
    expect([existsSync(abandoned), existsSync(rawAbandoned), existsSync(snapshot), existsSync(live)]).to.deep.equal([false, false, false, true]);
    const again = spawnSync(process.execPath, [BIN, 'crawl', '--lake', lake], { encoding: 'utf8' });
    expect(again.stderr).to.equal('');
  });
});
