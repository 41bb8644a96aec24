import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalPipeline } from '../../src/pipeline';
import { FsStore } from '../../src/store';
import { DuckDb, type DuckDbEngine } from '../../src/query';
import { buildSongs, type SongRow } from '../../src/transform';
import { silentLogger } from '../../src/log';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';
// The bench's plain-TypeScript CSV reading (the "usual" import it compares with), not chartlake's.
import { parseCsvLine } from '../../bench/usual';

interface CsvRow {
  week: string;
  rank: number;
  track_id: string;
  artist_names: string;
  track_name: string;
  previous_rank: number;
  weeks_on_chart: number;
  streams: number;
}

/** The real exports read with plain TypeScript: BOM, CRLF, every field quoted or not, "" inside quotes. */
function readChartsCsv(file: string): CsvRow[] {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const week = /(\d{4}-\d{2}-\d{2})\.csv$/.exec(file)![1];
  const lines = text.split(/\r?\n/).filter((line) => line.length > 0);
  const header = parseCsvLine(lines[0]);
  return lines.slice(1).map((line) => {
    const cells = Object.fromEntries(parseCsvLine(line).map((value, index) => [header[index], value]));
    return {
      week,
      rank: Number(cells.rank),
      track_id: cells.uri.replace('spotify:track:', ''),
      artist_names: cells.artist_names,
      track_name: cells.track_name,
      previous_rank: Number(cells.previous_rank),
      weeks_on_chart: Number(cells.weeks_on_chart),
      streams: Number(cells.streams),
    };
  });
}

