import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_SPOTIFY_SOURCE_OPTIONS, musicBrainzOptionsFromEnv, type MusicBrainzOptions, type SpotifySourceOptions } from '../sources';
import { registerSecret } from '../log';

export { CODE_VERSION } from './version';

/**
 * The one typed configuration, built in order from defaults, `chartlake.config.json`, the environment
 * (`CHARTLAKE_*`, `SPOTIFY_CLIENT_ID`, `SPOTIFY_CLIENT_SECRET`) and command-line flags (DESIGN.md).
 * On AWS the same fields come from Pulumi config.
 */
export interface ChartlakeConfig {
  /** A folder or `s3://bucket/prefix`. */
  lake: string;
  /** The chart alias extracted by `run` and the schedule. */
  chart: string;
  /** AWS EventBridge cron, used by the AWS stack and by `chartlake schedule` alike. */
  schedule: string;
  spotify: SpotifySourceOptions;
  /** Songwriter lookups: what is not given takes the MusicBrainz client's defaults (1 request/s, 30-day miss retry). */
  musicbrainz: Partial<MusicBrainzOptions>;
}

export const DEFAULT_SCHEDULE = 'cron(0 12 ? * FRI *)';

export interface ConfigFile {
  lake?: string;
  chart?: string;
  schedule?: string;
  spotify?: Partial<Omit<SpotifySourceOptions, 'clientSecret' | 'chartsToken'>>;
  musicbrainz?: Partial<MusicBrainzOptions>;
}

export type ConfigFlags = Partial<Pick<ChartlakeConfig, 'lake' | 'chart'>> & { source?: string; apiMode?: string };

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ChartlakeConfig {
  const file = readConfigFile(path.join(cwd, 'chartlake.config.json'));
  const spotify: SpotifySourceOptions = { ...DEFAULT_SPOTIFY_SOURCE_OPTIONS, ...file.spotify };
  const base = env.CHARTLAKE_SPOTIFY_BASE_URL;
  if (base) Object.assign(spotify, { chartsBaseUrl: base, apiBaseUrl: base, accountsBaseUrl: base });
  if (env.CHARTLAKE_SOURCE) spotify.source = env.CHARTLAKE_SOURCE;
  if (env.CHARTLAKE_API_MODE) spotify.apiMode = apiMode(env.CHARTLAKE_API_MODE, 'CHARTLAKE_API_MODE');
  if (env.CHARTLAKE_CHARTS_TOKEN) spotify.chartsToken = env.CHARTLAKE_CHARTS_TOKEN;
  if (env.SPOTIFY_CLIENT_ID) spotify.clientId = env.SPOTIFY_CLIENT_ID;
  if (env.SPOTIFY_CLIENT_SECRET) spotify.clientSecret = env.SPOTIFY_CLIENT_SECRET;
  if (flags.source) spotify.source = flags.source;
  if (flags.apiMode) spotify.apiMode = apiMode(flags.apiMode, '--api-mode');
  registerSecret(spotify.clientSecret);
  registerSecret(spotify.chartsToken);
  return {
    lake: flags.lake ?? env.CHARTLAKE_LAKE ?? file.lake ?? 'lake',
    chart: flags.chart ?? env.CHARTLAKE_CHART ?? file.chart ?? 'regional-global-weekly',
    schedule: env.CHARTLAKE_SCHEDULE ?? file.schedule ?? DEFAULT_SCHEDULE,
    spotify,
    musicbrainz: { ...file.musicbrainz, ...musicBrainzOptionsFromEnv(env) },
  };
}

function readConfigFile(file: string): ConfigFile {
  if (!existsSync(file)) return {};
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as ConfigFile & { spotify?: { clientSecret?: unknown } };
    if (parsed.spotify && 'clientSecret' in parsed.spotify) {
      throw new Error('keep the client secret out of the config file: set SPOTIFY_CLIENT_SECRET in the environment');
    }
    return parsed;
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

function apiMode(value: string, where: string): SpotifySourceOptions['apiMode'] {
  if (value === 'auto' || value === 'development' || value === 'extended') return value;
  throw new Error(`${where} must be auto, development or extended, not ${JSON.stringify(value)}`);
}
