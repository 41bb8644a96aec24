/**
 * The chart weeks a lake holds, read from the raw zone (the source of truth): imported Spotify Charts CSVs and
 * Spotify envelopes. For each week: its entries (from the deepest chart of its raw objects) and which tracks
 * already have Web API objects in some raw object of the week, so `enrich` knows what is left to do.
 */
import { envelopeProblem, idFromUri, type RawEnvelope } from '../sources';
import type { ChartsServiceEnvelope, PlaylistEnvelope } from '../sources/envelope';
import { getRequired, parseRawKey, RAW_PREFIX, type ObjectStore, type RawKeyParts } from '../store';

export interface LakeChartEntry {
  rank: number;
  trackId: string;
  trackName: string;
  /** As the source lists them: a CSV's `artist_names` is one string; the charts service names each artist. */
  artistNames: string;
  /** Each credited artist with its id, where the source names them (charts service, playlist); absent for a CSV. */
  artists?: { id: string; name: string }[];
  label?: string;
  streams?: number;
  peakRank?: number;
  /** -1 for a new entry (CSV and charts service alike). */
  previousRank?: number;
  weeksOnChart?: number;
}

export interface LakeWeek {
  chart: string;
  week: string;
  /** The week's raw object keys. */
  rawKeys: string[];
  /** From the raw object with the most entries, in rank order. */
  entries: LakeChartEntry[];
  /** Every track id any raw object of the week lists, in chart order. */
  trackIds: string[];
  /** Tracks some raw object of the week holds a Web API object for (or that an enrichment found unknown). */
  enrichedTrackIds: Set<string>;
}

export interface LakeWeekFilter {
  /** Chart aliases; all charts of the lake when absent or empty. */
  charts?: readonly string[];
  /** Inclusive `YYYY-MM-DD` bounds on the chart date. */
  from?: string;
  to?: string;
}

/** Every chart week of the lake that the filter selects, ordered by chart and week. */
export async function readLakeWeeks(store: ObjectStore, filter: LakeWeekFilter = {}): Promise<LakeWeek[]> {
  const selected = (parts: RawKeyParts | undefined): parts is RawKeyParts =>
    parts !== undefined &&
    (!filter.charts?.length || filter.charts.includes(parts.chart)) &&
    (!filter.from || parts.week >= filter.from) &&
    (!filter.to || parts.week <= filter.to);
  const keys: { key: string; parts: RawKeyParts }[] = [];
  for (const kind of ['charts-csv', 'spotify'] as const) {
    for (const object of await store.list(`${RAW_PREFIX}${kind}/`)) {
      const parts = parseRawKey(object.key);
      if (selected(parts)) keys.push({ key: object.key, parts });
    }
  }
  const weeks = new Map<string, LakeWeek>();
  for (const { key, parts } of keys) {
    const id = `${parts.chart}/${parts.week}`;
    let week = weeks.get(id);
    if (!week) {
      week = { chart: parts.chart, week: parts.week, rawKeys: [], entries: [], trackIds: [], enrichedTrackIds: new Set() };
      weeks.set(id, week);
    }
    week.rawKeys.push(key);
    const bytes = await getRequired(store, key);
    const entries = parts.kind === 'charts-csv' ? csvEntries(bytes, key) : envelopeEntries(bytes, key, week.enrichedTrackIds);
    if (entries.length > week.entries.length) week.entries = entries;
    for (const entry of entries) if (!week.trackIds.includes(entry.trackId)) week.trackIds.push(entry.trackId);
  }
  return [...weeks.values()].sort((a, b) => (a.chart === b.chart ? a.week.localeCompare(b.week) : a.chart.localeCompare(b.chart)));
}

/** The weeks some of whose tracks have no Web API object yet. */
export function weeksToEnrich(weeks: readonly LakeWeek[]): LakeWeek[] {
  return weeks.filter((week) => week.trackIds.some((id) => !week.enrichedTrackIds.has(id)));
}

function csvEntries(bytes: Buffer, key: string): LakeChartEntry[] {
  const [header, ...rows] = parseCsv(bytes.toString('utf8'));
  const column = (name: string): number => {
    const index = (header ?? []).indexOf(name);
    if (index < 0) throw new Error(`${key}: the CSV has no column ${name}`);
    return index;
  };
  const at = {
    rank: column('rank'),
    uri: column('uri'),
    artists: column('artist_names'),
    name: column('track_name'),
    label: column('source'),
    peak: column('peak_rank'),
    previous: column('previous_rank'),
    weeks: column('weeks_on_chart'),
    streams: column('streams'),
  };
  const out: LakeChartEntry[] = [];
  for (const row of rows) {
    const trackId = idFromUri(row[at.uri] ?? '', 'track');
    if (!trackId) continue; // the transform's quality gates report malformed rows; here they only have no track
    out.push({
      rank: Number(row[at.rank]),
      trackId,
      trackName: row[at.name] ?? '',
      artistNames: row[at.artists] ?? '',
      label: row[at.label],
      peakRank: Number(row[at.peak]),
      previousRank: Number(row[at.previous]),
      weeksOnChart: Number(row[at.weeks]),
      streams: Number(row[at.streams]),
    });
  }
  return out;
}

function envelopeEntries(bytes: Buffer, key: string, enriched: Set<string>): LakeChartEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new Error(`${key}: not JSON`);
  }
  const problem = envelopeProblem(value);
  if (problem) throw new Error(`${key}: ${problem}`);
  const envelope = value as RawEnvelope;
  for (const id of Object.keys(envelope.tracks)) enriched.add(id);
  if (envelope.source.kind === 'enrichment') {
    for (const id of envelope.source.not_found ?? []) enriched.add(id);
    return [];
  }
  if (envelope.source.kind === 'charts-service') {
    return (envelope as ChartsServiceEnvelope).entries.flatMap((entry) => {
      const trackId = idFromUri(entry.trackMetadata.trackUri, 'track');
      if (!trackId) return [];
      const data = entry.chartEntryData;
      return [{
        rank: data.currentRank,
        trackId,
        trackName: entry.trackMetadata.trackName,
        artistNames: entry.trackMetadata.artists.map((a) => a.name).join(', '),
        artists: entry.trackMetadata.artists.map((a) => ({ id: idFromUri(a.spotifyUri, 'artist') ?? '', name: a.name })),
        label: entry.trackMetadata.labels.map((l) => l.name).join('/'),
        streams: data.rankingMetric.type === 'STREAMS' ? Number(data.rankingMetric.value) : undefined,
        peakRank: data.peakRank,
        previousRank: data.previousRank,
        weeksOnChart: data.appearancesOnChart,
      }];
    });
  }
  return (envelope as PlaylistEnvelope).entries.flatMap((entry, i) => {
    const track = entry.item ?? entry.track;
    if (!track) return [];
    return [{ rank: i + 1, trackId: track.id, trackName: track.name, artistNames: track.artists.map((a) => a.name).join(', '), artists: track.artists.map((a) => ({ id: a.id, name: a.name })) }];
  });
}

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF, a leading byte-order mark. Empty lines are skipped. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
