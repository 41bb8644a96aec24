import { expect } from 'chai';
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore, rawSpotifyKey } from '../../src/store';
import { MAX_RAW_OBJECT_BYTES, RawObjectRejected } from '../../src/transform';
import { removeDir, requireShared, snapshot, tempDir, US_2023 } from '../support/lake';
import { chartRowsOf, envelopeOf, hugeCsvChunks, parseCsv, renderCsv, SPOTIFY_STYLE, type CsvRow } from './generate';

const CHART = 'regional-us-weekly';
const original = (week: string) => readFileSync(path.join(US_2023, `regional-us-weekly-${week}.csv`));
const text = (week: string) => original(week).toString('utf8');

/** The 2023 Thursdays after the week the lake starts with, one per case, so no two cases share a week. */
const WEEKS = Array.from({ length: 40 }, (_, i) => new Date(Date.UTC(2023, 0, 12 + 7 * i)).toISOString().slice(0, 10));

type Outcome = { accepted: true; rows?: (week: string) => CsvRow[]; warning?: RegExp } | { refused: RegExp };

interface CsvCase {
  name: string;
  /** File name (default the week's own). */
  file?: string;
  bytes: (week: string) => Buffer | string;
  outcome: Outcome;
}

const replaceLine = (t: string, rank: number, edit: (line: string) => string) =>
  t.replace(new RegExp(`(\\r?\\n)(${rank},[^\\r\\n]*)`), (_, eol: string, line: string) => eol + edit(line));
const field = (line: string, index: number, value: string) => {
  const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((cell) => cell.replace(/,$/, ''));
  cells[index] = value;
  return cells.slice(0, 9).join(',');
};

