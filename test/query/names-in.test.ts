import { expect } from 'chai';
import { namesIn } from '../../src/query/sql';

/** The names a query mentions: what decides which views an engine makes and which folders it checks. */
describe('namesIn', () => {
  it('names what the code reads, not aliases, types, strings or comments', () => {
    const names = namesIn(`WITH t AS (SELECT * FROM tracks)
      SELECT count(*) AS artists, CAST(e.rank AS VARCHAR) AS songs, 'albums' AS label -- chart_entries_latest
      FROM chart_entries AS e JOIN t ON t.track_id = e.track_id, track_artists ta`);
    for (const read of ['tracks', 'chart_entries', 'track_artists', 't']) expect(names.has(read), read).to.equal(true);
    for (const notRead of ['artists', 'songs', 'varchar', 'albums', 'label', 'chart_entries_latest']) expect(names.has(notRead), notRead).to.equal(false);
    // A table named as an alias too is still read where it is named after FROM.
    expect(namesIn('SELECT count(*) AS tracks FROM tracks').has('tracks')).to.equal(true);
  });
});
