/**
 * The Spotify Charts web service (the JSON service behind charts.spotify.com):
 *  - public `GET <base>/public/v0/charts`: the latest charts, 50 entries each, no token;
 *  - authorized `GET <base>/auth/v0/charts/<alias>/<YYYY-MM-DD|latest>`: any week, 200 entries, with the bearer
 *    token of a logged-in charts.spotify.com session.
 * The public answer is `{chartEntryViewResponses: [{displayChart, entries, highlights}, ...]}`; the authorized
 * one is a single `{displayChart, entries, highlights}`. Entries are kept exactly as the service gave them.
 */
import { idFromUri, regionOfAlias, type ChartsServiceEntry } from './envelope';
import { SpotifySourceError } from './errors';
import { parseJson, type HttpClient } from './http';
import type { Log } from './log';
import { publicUrl, type Redactor } from './redact';
import { trimSlash } from './token';

export const CHARTS_TOKEN_HELP =
  'Log in to charts.spotify.com in a browser, open the developer tools (Network tab), pick a request to ' +
  'charts-spotify-com-service.spotify.com, copy the value of its "Authorization: Bearer ..." header (the part ' +
  'after "Bearer ") and set CHARTLAKE_CHARTS_TOKEN to it. The token expires after about an hour.';

export interface ChartsServiceWeek {
  alias: string;
  region: string;
  date: string;
  endpoint: string;
  entries: ChartsServiceEntry[];
}

interface ChartView {
  displayChart?: { date?: unknown; chartMetadata?: { alias?: unknown; dimensions?: { country?: unknown } } };
  entries?: unknown;
}

export async function fetchChartsServiceWeek(args: {
  http: HttpClient;
  baseUrl: string;
  token?: string;
  chart: string;
  week?: string;
  redactor: Redactor;
  log: Log;
}): Promise<ChartsServiceWeek> {
  const { http, chart, week, token } = args;
  const base = trimSlash(args.baseUrl);
  if (token) args.redactor.add(token);
  if (!token && week) {
    throw new SpotifySourceError(
      'CHARTS_TOKEN',
      `The charts week ${week} needs a Spotify Charts token: without one the service only gives the latest charts ` +
        `(50 entries). ${CHARTS_TOKEN_HELP} Or import the week's CSV from charts.spotify.com instead.`,
    );
  }
  const url = token ? `${base}/auth/v0/charts/${encodeURIComponent(chart)}/${week ?? 'latest'}` : `${base}/public/v0/charts`;
  const endpoint = publicUrl(url);
  args.log('info', 'fetching the chart from the Spotify Charts service', { endpoint, chart, week: week ?? 'latest' });
  const answer = await http.send({
    method: 'GET',
    url,
    headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}`, 'App-Platform': 'Browser' } : {}) },
  });
  if (answer.status === 401 || answer.status === 403) {
    throw new SpotifySourceError(
      'CHARTS_TOKEN',
      `The Spotify Charts service refused the token (${answer.status}): it is missing, expired or not from a logged-in ` +
        `session. ${CHARTS_TOKEN_HELP}`,
      answer.status,
    );
  }
  if (answer.status === 404) {
    throw new SpotifySourceError('NOT_FOUND', `The Spotify Charts service has no chart ${chart} for ${week ?? 'latest'} (404)`, 404);
  }
  if (answer.status !== 200) {
    throw new SpotifySourceError('HTTP', `GET ${endpoint} answered ${answer.status}`, answer.status);
  }
  const body = parseJson(answer.body, `GET ${endpoint}`) as { chartEntryViewResponses?: unknown } & ChartView;
  const view = Array.isArray(body.chartEntryViewResponses) ? pickView(body.chartEntryViewResponses, chart, endpoint) : body;

  const alias = typeof view.displayChart?.chartMetadata?.alias === 'string' ? view.displayChart.chartMetadata.alias : chart;
  const date = view.displayChart?.date;
  if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint} answered no displayChart.date`);
  }
  if (alias !== chart) {
    throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint} answered the chart ${alias}, not ${chart}`);
  }
  if (week && date !== week) {
    throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint} answered the week ${date}, not ${week}`);
  }
  const entries = checkEntries(view.entries, endpoint);
  const country = view.displayChart?.chartMetadata?.dimensions?.country;
  const region = regionOfAlias(alias) ?? (typeof country === 'string' ? country.toLowerCase() : 'global');
  return { alias, region, date, endpoint, entries };
}