describe('song identity on the 52 real US weekly charts of 2023 (checked against the CSV files)', function () {
  let dir: string;
  let pipeline: LocalPipeline;
  let engine: DuckDbEngine;
  let csv: CsvRow[];
  let songs: Map<string, SongRow>;
  const songIdsOf = (rows: CsvRow[]) => [...new Set(rows.map((r) => songs.get(r.track_id)!.song_id))];
  const rowsOf = (title: string, artists: string) => csv.filter((r) => r.track_name === title && r.artist_names === artists);
  const idsInWeek = () => {
    const byWeek = new Map<string, Set<string>>();
    for (const r of csv) byWeek.set(r.week, (byWeek.get(r.week) ?? new Set()).add(r.track_id));
    return byWeek;
  };

  before(async function () {
    requireShared(this);
    dir = tempDir('songs');
    pipeline = await LocalPipeline.open(new FsStore(dir), silentLogger);
    expect((await pipeline.importFiles([US_2023])).failures).to.deep.equal([]);
    engine = await pipeline.engine();
    await engine.views(['chart_entries', 'tracks', 'track_artists']);
    await buildSongs(engine.connection);
    songs = new Map((await engine.connection.all<SongRow & Record<string, unknown>>('SELECT * FROM songs')).map((row) => [row.track_id, row]));
    csv = readdirSync(US_2023).filter((name) => name.endsWith('.csv')).sort().flatMap((name) => readChartsCsv(path.join(US_2023, name)));
    expect(csv).to.have.length(10400);
  });
  after(async () => {
    await engine?.close();
    await pipeline?.close();
    if (dir) removeDir(dir);
  });

  it('has one row per track id that charted, each with a reason', () => {
    expect(songs.size).to.equal(new Set(csv.map((r) => r.track_id)).size);
    for (const song of songs.values()) {
      expect(['self', 'chart_continuity', 'isrc', 'title_artists']).to.include(song.linked_by);
      expect(song.linked_by === 'self').to.equal(song.track_id === song.song_id);
      expect(songs.get(song.linked_to)!.song_id).to.equal(song.song_id);
    }
  });

  it('"Last Night" (Morgan Wallen) is one song over its 2 ids: 440,524,052 streams, the song_id the id that charted first', () => {
    const rows = rowsOf('Last Night', 'Morgan Wallen');
    expect(new Set(rows.map((r) => r.track_id)).size).to.equal(2);
    expect(songIdsOf(rows)).to.deep.equal([rows.sort((a, b) => a.week.localeCompare(b.week))[0].track_id]);
    expect(rows.reduce((sum, r) => sum + r.streams, 0)).to.equal(440524052);
  });

  it('"Flowers" (Miley Cyrus) is one song over 3 ids; "Jingle Bell Rock" starts on 2023-11-09 and is #4 on 2023-11-30', () => {
    const flowers = rowsOf('Flowers', 'Miley Cyrus');
    expect(new Set(flowers.map((r) => r.track_id)).size).to.equal(3);
    expect(songIdsOf(flowers)).to.have.length(1);
    const jingle = rowsOf('Jingle Bell Rock', 'Bobby Helms');
    const [songId] = songIdsOf(jingle);
    expect(songIdsOf(jingle)).to.have.length(1);
    const history = csv.filter((r) => songs.get(r.track_id)!.song_id === songId).sort((a, b) => a.week.localeCompare(b.week));
    expect(history[0].week).to.equal('2023-11-09');
    expect(history.find((r) => r.week === '2023-11-30')!.rank).to.equal(4);
    expect(history.map((r) => r.week)).to.include.members(['2023-12-14', '2023-12-28']);
  });

  it('of the 96 title + artists pairs with 2-5 ids, links merge 95; Ghostbusters (two versions in one week) stays two songs', () => {
    const pairs = new Map<string, CsvRow[]>();
    for (const r of csv) pairs.set(`${r.track_name}|${r.artist_names}`, [...(pairs.get(`${r.track_name}|${r.artist_names}`) ?? []), r]);
    const multi = [...pairs.entries()].filter(([, rows]) => new Set(rows.map((r) => r.track_id)).size > 1);
    expect(multi).to.have.length(96);
    const apart = multi.filter(([, rows]) => songIdsOf(rows).length > 1).map(([key]) => key);
    expect(apart).to.deep.equal(['Ghostbusters|Ray Parker Jr.']);
    const ghostbusters = pairs.get('Ghostbusters|Ray Parker Jr.')!;
    expect(ghostbusters.map((r) => r.week)).to.deep.equal(['2023-11-02', '2023-11-02']);
  });

  it('every handover the files show (a new id continuing a gone id\'s rank and weeks) is linked, and no song has 2 ids in a week', () => {
    const weeks = [...new Set(csv.map((r) => r.week))].sort();
    const byWeek = idsInWeek();
    let handovers = 0;
    for (const r of csv) {
      const before = weeks[weeks.indexOf(r.week) - 1];
      if (r.previous_rank === -1 || !before || byWeek.get(before)!.has(r.track_id)) continue;
      const old = csv.find((o) => o.week === before && o.rank === r.previous_rank)!;
      if (byWeek.get(r.week)!.has(old.track_id)) continue;
      handovers += 1;
      expect(r.weeks_on_chart, r.track_name).to.equal(old.weeks_on_chart + 1);
      expect(songs.get(r.track_id)!.song_id, `${r.track_name} (${r.week})`).to.equal(songs.get(old.track_id)!.song_id);
    }
    expect(handovers).to.equal(91);
    for (const [week, ids] of byWeek) {
      const songIds = [...ids].map((id) => songs.get(id)!.song_id);
      expect(new Set(songIds).size, week).to.equal(ids.size);
    }
  });

  it('songs sharing a title by different artists stay apart ("Thank God", "Frosty the Snowman", "Stay", ...)', () => {
    const byTitle = new Map<string, CsvRow[]>();
    for (const r of csv) byTitle.set(r.track_name.toLowerCase(), [...(byTitle.get(r.track_name.toLowerCase()) ?? []), r]);
    const shared = [...byTitle.entries()].filter(([, rows]) => {
      const artistLists = [...new Set(rows.map((r) => r.artist_names))].map((names) => names.split(', '));
      return artistLists.length > 1 && artistLists.every((a, i) => artistLists.every((b, j) => i === j || !a.some((name) => b.includes(name))));
    });
    expect(shared.map(([title]) => title)).to.include.members(['thank god', 'frosty the snowman', 'santa claus is coming to town']);
    for (const [title, rows] of shared) {
      const artistsOfSong = new Map<string, Set<string>>();
      for (const r of rows) artistsOfSong.set(songs.get(r.track_id)!.song_id, (artistsOfSong.get(songs.get(r.track_id)!.song_id) ?? new Set()).add(r.artist_names));
      for (const artists of artistsOfSong.values()) expect(artists.size, title).to.equal(1);
    }
  });
});

