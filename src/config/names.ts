/**
 * The environment variables chartlake reads, one name per setting for the CLI and the Lambdas alike
 * (index.ts sets the Lambdas' through `src/aws/lambda/environment.ts`, which takes its names from here).
 * No imports: the CLI's help reads this without loading anything else.
 */
export const ENV = {
  configFile: 'CHARTLAKE_CONFIG',
  lake: 'CHARTLAKE_LAKE',
  chart: 'CHARTLAKE_CHART',
  schedule: 'CHARTLAKE_SCHEDULE',
  source: 'CHARTLAKE_SOURCE',
  apiMode: 'CHARTLAKE_API_MODE',
  chartsToken: 'CHARTLAKE_CHARTS_TOKEN',
  clientId: 'SPOTIFY_CLIENT_ID',
  clientSecret: 'SPOTIFY_CLIENT_SECRET',
  spotifyBaseUrl: 'CHARTLAKE_SPOTIFY_BASE_URL',
  chartsUrl: 'CHARTLAKE_SPOTIFY_CHARTS_URL',
  apiUrl: 'CHARTLAKE_SPOTIFY_API_URL',
  accountsUrl: 'CHARTLAKE_SPOTIFY_ACCOUNTS_URL',
  s3Endpoint: 'CHARTLAKE_S3_ENDPOINT',
  athenaWorkgroup: 'CHARTLAKE_ATHENA_WORKGROUP',
  athenaDatabase: 'CHARTLAKE_ATHENA_DATABASE',
  musicbrainzContact: 'CHARTLAKE_MUSICBRAINZ_CONTACT',
  musicbrainzBaseUrl: 'CHARTLAKE_MUSICBRAINZ_BASE_URL',
  musicbrainzMinIntervalMs: 'CHARTLAKE_MUSICBRAINZ_MIN_INTERVAL_MS',
  duckdbMemoryLimit: 'CHARTLAKE_DUCKDB_MEMORY_LIMIT',
} as const;

/** What each variable means, for `--help` and `chartlake config`. */
export const ENV_HELP: Record<string, string> = {
  [ENV.configFile]: `the config file (default ./chartlake.config.json)`,
  [ENV.lake]: 'the lake: a folder or s3://bucket/prefix (default ./lake)',
  [ENV.chart]: 'the chart alias (default regional-global-weekly)',
  [ENV.schedule]: 'the EventBridge cron of the weekly run (default cron(0 12 ? * FRI *))',
  [ENV.source]: 'where the chart comes from: charts-service, playlist or playlist:<id>',
  [ENV.apiMode]: 'Web API mode: auto, development or extended',
  [ENV.chartsToken]: 'bearer token of a charts.spotify.com session (any week, 200 entries); secret',
  [ENV.clientId]: 'Spotify app client id (enrichment)',
  [ENV.clientSecret]: 'Spotify app client secret (enrichment); secret',
  [ENV.spotifyBaseUrl]: 'one base URL for the charts service, Web API and accounts (the demo server)',
  [ENV.chartsUrl]: 'base URL of the charts service',
  [ENV.duckdbMemoryLimit]: "DuckDB's memory limit, e.g. 2GB (default 512MB; past it DuckDB spills to the temp folder)",
  [ENV.apiUrl]: 'base URL of the Web API',
  [ENV.accountsUrl]: 'base URL of the accounts (token) service',
  [ENV.s3Endpoint]: 'S3-compatible endpoint for s3:// lakes (e.g. MinIO)',
  [ENV.athenaWorkgroup]: 'Athena workgroup for --engine athena (pulumi stack output athenaWorkgroup)',
  [ENV.athenaDatabase]: 'Glue database for --engine athena (pulumi stack output glueDatabase)',
  [ENV.musicbrainzContact]: 'your e-mail or URL, sent in the User-Agent MusicBrainz asks for',
  [ENV.musicbrainzBaseUrl]: 'the MusicBrainz web service (a test server: chartlake musicbrainz-server)',
  [ENV.musicbrainzMinIntervalMs]: 'least time between MusicBrainz requests (1000: their 1/s; lower only on loopback)',
};

export type SettingName =
  | 'lake'
  | 'chart'
  | 'schedule'
  | 'source'
  | 'apiMode'
  | 'chartsBaseUrl'
  | 'apiBaseUrl'
  | 'accountsBaseUrl'
  | 'clientId'
  | 'clientSecret'
  | 'chartsToken';

/** The command-line flag of a setting, where there is one. */
export const FLAG_OF: Partial<Record<SettingName, string>> = {
  lake: '--lake',
  chart: '--chart',
  schedule: '--cron',
  source: '--source',
  apiMode: '--api-mode',
};
