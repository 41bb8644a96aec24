import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';
import { assertReadKeyword } from '../../src/query/read-only';
import { skipBecause } from '../support/skip';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'chartlake.js');

function chartlake(args: string[], cwd: string) {
  return spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

/**
 * Issue 14.4: the query cache is gone (views read the files; nothing persists between commands), and `chartlake
 * query` only reads: a statement that could write (COPY ... TO a lake file, ATTACH, DELETE, ...) is refused before
 * it runs, so neither the lake nor a later query can change through it.
 */
describe('chartlake query only reads', function () {
  this.timeout(180_000);
  let dir: string;
  let lake: string;
  const count = 'SELECT count(*) AS n, count(DISTINCT week) AS weeks FROM chart_entries';

  before(function () {
    requireShared(this);
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    dir = tempDir('read-only');
    lake = path.join(dir, 'lake');
    for (const week of ['2023-01-05', '2023-01-12']) copyFileSync(path.join(US_2023, `regional-us-weekly-${week}.csv`), path.join(dir, `regional-us-weekly-${week}.csv`));
    const imported = chartlake(['import', dir, '--lake', lake], dir);
    expect(imported.status, imported.stderr).to.equal(0);
  });
  after(() => {
    if (dir) removeDir(dir);
  });

  it('refuses DELETE, UPDATE, INSERT, CREATE, DROP, COPY, ATTACH, EXPLAIN ANALYZE and two statements; the lake and later queries are unchanged', () => {
    const first = chartlake(['query', count, '--lake', lake, '--format', 'json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    expect(JSON.parse(first.stdout)).to.deep.equal([{ n: 400, weeks: 2 }]);
    const before = snapshot(lake);
    const lakeFile = path.join(lake, 'transformed', 'chart_entries', 'chart=regional-us-weekly', 'year=2023', 'part-0.parquet');
    const writes = [
      'DELETE FROM chart_entries',
      "UPDATE chart_entries SET track_id = 'PWNED'",
      'INSERT INTO chart_entries SELECT * FROM chart_entries',
      'CREATE TABLE chart_entries AS SELECT 1 AS x',
      'DROP VIEW chart_entries',
      `COPY (SELECT 1 AS x) TO '${lakeFile}' (FORMAT parquet)`,
      `ATTACH '${path.join(dir, 'other.duckdb')}' AS other`,
      `EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '${path.join(dir, 'x.csv')}'`,
      'SELECT 1; DROP VIEW chart_entries',
      '/* a comment */ (DELETE FROM chart_entries)',
      'SET threads = 1',
      "CALL pragma_version()",
    ];
    for (const sql of writes) {
      const result = chartlake(['query', sql, '--lake', lake], dir);
      expect(result.status, sql).to.equal(1);
      expect(result.stderr, sql).to.match(/^chartlake: query only reads \(SELECT/);
      expect(result.stderr, sql).to.not.match(/Error:|at .*\.js/); // no DuckDB message, no stack
    }
    expect(snapshot(lake)).to.deep.equal(before);
    expect(existsSync(path.join(dir, 'other.duckdb'))).to.equal(false);
    expect(existsSync(path.join(dir, 'x.csv'))).to.equal(false);
    const after = chartlake(['query', count, '--lake', lake, '--format', 'json'], dir);
    expect(JSON.parse(after.stdout)).to.deep.equal([{ n: 400, weeks: 2 }]);
  });

  it('runs reads: WITH, FROM, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN', () => {
    for (const sql of ['WITH t AS (SELECT 1 AS x) SELECT * FROM t', 'FROM chart_entries LIMIT 1', 'DESCRIBE chart_entries', 'SHOW TABLES', 'SUMMARIZE chart_entries', 'EXPLAIN SELECT 1', '/* why */ (SELECT 1)']) {
      const result = chartlake(['query', sql, '--lake', lake], dir);
      expect(result.status, `${sql}: ${result.stderr}`).to.equal(0);
    }
  });

  it('the text check (used by Athena too) names the statement kind', () => {
    expect(() => assertReadKeyword('delete from x')).to.throw(/a DELETE statement/);
    expect(() => assertReadKeyword('explain (format json, analyze) select 1')).to.throw(/EXPLAIN ANALYZE/);
    expect(() => assertReadKeyword('select 1')).to.not.throw();
  });

  it('the query cache is gone: CHARTLAKE_QUERY_CACHE is read nowhere and documented nowhere', () => {
    const grep = spawnSync('git', ['grep', '-n', '-i', '-e', 'QUERY_CACHE', '-e', 'query cache', '--', 'src', 'README.md', 'docs', 'bin', 'scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(grep.stdout).to.equal('');
  });

  it('`chartlake crawl | head -1`: a closed stdout ends the command with 0 and no stack', function () {
    if (spawnSync('bash', ['-c', 'command -v head'], { encoding: 'utf8' }).status !== 0) skipBecause(this, 'bash and head are needed to close a pipe early');
    // Many lines through a pipe that closes after the first one; PIPESTATUS[0] is chartlake's own exit code.
    const script = `"${process.execPath}" "${BIN}" query "SELECT range AS n FROM range(200000)" --lake "${lake}" --format csv | head -1; echo "exit=\${PIPESTATUS[0]}"`;
    const result = spawnSync('bash', ['-c', script], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(result.stdout.split('\n')[0]).to.equal('n');
    expect(result.stdout).to.include('exit=0');
    expect(result.stderr).to.equal('');
  });
});