function pickView(views: unknown[], chart: string, endpoint: string): ChartView {
  const aliases: string[] = [];
  for (const view of views as ChartView[]) {
    const alias = view?.displayChart?.chartMetadata?.alias;
    if (alias === chart) return view;
    if (typeof alias === 'string') aliases.push(alias);
  }
  throw new SpotifySourceError(
    'NOT_FOUND',
    `GET ${endpoint} has no latest chart ${chart} (it has: ${aliases.join(', ') || 'none'}). ` +
      `Other charts and other weeks need a Spotify Charts token. ${CHARTS_TOKEN_HELP}`,
  );
}

/** Entries must at least carry a rank and a track URI: everything downstream keys on them. */
function checkEntries(value: unknown, endpoint: string): ChartsServiceEntry[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint} answered no chart entries`);
  }
  value.forEach((entry: unknown, i) => {
    const e = entry as Partial<ChartsServiceEntry> | null;
    const rank = e?.chartEntryData?.currentRank;
    const uri = e?.trackMetadata?.trackUri;
    if (typeof rank !== 'number' || typeof uri !== 'string' || !idFromUri(uri, 'track') || !Array.isArray(e?.trackMetadata?.artists)) {
      throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint}: entry ${i} has no currentRank, track URI or artists`);
    }
  });
  return value as ChartsServiceEntry[];
}

/** One chart the Charts service offers: its alias, region and the span of weeks it has (when the answer says). */
export interface ChartsServiceChart {
  alias: string;
  region: string;
  /** The chart's first week: weeks before it are not missing, the chart did not exist yet. */
  earliestDate?: string;
  latestDate?: string;
}

/** The charts the public route lists (`displayChart.chartMetadata` of each view); needs no token. */
export async function listChartsServiceCharts(args: { http: HttpClient; baseUrl: string; log: Log }): Promise<ChartsServiceChart[]> {
  const url = `${trimSlash(args.baseUrl)}/public/v0/charts`;
  const endpoint = publicUrl(url);
  args.log('info', 'listing the charts of the Spotify Charts service', { endpoint });
  const answer = await args.http.send({ method: 'GET', url, headers: { Accept: 'application/json' } });
  if (answer.status !== 200) throw new SpotifySourceError('HTTP', `GET ${endpoint} answered ${answer.status}`, answer.status);
  const body = parseJson(answer.body, `GET ${endpoint}`) as { chartEntryViewResponses?: unknown };
  if (!Array.isArray(body.chartEntryViewResponses)) throw new SpotifySourceError('BAD_RESPONSE', `GET ${endpoint} answered no chartEntryViewResponses`);
  const charts: ChartsServiceChart[] = [];
  for (const view of body.chartEntryViewResponses as ChartView[]) {
    const metadata = view?.displayChart?.chartMetadata as { alias?: unknown; dimensions?: { country?: unknown; earliestDate?: unknown; latestDate?: unknown } } | undefined;
    if (typeof metadata?.alias !== 'string') continue;
    const dimensions = metadata.dimensions ?? {};
    const country = typeof dimensions.country === 'string' ? dimensions.country.toLowerCase() : 'global';
    const date = (value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined);
    charts.push({
      alias: metadata.alias,
      region: regionOfAlias(metadata.alias) ?? country,
      earliestDate: date(dimensions.earliestDate),
      latestDate: date(dimensions.latestDate),
    });
  }
  return charts.sort((a, b) => a.alias.localeCompare(b.alias));
}
