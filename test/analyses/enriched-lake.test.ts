import { expect } from 'chai';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { openLakeEngine } from '../../src/catalog';
import { buildSongs } from '../../src/transform';
import { DuckDb, runSavedAnalysis, savedAnalysis, sqlString, type DuckDbEngine } from '../../src/query';
import { FsStore } from '../../src/store';
import { removeDir, tempDir } from '../support/lake';

/**
 * A tiny hand-made lake of two API-enriched weeks (what the CSV import cannot give: albums, durations, explicit
 * flags, release dates), so the album and pattern analyses are checked on values worked out by hand.
 */
const CHART = 'test-weekly';
const TABLES: Record<string, { columns: string; weeks: Record<string, string[]> }> = {
  chart_entries: {
    columns: 'region VARCHAR, rank INTEGER, track_id VARCHAR, track_name VARCHAR, artist_names VARCHAR, label VARCHAR, streams BIGINT, peak_rank INTEGER, previous_rank INTEGER, weeks_on_chart INTEGER, entry_status VARCHAR',
    weeks: {
      '2024-01-04': [
        `('xx', 1, 't1', 'One', 'Ann, Bob', 'L1', 1000, 1, NULL, 1, 'NEW_ENTRY')`,
        `('xx', 2, 't2', 'Two', 'Ann', 'L1', 600, 2, 4, 5, 'MOVED_UP')`,
        `('xx', 3, 't3', 'Three', 'Cy', 'L2', 300, 3, NULL, 1, 'NEW_ENTRY')`,
        `('xx', 4, 't4', 'Four', 'Di', 'L2', 100, 2, NULL, 3, 'RE_ENTRY')`,
      ],
      '2024-01-11': [
        `('xx', 1, 't1', 'One', 'Ann, Bob', 'L1', 900, 1, 1, 2, 'NO_CHANGE')`,
        `('xx', 2, 't3', 'Three', 'Cy', 'L2', 500, 2, 3, 2, 'MOVED_UP')`,
        `('xx', 3, 't2', 'Two', 'Ann', 'L1', 400, 2, 2, 6, 'MOVED_DOWN')`,
      ],
    },
  },
  tracks: {
    columns: 'track_id VARCHAR, name VARCHAR, album_id VARCHAR, duration_ms INTEGER, explicit BOOLEAN, track_number INTEGER, disc_number INTEGER, popularity INTEGER, isrc VARCHAR',
    weeks: {
      '2024-01-04': [
        `('t1', 'One', 'a1', 200000, true, 1, 1, 90, NULL)`,
        `('t2', 'Two', 'a1', 180000, false, 2, 1, 80, NULL)`,
        `('t3', 'Three', 'a2', 240000, true, 1, 1, 70, NULL)`,
        `('t4', 'Four', NULL, 150000, false, 1, 1, 60, NULL)`,
      ],
      '2024-01-11': [
        `('t1', 'One', 'a1', 200000, true, 1, 1, 90, NULL)`,
        `('t2', 'Two', 'a1', 180000, false, 2, 1, 80, NULL)`,
        `('t3', 'Three', 'a2', 240000, true, 1, 1, 70, NULL)`,
      ],
    },
  },
  track_artists: {
    columns: 'track_id VARCHAR, artist_id VARCHAR, artist_name VARCHAR, position INTEGER',
    weeks: {
      '2024-01-04': [`('t1', 'ann', 'Ann', 1)`, `('t1', 'bob', 'Bob', 2)`, `('t2', 'ann', 'Ann', 1)`, `('t3', 'cy', 'Cy', 1)`, `('t4', 'di', 'Di', 1)`],
      '2024-01-11': [`('t1', 'ann', 'Ann', 1)`, `('t1', 'bob', 'Bob', 2)`, `('t2', 'ann', 'Ann', 1)`, `('t3', 'cy', 'Cy', 1)`],
    },
  },
  albums: {
    columns: 'album_id VARCHAR, name VARCHAR, album_type VARCHAR, release_date DATE, release_date_precision VARCHAR, label VARCHAR, total_tracks INTEGER, popularity INTEGER',
    weeks: {
      // a1 came out one week before 2024-01-04, a2 five weeks before.
      '2024-01-04': [`('a1', 'Album One', 'album', DATE '2023-12-28', 'day', 'L1', 10, 50)`, `('a2', 'Album Two', 'single', DATE '2023-11-30', 'day', 'L2', 1, 40)`],
      '2024-01-11': [`('a1', 'Album One', 'album', DATE '2023-12-28', 'day', 'L1', 10, 50)`, `('a2', 'Album Two', 'single', DATE '2023-11-30', 'day', 'L2', 1, 40)`],
    },
  },
};