const CSV_CASES: CsvCase[] = [
  // Accepted: byte-level variants of the same chart give exactly the original rows.
  { name: 'the original file (UTF-8 BOM, CRLF, quoted text fields)', bytes: (w) => original(w), outcome: { accepted: true } },
  { name: 'no BOM', bytes: (w) => text(w).replace(/^\uFEFF/, ''), outcome: { accepted: true } },
  { name: 'LF line ends instead of CRLF', bytes: (w) => text(w).replace(/\r\n/g, '\n'), outcome: { accepted: true } },
  { name: 'no BOM, LF, no newline at the end', bytes: (w) => text(w).replace(/^\uFEFF/, '').replace(/\r\n/g, '\n').replace(/\n$/, ''), outcome: { accepted: true } },
  { name: 'every field quoted', bytes: (w) => renderCsv(parseCsv(text(w)), { ...SPOTIFY_STYLE, quoting: 'all' }), outcome: { accepted: true } },
  { name: 'only the fields that need it quoted', bytes: (w) => renderCsv(parseCsv(text(w)), { ...SPOTIFY_STYLE, quoting: 'minimal' }), outcome: { accepted: true } },
  {
    name: 'quoted commas and double quotes in names',
    bytes: (w) => renderCsv(withTrickyNames(parseCsv(text(w)))),
    outcome: { accepted: true, rows: (w) => withTrickyNames(parseCsv(text(w))) },
  },
  // Refused before anything is stored: the file cannot be a weekly chart.
  { name: 'an empty file', bytes: () => '', outcome: { refused: /the file is empty/ } },
  { name: 'wrong column names', bytes: (w) => text(w).replace('streams', 'plays'), outcome: { refused: /header is .*expected/ } },
  { name: 'reordered columns', bytes: (w) => text(w).replace('artist_names,track_name', 'track_name,artist_names'), outcome: { refused: /header is .*expected/ } },
  { name: 'a column missing', bytes: (w) => text(w).replace(',streams\r\n', '\r\n'), outcome: { refused: /header is .*expected/ } },
  { name: 'a daily chart', bytes: (w) => text(w).replace('weeks_on_chart', 'days_on_chart'), outcome: { refused: /daily chart/ } },
  { name: 'a file name without region and week', file: 'top200.csv', bytes: (w) => original(w), outcome: { refused: /does not say region and week/ } },
  // Refused by a quality gate: the raw object is kept, a quarantine report names the checks, transformed/ is untouched.
  { name: 'header only', bytes: (w) => text(w).split('\r\n')[0] + '\r\n', outcome: { refused: /no_entries: the chart has no entries/ } },
  { name: 'truncated in the middle of a row', bytes: (w) => text(w).slice(0, Math.floor(text(w).length / 2)), outcome: { refused: /entry_count|csv_unreadable/ } },
  { name: 'non-UTF-8 bytes (a Latin-1 name)', bytes: (w) => latin1Name(original(w)), outcome: { refused: /line \d+ is not UTF-8/ } },
  { name: 'negative streams', bytes: (w) => replaceLine(text(w), 200, (l) => field(l, 8, '"-5"')), outcome: { refused: /streams_not_positive: rank 200 has streams -5/ } },
  { name: 'non-numeric streams', bytes: (w) => replaceLine(text(w), 7, (l) => field(l, 8, '"lots"')), outcome: { refused: /not_a_number: line 8: streams is "lots"/ } },
  // Imperfect but real: kept, with a warning in the week's lineage.
  {
    name: 'streams that rise as rank falls',
    bytes: (w) => replaceLine(text(w), 150, (l) => field(l, 8, '"99999999"')),
    outcome: { accepted: true, rows: (w) => parseCsv(replaceLine(text(w), 150, (l) => field(l, 8, '"99999999"'))), warning: /streams_rise_as_rank_falls: rank 150 has 99999999 streams/ },
  },
  { name: 'a duplicate rank', bytes: (w) => replaceLine(text(w), 4, (l) => field(l, 0, '3')), outcome: { refused: /duplicate_rank: rank 3 appears 2 times/ } },
  { name: 'a non-numeric rank', bytes: (w) => replaceLine(text(w), 3, (l) => field(l, 0, 'three')), outcome: { refused: /not_a_number: line 4: rank is "three"/ } },
  { name: 'a track twice in one week', bytes: (w) => replaceLine(text(w), 5, (l) => field(l, 1, `"spotify:track:${parseCsv(text(w))[3].track_id}"`)), outcome: { refused: /duplicate_track: track \w{22} is at ranks 4, 5/ } },
  { name: 'a malformed track URI', bytes: (w) => replaceLine(text(w), 9, (l) => field(l, 1, '"spotify:track:tooShort"')), outcome: { refused: /bad_track_id: rank 9/ } },
  {
    name: '199 entries instead of 200 (rank 200 absent)',
    bytes: (w) => text(w).replace(/\r\n200,[^\r\n]*\r\n$/, '\r\n'),
    outcome: { accepted: true, rows: (w) => parseCsv(text(w)).slice(0, 199), warning: /entries_missing: 199 of 200 entries; absent rank\(s\): 200$/ },
  },
  {
    name: 'a dozen ranks absent in the middle',
    bytes: (w) => text(w).split('\r\n').filter((_, line) => line < 51 || line > 62).join('\r\n'),
    outcome: { accepted: true, rows: (w) => parseCsv(text(w)).filter((row) => row.rank < 51 || row.rank > 62), warning: /entries_missing: 188 of 200 entries; absent rank\(s\): 51, 52, .*, 62$/ },
  },
  { name: 'a week in 2099', file: 'regional-us-weekly-2099-01-01.csv', bytes: (w) => original(w), outcome: { refused: /week_in_future: chart week 2099-01-01/ } },
  { name: 'a week that is not a Thursday', file: 'regional-us-weekly-2023-12-30.csv', bytes: (w) => original(w), outcome: { refused: /week_not_thursday: chart week 2023-12-30 is a Saturday/ } },
];

function withTrickyNames(rows: CsvRow[]): CsvRow[] {
  return rows.map((row, i) =>
    i === 0 ? { ...row, track_name: 'He said "hi", twice', artist_names: 'Crosby, Stills, Nash & Young' } : i === 1 ? { ...row, track_name: '"Quoted", all of it' } : row,
  );
}

