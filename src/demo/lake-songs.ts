import * as path from 'node:path';
import { openLakeEngine } from '../catalog';
import { loadSql } from '../query';
import type { ObjectStore } from '../store';
import type { MusicBrainzSong } from './musicbrainz-server';
import { buildDemoCatalog } from './catalog';

/**
 * The distinct ISRCs of a lake's tracks (with a track name), through the query layer. A lake whose tracks have no
 * ISRC yet (CSV imports before `chartlake enrich`) gives none; a lake without a tracks table is an error that says so.
 */
export async function lakeSongs(store: ObjectStore): Promise<MusicBrainzSong[]> {
  const engine = await openLakeEngine(store);
  try {
    const result = await engine.query(loadSql(path.join(__dirname, 'sql'), 'lake-songs')).catch(() => {
      throw new Error(`${store.location} has no tracks table to read ISRCs from: import or extract chart weeks first`);
    });
    return result.rows.map((row) => ({ isrc: String(row.isrc), title: row.title === null ? undefined : String(row.title) }));
  } finally {
    await engine.close();
  }
}

/** The demo catalog's songs: its tracks' ISRCs, names and songwriters (what `npm start` puts in a lake). */
export function demoSongs(): MusicBrainzSong[] {
  return [...buildDemoCatalog().tracks.values()].map((track) => ({ isrc: track.isrc, title: track.name, writers: track.songWriters }));
}
