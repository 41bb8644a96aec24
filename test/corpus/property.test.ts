import { expect } from 'chai';
import fc from 'fast-check';
import * as path from 'node:path';
import { silentLogger } from '../../src/log';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore, rawCsvKey, rawSpotifyKey } from '../../src/store';
import { RawObjectRejected, transformRawObjects } from '../../src/transform';
import { removeDir, snapshot, tempDir } from '../support/lake';
import { chartRowsOf, envelopeOf, renderCsv, type CsvRow, type CsvStyle } from './generate';

const CHART = 'regional-us-weekly';
const BASE62 = [...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'];

/** Text as names come: any Unicode, commas, quotes, apostrophes; no control characters, no outer spaces. */
const name = fc
  .string({ unit: fc.oneof(fc.constantFrom(',', '"', "'", ' ', '&', 'é', '한', '🎵'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), minLength: 1, maxLength: 24 })
  .filter((s) => s.trim() === s && s.length > 0 && !/[\u0000-\u001f\u007f\u2028\u2029\uFEFF]/.test(s));

const trackId = fc.string({ unit: fc.constantFrom(...BASE62), minLength: 22, maxLength: 22 });

/** A valid weekly chart of `size` entries: ranks 1..N, distinct tracks, positive streams falling with rank. */
function chart(size: number): fc.Arbitrary<CsvRow[]> {
  return fc
    .tuple(
      fc.uniqueArray(trackId, { minLength: size, maxLength: size }),
      fc.array(fc.tuple(name, fc.array(name, { minLength: 1, maxLength: 3 }), name), { minLength: size, maxLength: size }),
      fc.array(fc.integer({ min: 0, max: 500_000 }), { minLength: size, maxLength: size }),
      fc.array(fc.tuple(fc.integer({ min: 1, max: size }), fc.integer({ min: -1, max: size }), fc.integer({ min: 1, max: 400 })), { minLength: size, maxLength: size }),
    )
    .map(([ids, names, steps, history]) => {
      let streams = 1000;
      const bottomUp = steps.map((step) => (streams += step)).reverse(); // rank 1 has the most
      return ids.map((id, i) => ({
        rank: i + 1,
        track_id: id,
        track_name: names[i][0],
        artist_names: names[i][1].join(', '),
        source: names[i][2],
        peak_rank: history[i][0],
        previous_rank: history[i][1] === 0 ? -1 : history[i][1],
        weeks_on_chart: history[i][2],
        streams: bottomUp[i],
      }));
    });
}

const style: fc.Arbitrary<CsvStyle> = fc.record({
  bom: fc.boolean(),
  eol: fc.constantFrom('\r\n' as const, '\n' as const),
  quoting: fc.constantFrom('spotify' as const, 'all' as const, 'minimal' as const),
  trailingEol: fc.boolean(),
});

describe('property: the CSV reader and the raw JSON reader (fast-check)', function () {
  let dir: string;
  let scratch: string;
  let pipeline: LocalPipeline;
  let store: FsStore;
  let weekNumber = 0;
  /** A fresh chart week (a Thursday) for every generated file, so no two runs share a partition. */
  const nextWeek = () => new Date(Date.UTC(2000, 0, 6 + 7 * weekNumber++)).toISOString().slice(0, 10);

  before(async () => {
    dir = tempDir('property');
    scratch = tempDir('property-scratch');
    pipeline = await LocalPipeline.open(new FsStore(scratch), silentLogger);
    store = new FsStore(dir); // its puts emit no event here: the property calls the transform itself
  });
  after(async () => {
    await pipeline?.close();
    if (dir) removeDir(dir);
    if (scratch) removeDir(scratch);
  });

  const rowsOf = (week: string) => chartRowsOf(pipeline.duck, dir, CHART, week);

  const sameRows = (rows: CsvRow[]) => rows.map((row) => ({ ...row }));
  /** One raw object through the transform: its week, or its refusal thrown. */
  const transform = async (rawKey: string) => {
    const result = await transformRawObjects([rawKey], { store, duck: pipeline.duck, log: silentLogger });
    if (result.refused.length > 0) throw result.refused[0];
    return result.weeks[0];
  };

  it('any valid 200-entry chart, in any BOM / line-end / quoting style, reads back as exactly its rows', async () => {
    await fc.assert(
      fc.asyncProperty(chart(200), style, async (rows, csvStyle) => {
        const week = nextWeek();
        const key = rawCsvKey({ chart: CHART, week }, `regional-us-weekly-${week}.csv`);
        await store.put(key, renderCsv(rows, csvStyle));
        const done = await transform(key);
        expect(done.rows.chart_entries).to.equal(200);
        expect(await rowsOf(week)).to.deep.equal(sameRows(rows));
      }),
      { numRuns: 8 },
    );
  });

  it('any valid charts-service envelope (50 or 200 entries) reads back as exactly its rows', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(50, 200).chain((size) => chart(size)), async (rows) => {
        const week = nextWeek();
        const key = rawSpotifyKey({ chart: CHART, week }, '2024-01-01T00:00:00.000Z');
        await store.put(key, JSON.stringify(envelopeOf(rows, { alias: CHART, region: 'us', date: week })));
        await transform(key);
        expect(await rowsOf(week)).to.deep.equal(sameRows(rows));
      }),
      { numRuns: 6 },
    );
  });

  type Corruption = { name: string; apply: (rows: CsvRow[], at: number) => CsvRow[] | string; message: RegExp };
  const corruptions: Corruption[] = [
    { name: 'duplicate rank', apply: (r, i) => r.map((row, j) => (j === i ? { ...row, rank: r[(i + 1) % r.length].rank } : row)), message: /duplicate_rank|ranks_not_1_to_n/ },
    { name: 'rank past the chart', apply: (r) => r.map((row) => (row.rank === 200 ? { ...row, rank: 201 } : row)), message: /rank_out_of_range: rank 201/ },
    { name: 'negative streams', apply: (r, i) => r.map((row, j) => (j === i ? { ...row, streams: -row.streams } : row)), message: /streams_not_positive/ },
    { name: 'zero streams', apply: (r) => r.map((row, j) => (j === r.length - 1 ? { ...row, streams: 0 } : row)), message: /streams_not_positive/ },
    { name: 'non-numeric streams', apply: (r, i) => r.map((row, j) => (j === i ? { ...row, streams: 'n/a' as unknown as number } : row)), message: /not_a_number: line \d+: streams is "n\/a"/ },
    { name: 'non-numeric rank', apply: (r, i) => r.map((row, j) => (j === i ? { ...row, rank: 'first' as unknown as number } : row)), message: /not_a_number: line \d+: rank is "first"/ },
    { name: 'a track twice', apply: (r, i) => r.map((row, j) => (j === i ? { ...row, track_id: r[(i + 1) % r.length].track_id } : row)), message: /duplicate_track/ },
    { name: 'a broken track id', apply: (r, i) => r.map((row, j) => (j === i ? { ...row, track_id: row.track_id.slice(1) } : row)), message: /bad_track_id/ },
    { name: 'swapped header columns', apply: (r) => renderCsv(r).replace('peak_rank,previous_rank', 'previous_rank,peak_rank'), message: /csv_header: .*the header is/ },
    {
      name: 'truncated in the middle of a row',
      apply: (r, i) => {
        const text = renderCsv(r);
        const start = text.indexOf('\n') + 1;
        const at = start + Math.floor(((text.lastIndexOf('"') - start) * i) / 200);
        // The cut row keeps its first field and part of its second: a row missing fields. (A cut right after a line
        // end leaves whole rows, and one inside a row's last field leaves a shorter but valid value: both read as a
        // chart with fewer entries, which is imperfect, not corrupt.)
        const lineStart = text.lastIndexOf('\n', at - 1) + 1;
        return text.slice(0, text.indexOf(',', lineStart) + 2);
      },
      message: /csv_unreadable|not_a_number|bad_track_id/,
    },
  ];

  it('any single corruption of a valid chart is refused with a message naming the object, and transformed/ does not change', async () => {
    const transformedBefore = () => snapshot(path.join(dir, 'transformed'));
    await fc.assert(
      fc.asyncProperty(chart(200), fc.constantFrom(...corruptions), fc.integer({ min: 0, max: 199 }), async (rows, corruption, at) => {
        const week = nextWeek();
        const key = rawCsvKey({ chart: CHART, week }, `regional-us-weekly-${week}.csv`);
        const corrupted = corruption.apply(rows, at);
        await store.put(key, typeof corrupted === 'string' ? corrupted : renderCsv(corrupted));
        const before = transformedBefore();
        const error = await transform(key).then(() => undefined, (e: Error) => e);
        expect(error, corruption.name).to.be.instanceOf(RawObjectRejected);
        expect(error?.message, corruption.name).to.contain(key).and.match(corruption.message);
        expect(transformedBefore(), corruption.name).to.deep.equal(before);
        expect(await store.head(`quarantine/${key}.error.json`), corruption.name).to.not.equal(undefined);
      }),
      { numRuns: 24 },
    );
  });

  type Imperfection = { name: string; apply: (rows: CsvRow[], at: number) => CsvRow[]; rows: number; warning: RegExp };
  const imperfections: Imperfection[] = [
    { name: 'a rank missing', apply: (r, i) => r.filter((_, j) => j !== i), rows: 199, warning: /entries_missing: 199 of 200 entries; absent rank\(s\): \d+$/ },
    { name: 'a dozen ranks missing', apply: (r, i) => r.filter((_, j) => j < Math.min(i, 188) || j >= Math.min(i, 188) + 12), rows: 188, warning: /entries_missing: \d+ of 200 entries; absent rank\(s\): (\d+, ){11}\d+$/ },
    { name: 'streams rising', apply: (r, i) => r.map((row, j) => (j === Math.max(1, i) ? { ...row, streams: r[j - 1].streams + 1 } : row)), rows: 200, warning: /streams_rise_as_rank_falls/ },
  ];

  it('any imperfect but real chart (ranks missing, streams out of order) is kept with exactly its rows and a warning', async () => {
    await fc.assert(
      fc.asyncProperty(chart(200), fc.constantFrom(...imperfections), fc.integer({ min: 0, max: 199 }), async (rows, imperfection, at) => {
        const week = nextWeek();
        const key = rawCsvKey({ chart: CHART, week }, `regional-us-weekly-${week}.csv`);
        const kept = imperfection.apply(rows, at);
        await store.put(key, renderCsv(kept));
        const done = await transform(key);
        expect(done.rows.chart_entries, imperfection.name).to.equal(kept.length);
        expect(kept.length, imperfection.name).to.equal(imperfection.rows);
        expect(await rowsOf(week), imperfection.name).to.deep.equal(sameRows(kept));
        expect(done.warnings.map((warning) => `${warning.check}: ${warning.detail.replace(/^[^:]+: /, '')}`), imperfection.name).to.satisfy((lines: string[]) => lines.some((line) => imperfection.warning.test(line)));
      }),
      { numRuns: 12 },
    );
  });

  it('any truncation of a valid envelope is refused as unreadable JSON, and transformed/ does not change', async () => {
    await fc.assert(
      fc.asyncProperty(chart(50), fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), async (rows, where) => {
        const week = nextWeek();
        const key = rawSpotifyKey({ chart: CHART, week }, '2024-01-01T00:00:00.000Z');
        const json = JSON.stringify(envelopeOf(rows, { alias: CHART, region: 'us', date: week }));
        await store.put(key, json.slice(0, Math.floor(json.length * where)));
        const before = snapshot(path.join(dir, 'transformed'));
        const error = await transform(key).then(() => undefined, (e: Error) => e);
        expect(error).to.be.instanceOf(RawObjectRejected);
        expect(error?.message).to.contain(key).and.match(/json_unreadable/);
        expect(snapshot(path.join(dir, 'transformed'))).to.deep.equal(before);
      }),
      { numRuns: 10 },
    );
  });
});