describe('album and pattern analyses on a hand-made enriched lake', () => {
  let dir: string;
  let duck: DuckDb;
  let engine: DuckDbEngine;
  const range = { chart: CHART, from_week: '2024-01-01', to_week: '2024-01-31' };

  before(async () => {
    dir = tempDir('enriched');
    duck = await DuckDb.open();
    for (const [table, { columns, weeks }] of Object.entries(TABLES)) {
      // One file per table for the year, `week` a column (the lake's layout).
      const file = path.join(dir, 'transformed', table, `chart=${CHART}`, 'year=2024', 'part-0.parquet');
      mkdirSync(path.dirname(file), { recursive: true });
      const names = columns.split(', ').map((column) => column.split(' ')[0]);
      const casts = columns.split(', ').map((column, index) => `CAST(col${index} AS ${column.split(' ')[1]}) AS ${names[index]}`);
      const selects = Object.entries(weeks).map(
        ([week, rows]) => `SELECT DATE ${sqlString(week)} AS week, ${casts.join(', ')} FROM (VALUES ${rows.join(', ')}) AS v(${names.map((_n, i) => `col${i}`).join(', ')})`,
      );
      await duck.withConnection((c) => c.run(`COPY (${selects.join(' UNION ALL ')}) TO ${sqlString(file)} (FORMAT parquet)`));
    }
    // The lake-wide songs table, as the transform derives it from the weeks.
    const first = await openLakeEngine(new FsStore(dir), { duck });
    try {
      await first.views(['chart_entries', 'tracks', 'track_artists']);
      await buildSongs(first.connection);
      const songs = path.join(dir, 'transformed', 'songs', 'part-0.parquet');
      mkdirSync(path.dirname(songs), { recursive: true });
      await first.connection.run(`COPY songs TO ${sqlString(songs)} (FORMAT parquet)`);
    } finally {
      await first.close();
    }
    engine = await openLakeEngine(new FsStore(dir), { duck, recrawl: true });
  });
  after(async () => {
    await engine?.close();
    duck?.close();
    if (dir) removeDir(dir);
  });

  it('top-albums: Album One has 2 charting tracks and 1000 + 600 + 900 + 400 streams', async () => {
    const { rows } = await runSavedAnalysis(engine, savedAnalysis('top-albums'), range);
    expect(rows.map((r) => [r.album, r.album_type, r.charting_tracks, r.streams, r.weeks_on_chart, r.best_rank, r.release_date])).to.deep.equal([
      ['Album One', 'album', 2, 2900, 2, 1, '2023-12-28'],
      ['Album Two', 'single', 1, 800, 2, 2, '2023-11-30'],
    ]);
  });

  it('chart-patterns: medians of an even and an odd week, explicit and collaboration shares, age at debut', async () => {
    const { rows } = await runSavedAnalysis(engine, savedAnalysis('chart-patterns'), range);
    expect(rows).to.deep.equal([
      {
        week: '2024-01-04', chart_size: 4, new_entries: 2, re_entries: 1,
        median_duration_ms: 190000, // (180000 + 200000) / 2 of 150000, 180000, 200000, 240000
        explicit_share: 0.5, collaboration_share: 0.25,
        median_debut_age_weeks: 3, // debuts at 1 and 5 weeks after release
        median_weeks_on_chart: 2, avg_weeks_on_chart: 2.5, top10_streams_share: 1, streams: 2000,
      },
      {
        week: '2024-01-11', chart_size: 3, new_entries: 0, re_entries: 0,
        median_duration_ms: 200000, explicit_share: 0.6667, collaboration_share: 0.3333,
        median_debut_age_weeks: null, median_weeks_on_chart: 2, avg_weeks_on_chart: 3.33, top10_streams_share: 1, streams: 1800,
      },
    ]);
  });

  it('top-artists credits both artists of a collaboration', async () => {
    const { rows } = await runSavedAnalysis(engine, savedAnalysis('top-artists'), range);
    expect(rows.map((r) => [r.artist_name, r.streams, r.charting_tracks, r.weeks_at_number_1])).to.deep.equal([
      ['Ann', 2900, 2, 2],
      ['Bob', 1900, 1, 2],
      ['Cy', 800, 1, 0],
      ['Di', 100, 1, 0],
    ]);
  });
});