/** The first "e" of a track name becomes the Latin-1 byte 0xE9 (é), which is not UTF-8. */
function latin1Name(bytes: Buffer): Buffer {
  const at = bytes.indexOf('Kill Bill') >= 0 ? bytes.indexOf('Kill Bill') + 1 : bytes.indexOf(',"', 60) + 3;
  const copy = Buffer.from(bytes);
  copy[at] = 0xe9;
  return copy;
}

describe('bad input corpus: each file gets its designed outcome, and nothing already in the lake changes', function () {
  let lake: string;
  let inputs: string;
  let pipeline: LocalPipeline;
  let weekIndex = 0;

  before(async function () {
    requireShared(this);
    lake = tempDir('corpus');
    inputs = tempDir('corpus-inputs');
    pipeline = await LocalPipeline.open(new FsStore(lake), silentLogger);
    const seed = await pipeline.importFiles([path.join(US_2023, 'regional-us-weekly-2023-01-05.csv')]);
    expect(seed.failures).to.deep.equal([]);
  });
  after(async () => {
    await pipeline?.close();
    if (lake) removeDir(lake);
    if (inputs) removeDir(inputs);
  });

  /**
   * Files that existed before keep their bytes; new or changed files lie only where this file's week goes: its raw
   * and quarantine objects, and, when the week is accepted, its year's table files, the lake-wide songs table's files (and its state) and the catalog.
   */
  function expectOnlyOwnWeekChanged(before: Record<string, string>, week: string, accepted: boolean): void {
    const after = snapshot(lake);
    const own = (file: string) =>
      file.includes(`week=${week}`) ||
      (accepted && (file === 'catalog.json' || file.startsWith('transformed/songs/') || file.startsWith('transformed/_song_identity/') || (file.startsWith('transformed/') && file.includes(`/year=${week.slice(0, 4)}/`))));
    for (const [file, hash] of Object.entries(before)) {
      if (!own(file)) expect(after[file], `${file} changed`).to.equal(hash);
    }
    for (const file of Object.keys(after).filter((f) => !(f in before))) {
      expect(own(file), `unexpected new file ${file}`).to.equal(true);
      if (!accepted) expect(file.startsWith('raw/') || file.startsWith('quarantine/'), `refused, yet ${file} was written`).to.equal(true);
    }
  }

  const rowsOf = (week: string) => chartRowsOf(pipeline.duck, lake, CHART, week);

  it(`has at least 20 broken or unusual files (${CSV_CASES.length} CSVs, 4 raw JSON objects, 1 huge file)`, () => {
    expect(CSV_CASES.length + 4 + 1).to.be.at.least(20);
  });

  for (const c of CSV_CASES) {
    const outcome = 'accepted' in c.outcome ? ('warning' in c.outcome && c.outcome.warning ? `accepted with a warning ${c.outcome.warning}` : 'accepted, same rows') : `refused ${c.outcome.refused}`;
    it(`${c.name}: ${outcome}`, async () => {
      const week = WEEKS[weekIndex++];
      const name = c.file ?? `regional-us-weekly-${week}.csv`;
      const fileWeek = /(\d{4}-\d{2}-\d{2})\.csv$/.exec(name)?.[1] ?? week;
      const file = path.join(inputs, name);
      writeFileSync(file, c.bytes(week));
      const before = snapshot(lake);
      const result = await pipeline.importFiles([file]);
      if ('accepted' in c.outcome) {
        expect(result.failures.map((f) => f.error.message)).to.deep.equal([]);
        const expected = (c.outcome.rows ?? ((w: string) => parseCsv(text(w))))(week);
        expect(expected).to.have.length(c.outcome.warning ? expected.length : 200);
        expect(await rowsOf(fileWeek)).to.deep.equal(expected);
        const warnings = result.weeks.flatMap((done) => done.warnings).map((warning) => `${warning.check}: ${warning.detail.replace(/^[^:]+: /, '')}`);
        const warning = c.outcome.warning;
        if (warning) expect(warnings.some((line) => warning.test(line)), warnings.join('\n')).to.equal(true);
        else expect(warnings).to.deep.equal([]);
      } else {
        expect(result.failures, 'one failure').to.have.length(1);
        const message = result.failures[0].error.message;
        expect(message, 'names the file').to.contain(name);
        expect(message).to.match(c.outcome.refused);
      }
      expectOnlyOwnWeekChanged(before, fileWeek, 'accepted' in c.outcome);
    });
  }

  it(`a 50 MB file is refused before it is read (limit ${MAX_RAW_OBJECT_BYTES} bytes), naming the file and its size`, async () => {
    const week = WEEKS[weekIndex++];
    const file = path.join(inputs, `regional-us-weekly-${week}.csv`);
    const { header, chunk, count } = hugeCsvChunks(text(week).split('\r\n')[1], 50 * 1024 * 1024);
    const fd = openSync(file, 'w');
    writeSync(fd, header);
    for (let i = 0; i < count; i++) writeSync(fd, chunk);
    closeSync(fd);
    const before = snapshot(lake);
    const result = await pipeline.importFiles([file]);
    expect(result.failures).to.have.length(1);
    expect(result.failures[0].error.message).to.contain(path.basename(file)).and.match(/\d{8} bytes, larger than any chart week/);
    expect(snapshot(lake)).to.deep.equal(before);
  });

  describe('raw JSON objects (as an extract would write them)', () => {
    const chart = { alias: 'regional-us-weekly', region: 'us', date: '' };
    async function putRaw(week: string, body: string): Promise<{ error?: Error; key: string }> {
      const key = rawSpotifyKey({ chart: CHART, week }, '2023-06-02T12:00:00.000Z');
      await pipeline.store.put(key, body);
      const [result] = await pipeline.router.settle();
      return { error: result?.error, key };
    }

    it('a valid envelope is accepted with the same rows as the CSV of that week', async () => {
      const week = WEEKS[weekIndex++];
      const rows = parseCsv(text(week));
      const before = snapshot(lake);
      const { error } = await putRaw(week, JSON.stringify(envelopeOf(rows, { ...chart, date: week })));
      expect(error).to.equal(undefined);
      expect(await rowsOf(week)).to.deep.equal(rows);
      expectOnlyOwnWeekChanged(before, week, true);
    });

    const refused: [string, (week: string) => string, RegExp][] = [
      ['truncated JSON', (w) => JSON.stringify(envelopeOf(parseCsv(text(w)), { ...chart, date: w })).slice(0, 5000), /json_unreadable: .*JSON/],
      ['JSON that is not an envelope', () => JSON.stringify({ entries: [] }), /not_an_envelope: .*schema_version/],
      ['an envelope of another week than its key', (w) => JSON.stringify(envelopeOf(parseCsv(text(w)), { ...chart, date: '2023-01-05' })), /chart_week_mismatch/],
      [
        'an enriched envelope without the track objects',
        (w) => JSON.stringify({ ...envelopeOf(parseCsv(text(w)), { ...chart, date: w }), source: { kind: 'charts-service', endpoint: 'x', api_mode: 'development' } }),
        /track_not_enriched: track \w{22} has no track object/,
      ],
    ];
    for (const [name, body, message] of refused) {
      it(`${name}: refused, quarantined, transformed/ untouched`, async () => {
        const week = WEEKS[weekIndex++];
        const before = snapshot(lake);
        const { error, key } = await putRaw(week, body(week));
        expect(error).to.be.instanceOf(RawObjectRejected);
        expect(error?.message).to.contain(key).and.match(message);
        expect(await pipeline.store.head(`quarantine/${key}.error.json`)).to.not.equal(undefined);
        expectOnlyOwnWeekChanged(before, week, false);
      });
    }
  });
});
