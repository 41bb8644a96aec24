import { expect } from 'chai';
import * as path from 'node:path';
import { DuckDb, sqlString, type DuckDbConnection } from '../../src/query';
import { splitArtistLists } from '../../src/transform';
import { requireShared, US_2023 } from '../support/lake';

describe('splitting CSV artist lists with the artist names the lake knows', () => {
  let duck: DuckDb;
  let connection: DuckDbConnection;
  const split = async (lists: string[], known: string[]) => {
    await connection.run(`CREATE OR REPLACE TEMP TABLE artist_lists AS SELECT unnest(${lists.length ? `[${lists.map(sqlString).join(', ')}]` : 'CAST([] AS VARCHAR[])'}) AS artist_names`);
    await connection.run(`CREATE OR REPLACE TEMP TABLE known_artist_names AS SELECT unnest(${known.length ? `[${known.map(sqlString).join(', ')}]` : 'CAST([] AS VARCHAR[])'}) AS name`);
    await splitArtistLists(connection);
    const rows = await connection.all<{ artist_names: string; position: number; artist_name: string }>('SELECT * FROM artist_splits ORDER BY artist_names, position');
    const out: Record<string, string[]> = {};
    for (const row of rows) (out[row.artist_names] ??= []).push(row.artist_name);
    return out;
  };

  before(async () => {
    duck = await DuckDb.open();
    connection = await duck.connect();
  });
  after(() => {
    connection?.close();
    duck?.close();
  });

  it('keeps a known name holding ", " whole, wherever it stands in the list; the longest known name wins', async () => {
    const known = ['Tyler, The Creator', 'Earth, Wind & Fire', 'Earth, Wind', 'Kali Uchis'];
    expect(await split(['Tyler, The Creator, Kali Uchis', 'Kali Uchis, Tyler, The Creator', 'Earth, Wind & Fire, Tyler', 'A, B'], known)).to.deep.equal({
      'A, B': ['A', 'B'],
      'Earth, Wind & Fire, Tyler': ['Earth, Wind & Fire', 'Tyler'],
      'Kali Uchis, Tyler, The Creator': ['Kali Uchis', 'Tyler, The Creator'],
      'Tyler, The Creator, Kali Uchis': ['Tyler, The Creator', 'Kali Uchis'],
    });
  });

  it('without known names it splits at ", " as before (a never-enriched lake)', async () => {
    expect(await split(['Tyler, The Creator, Kali Uchis'], [])).to.deep.equal({ 'Tyler, The Creator, Kali Uchis': ['Tyler', 'The Creator', 'Kali Uchis'] });
  });

  it('on the 52 real US files: with "Tyler, The Creator" known, he is one artist on every list that names him, and nothing else changes', async function () {
    requireShared(this);
    const glob = sqlString(path.join(US_2023, '*.csv'));
    await connection.run(`CREATE OR REPLACE TEMP TABLE artist_lists AS SELECT artist_names FROM read_csv(${glob}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"',
      columns = {'rank': 'VARCHAR', 'uri': 'VARCHAR', 'artist_names': 'VARCHAR', 'track_name': 'VARCHAR', 'source': 'VARCHAR', 'peak_rank': 'VARCHAR', 'previous_rank': 'VARCHAR', 'weeks_on_chart': 'VARCHAR', 'streams': 'VARCHAR'})`);
    await connection.run("CREATE OR REPLACE TEMP TABLE known_artist_names AS SELECT 'Tyler, The Creator' AS name");
    await splitArtistLists(connection);
    const lists = (await connection.all<{ artist_names: string }>('SELECT DISTINCT artist_names FROM artist_lists')).map((row) => row.artist_names);
    const rows = await connection.all<{ artist_names: string; position: number; artist_name: string }>('SELECT * FROM artist_splits ORDER BY artist_names, position');
    const tyler = lists.filter((names) => names.includes('Tyler, The Creator'));
    expect(tyler.length).to.be.greaterThan(0);
    // Independently: each list split at ", ", then "Tyler" followed by "The Creator" joined again.
    const expected = lists.flatMap((names) => {
      const parts = names.split(', ');
      const artists: string[] = [];
      for (let i = 0; i < parts.length; i += 1) {
        if (parts[i] === 'Tyler' && parts[i + 1] === 'The Creator') artists.push(parts[i++] + ', The Creator');
        else artists.push(parts[i]);
      }
      return artists.map((artist_name, index) => ({ artist_names: names, position: index + 1, artist_name }));
    });
    expect(rows).to.have.length(expected.length);
    expect(new Set(rows.map((row) => JSON.stringify([row.artist_names, row.position, row.artist_name])))).to.deep.equal(
      new Set(expected.map((row) => JSON.stringify([row.artist_names, row.position, row.artist_name]))),
    );
    expect(rows.filter((row) => row.artist_name === 'Tyler, The Creator').length).to.equal(tyler.length);
    expect(rows.filter((row) => row.artist_name === 'Tyler' || row.artist_name === 'The Creator')).to.deep.equal([]);
  });
});