describe('song identity rules (hand-made charts)', () => {
  const build = async (entries: string, tracks = "SELECT NULL::VARCHAR AS track_id, NULL::VARCHAR AS isrc WHERE false") => {
    const duck = await DuckDb.open();
    const connection = await duck.connect();
    try {
      await connection.run(`CREATE TEMP TABLE chart_entries AS SELECT 'c' AS chart, CAST(week AS DATE) AS week, rank, track_id, track_name, artist_names,
        NULLIF(previous_rank, -1) AS previous_rank, weeks_on_chart FROM (VALUES ${entries}) AS t(week, rank, track_id, track_name, artist_names, previous_rank, weeks_on_chart)`);
      await connection.run(`CREATE TEMP TABLE tracks AS ${tracks}`);
      await connection.run("CREATE TEMP TABLE track_artists AS SELECT e.track_id, trim(a.name) AS artist_name FROM chart_entries AS e, unnest(string_split(e.artist_names, ', ')) AS a(name)");
      await buildSongs(connection);
      const rows = await connection.all<SongRow & Record<string, unknown>>('SELECT track_id, song_id, linked_by, linked_to FROM songs ORDER BY track_id');
      return Object.fromEntries(rows.map((row) => [row.track_id, [row.song_id, row.linked_by]]));
    } finally {
      connection.close();
      duck.close();
    }
  };

  it('links a chart handover across a renamed title, but not to another artist, nor an id charting the same week', async () => {
    const songs = await build(`
      ('2023-01-05', 1, 'A', 'Song (Remix)', 'X', -1, 1), ('2023-01-05', 2, 'C', 'Other', 'Y', -1, 1),
      ('2023-01-12', 1, 'B', 'Song (Remix) (Explicit)', 'X', 1, 2), ('2023-01-12', 2, 'D', 'Other', 'Z', 2, 2),
      ('2023-01-12', 3, 'E', 'Other', 'Y', -1, 1)`);
    expect(songs.A).to.deep.equal(['A', 'self']);
    expect(songs.B).to.deep.equal(['A', 'chart_continuity']);
    expect(songs.D).to.deep.equal(['D', 'self']); // same title and rank hand-over, but another artist
    expect(songs.E).to.deep.equal(['C', 'title_artists']); // the same title and artist as C, a week after C left
  });

  it('links the same title and artists across a gap, and the same ISRC; never two ids of one week', async () => {
    const songs = await build(
      `('2023-01-05', 1, 'A', 'Hit', 'X', -1, 1), ('2023-01-19', 5, 'B', 'HIT', 'X', -1, 1),
       ('2023-01-05', 2, 'C', 'Twice', 'Y', -1, 1), ('2023-01-05', 3, 'D', 'Twice', 'Y', -1, 1),
       ('2023-01-12', 1, 'E', 'Name one', 'Z', -1, 1), ('2023-01-19', 1, 'F', 'Name two', 'Z', -1, 1)`,
      "SELECT * FROM (VALUES ('E', 'USAAA0000001'), ('F', 'usaaa0000001')) AS t(track_id, isrc)",
    );
    expect(songs.B).to.deep.equal(['A', 'title_artists']);
    expect(songs.C[0]).to.not.equal(songs.D[0]);
    expect(songs.F).to.deep.equal(['E', 'isrc']);
  });
});
