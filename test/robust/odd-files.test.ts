import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ChartsCsvImport } from '../../src/extract/import-csv';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore } from '../../src/store';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const CHART = 'regional-us-weekly';
const week = (date: string) => readFileSync(path.join(US_2023, `regional-us-weekly-${date}.csv`));

/**
 * Issue 14.6 and the smaller cases: names are normalised before the "different file under an existing name" check,
 * a copy of another week is refused naming both weeks, and odd files (compressed, a symlink to /etc/passwd, a NUL
 * byte, a 1 MB track name) are refused with a message in the user's terms that never echoes their content.
 */
describe('odd files: one CSV per chart week, whatever the name; odd content refused without echoing it', function () {
  this.timeout(120_000);
  let dir: string;
  let inbox: string;
  let pipeline: LocalPipeline;

  before(function () {
    requireShared(this);
  });
  beforeEach(async () => {
    dir = tempDir('odd-files');
    inbox = path.join(dir, 'inbox');
    mkdirSync(inbox);
    pipeline = await LocalPipeline.open(new FsStore(path.join(dir, 'lake')), silentLogger);
    await pipeline.importFiles([path.join(US_2023, 'regional-us-weekly-2023-03-02.csv')]);
  });
  afterEach(async () => {
    await pipeline.close();
    removeDir(dir);
  });

  const put = (name: string, bytes: Buffer | string) => {
    const file = path.join(inbox, name);
    writeFileSync(file, bytes);
    return file;
  };
  const rawNames = () => readdirSync(path.join(dir, 'lake', 'raw', 'charts-csv', CHART, 'week=2023-03-02')).sort();
  const failureOf = async (file: string) => {
    const result = await pipeline.importFiles([file]);
    expect(result.failures, file).to.have.length(1);
    return result.failures[0].error.message;
  };

  it('an upper-case name with other content is refused like the lower-case name; with the same content it changes nothing', async () => {
    const message = await failureOf(put('REGIONAL-US-WEEKLY-2023-03-02.CSV', week('2023-03-09')));
    expect(message).to.include('already holds a different CSV of regional-us-weekly week 2023-03-02');
    const same = await pipeline.importFiles([put('Regional-US-Weekly-2023-03-02.csv', week('2023-03-02'))]);
    expect(same.failures).to.deep.equal([]);
    expect(same.imported.map((entry) => entry.stored)).to.deep.equal([false]);
    expect(rawNames()).to.deep.equal(['regional-us-weekly-2023-03-02.csv']);
  });

  it('a browser duplicate "(1)" is the same week: identical bytes change nothing, other bytes are refused', async () => {
    const duplicate = put('regional-us-weekly-2023-03-02 (1).csv', week('2023-03-02'));
    const same = await pipeline.importFiles([duplicate]);
    expect(same.failures).to.deep.equal([]);
    // The same bytes as the week already built: unchanged, not transformed again.
    expect(same.weeks).to.deep.equal([]);
    expect(same.unchanged).to.deep.equal([duplicate]);
    const edited = Buffer.from(week('2023-03-02').toString('utf8').replace('Flowers', 'Flowerz'));
    expect(edited.equals(week('2023-03-02'))).to.equal(false);
    const message = await failureOf(put('regional-us-weekly-2023-03-02 (2).csv', edited));
    expect(message).to.include('already holds a different CSV').and.include('raw/charts-csv/regional-us-weekly/week=2023-03-02/regional-us-weekly-2023-03-02.csv');
    expect(rawNames()).to.deep.equal(['regional-us-weekly-2023-03-02.csv']);
  });

  it('a copy of one week saved under the next week\'s name is refused, naming both weeks (in the lake or in the same import)', async () => {
    const message = await failureOf(put('regional-us-weekly-2023-03-09.csv', week('2023-03-02')));
    expect(message).to.include('identical to week 2023-03-02').and.include('week 2023-03-09');
    const both = await pipeline.importFiles([put('regional-us-weekly-2023-04-06.csv', week('2023-04-06')), put('regional-us-weekly-2023-04-13.csv', week('2023-04-06'))]);
    expect(both.failures.map((failure) => failure.error.message)).to.have.length(1);
    expect(both.failures[0].error.message).to.include('regional-us-weekly-2023-04-13.csv').and.include('identical to week 2023-04-06');
    expect(both.weeks.map((w) => w.week)).to.deep.equal(['2023-04-06']);
  });

  it('a copy re-saved by a spreadsheet (other line ends, a BOM) under another week\'s name is refused too', async () => {
    const flip = (bytes: Buffer) => {
      const text = bytes.toString('utf8');
      const ends = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text.replace(/\n/g, '\r\n');
      return ends.startsWith('\ufeff') ? Buffer.from(ends.slice(1), 'utf8') : Buffer.from(`\ufeff${ends}`, 'utf8');
    };
    const resaved = flip(week('2023-03-02'));
    expect(resaved.equals(week('2023-03-02'))).to.equal(false);
    const message = await failureOf(put('regional-us-weekly-2023-05-04.csv', resaved));
    expect(message).to.include('identical to week 2023-03-02').and.include('week 2023-05-04');
    const both = await pipeline.importFiles([put('regional-us-weekly-2023-05-11.csv', week('2023-05-11')), put('regional-us-weekly-2023-05-18.csv', flip(week('2023-05-11')))]);
    expect(both.failures.map((failure) => failure.error.message)).to.have.length(1);
    expect(both.failures[0].error.message).to.include('regional-us-weekly-2023-05-18.csv').and.include('identical to week 2023-05-11');
    const stored = (date: string) => existsSync(path.join(dir, 'lake', 'raw', 'charts-csv', CHART, `week=${date}`));
    expect(['2023-05-04', '2023-05-11', '2023-05-18'].map(stored), 'raw objects of the weeks').to.deep.equal([false, true, false]);
  });

  it('one import lists its chart once and reads each stored CSV at most once, whatever the number of files', async () => {
    class CountingStore extends FsStore {
      lists: string[] = [];
      gets: string[] = [];
      override list(prefix: string) {
        this.lists.push(prefix);
        return super.list(prefix);
      }
      override get(key: string) {
        this.gets.push(key);
        return super.get(key);
      }
    }
    const store = new CountingStore(path.join(dir, 'lake'));
    const checks = new ChartsCsvImport(store);
    const files = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    const prepared = [];
    for (const name of files) {
      const entry = await checks.prepare(path.join(US_2023, name), readFileSync(path.join(US_2023, name)));
      checks.remember(entry);
      prepared.push(entry);
    }
    expect(prepared.map((entry) => entry.stored).filter((stored) => !stored)).to.have.length(1); // 2023-03-02 is in the lake
    expect(store.lists, 'listings').to.deep.equal([`raw/charts-csv/${CHART}/`]);
    expect(new Set(store.gets).size, 'distinct objects read').to.equal(store.gets.length);
    // And a copy is still caught, both of a stored week and of one this import remembered.
    const copy = (date: string, as: string) => checks.prepare(path.join(inbox, `regional-us-weekly-${as}.csv`), week(date)).then(() => '', (error: Error) => error.message);
    expect(await copy('2023-03-02', '2024-01-04')).to.include('identical to week 2023-03-02');
    expect(await copy('2023-06-01', '2024-01-11')).to.include('identical to week 2023-06-01');
    expect(store.lists, 'listings after the copies').to.have.length(1);
  });

  it('adding a week reads none of the chart\'s stored CSVs (their content is in the lineage), and a copy is still caught; an older lineage is read past', async () => {
    class CountingStore extends FsStore {
      gets: string[] = [];
      override get(key: string) {
        this.gets.push(key);
        return super.get(key);
      }
    }
    const files = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort();
    expect((await pipeline.importFiles(files.slice(0, -1).map((name) => path.join(US_2023, name)))).failures).to.deep.equal([]);
    const store = new CountingStore(path.join(dir, 'lake'));
    const counted = await LocalPipeline.open(store, silentLogger);
    const storedCsvsRead = () => store.gets.filter((key) => key.startsWith('raw/charts-csv/') && !key.includes('week=2023-12-28')).length;
    try {
      expect((await counted.importFiles([path.join(US_2023, files.at(-1)!)])).weeks.map((w) => w.week)).to.deep.equal(['2023-12-28']);
      expect(storedCsvsRead(), 'stored CSVs read to add a week').to.equal(0);
      // A copy of a stored week under a new week's name, as it is and re-saved with LF line ends: refused, from the lineage.
      const copy = put('regional-us-weekly-2024-01-04.csv', week('2023-06-01'));
      expect((await counted.importFiles([copy])).failures[0]?.error.message).to.include('identical to week 2023-06-01');
      const resaved = put('regional-us-weekly-2024-01-11.csv', Buffer.from(week('2023-06-01').toString('latin1').replace(/\r\n/g, '\n'), 'latin1'));
      expect((await counted.importFiles([resaved])).failures[0]?.error.message).to.include('identical to week 2023-06-01');
      expect(storedCsvsRead(), 'stored CSVs read to find the copies').to.equal(0);
    } finally {
      await counted.close();
    }
    // A lake whose lineage predates the content column: the stored CSVs of a similar size are read, and the copy caught.
    await pipeline.duck.withConnection(async (connection) => {
      for (const file of readdirSync(path.join(dir, 'lake', 'transformed', '_lineage'), { recursive: true }).map(String).filter((name) => name.endsWith('.parquet'))) {
        const at = path.join(dir, 'lake', 'transformed', '_lineage', file);
        await connection.run(`COPY (SELECT * EXCLUDE (raw_content_sha256) FROM read_parquet('${at}')) TO '${at}.old' (FORMAT parquet)`);
        renameSync(`${at}.old`, at);
      }
    });
    store.gets = [];
    const older = await LocalPipeline.open(store, silentLogger);
    try {
      expect((await older.importFiles([copy()])).failures[0]?.error.message).to.include('identical to week 2023-06-01');
      expect(storedCsvsRead(), 'stored CSVs read without the content in the lineage').to.be.greaterThan(0);
    } finally {
      await older.close();
    }
    function copy() {
      return put('regional-us-weekly-2024-01-18.csv', week('2023-06-01'));
    }
  });

  it('a gzip file named .csv is reported as compressed; a .csv.gz in a folder is reported, not skipped', async () => {
    expect(await failureOf(put('regional-us-weekly-2023-03-16.csv', gzipSync(week('2023-03-16'))))).to.include('compressed (gzip)');
    const folder = path.join(dir, 'folder');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'regional-us-weekly-2023-03-23.csv.gz'), gzipSync(week('2023-03-23')));
    const result = await pipeline.importFiles([folder]);
    expect(result.failures.map((failure) => failure.error.message)).to.have.length(1);
    expect(result.failures[0].error.message).to.include('regional-us-weekly-2023-03-23.csv.gz').and.include('gunzip');
  });

  it('a symlink to /etc/passwd is refused without echoing its content', async function () {
    const file = path.join(inbox, 'regional-us-weekly-2023-03-16.csv');
    symlinkSync('/etc/passwd', file);
    const message = await failureOf(file);
    expect(message).to.include('the header is not that of a Spotify Charts weekly export');
    expect(message).to.not.match(/root:|\/bin\/|:x:0/);
  });

  it('a NUL byte in a value is refused with a message that shows it as \\0', async () => {
    const text = week('2023-03-16').toString('utf8').replace('Flowers', 'Flo\0wers');
    const message = await failureOf(put('regional-us-weekly-2023-03-16.csv', text));
    expect(message).to.match(/line \d+ holds a NUL byte \(\\0\)/);
  });

  it('a 1 MB track name is refused by the gates, and the report does not carry it', async () => {
    const huge = 'x'.repeat(1024 * 1024);
    const text = week('2023-03-16').toString('utf8').replace('Flowers', huge);
    const result = await pipeline.importFiles([put('regional-us-weekly-2023-03-16.csv', text)]);
    expect(result.weeks).to.deep.equal([]);
    expect(result.failures).to.have.length(1);
    const message = result.failures[0].error.message;
    expect(message).to.include('text_too_long').and.include('1048576 characters');
    expect(message.length).to.be.lessThan(2000);
    const report = readFileSync(path.join(dir, 'lake', 'quarantine', 'raw', 'charts-csv', CHART, 'week=2023-03-16', 'regional-us-weekly-2023-03-16.csv.error.json'));
    expect(report.length).to.be.lessThan(20_000);
  });
});
