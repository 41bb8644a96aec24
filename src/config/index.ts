import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { MusicBrainzOptions, SpotifySourceOptions } from '../sources';
import { registerSecret } from '../log';
import { ENV, FLAG_OF, type SettingName } from './names';

export { CODE_VERSION } from './version';
export { ENV, ENV_HELP, FLAG_OF, type SettingName } from './names';

/**
 * The one typed configuration, built in order from defaults, `chartlake.config.json`, the environment
 * (`CHARTLAKE_*`, `SPOTIFY_CLIENT_ID`, `SPOTIFY_CLIENT_SECRET`) and command-line flags (DESIGN.md).
 * Every CLI command and the Lambdas resolve it here; on AWS the environment comes from Pulumi config.
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
export const CONFIG_FILE_NAME = 'chartlake.config.json';

export interface ConfigFile {
  lake?: string;
  chart?: string;
  schedule?: string;
  spotify?: Partial<Omit<SpotifySourceOptions, 'clientSecret' | 'chartsToken'>>;
  musicbrainz?: Partial<MusicBrainzOptions>;
}

export type ConfigFlags = Partial<Pick<ChartlakeConfig, 'lake' | 'chart' | 'schedule'>> & { source?: string; apiMode?: string };

/** Where a resolved value came from, in the user's terms: `--lake`, `CHARTLAKE_LAKE`, `chartlake.config.json`, `default`. */
export interface ResolvedSetting {
  name: SettingName;
  value: string | undefined;
  source: string;
  secret: boolean;
}

export interface ResolvedConfig {
  config: ChartlakeConfig;
  settings: ResolvedSetting[];
  /** The config file read, or the one that would be read (absent). */
  file: { path: string; found: boolean };
}

type Layer = { source: string; value: string | undefined };

/** The first layer that has a value wins: flags, then the environment, then the config file, then the default. */
function pick(name: SettingName, layers: Layer[], secret = false): ResolvedSetting {
  const hit = layers.find((layer) => layer.value !== undefined && layer.value !== '');
  return { name, value: hit?.value, source: hit?.source ?? 'unset', secret };
}

/** The config file's layers: where it is, whether it is there, what it says. */
function configLayers(flags: ConfigFlags, env: NodeJS.ProcessEnv, cwd: string) {
  const filePath = env[ENV.configFile] ? path.resolve(cwd, env[ENV.configFile]!) : path.join(cwd, CONFIG_FILE_NAME);
  const found = existsSync(filePath);
  const file: ConfigFile = found ? readConfigFile(filePath) : {};
  const fileName = path.basename(filePath);
  const fromFile = (value: string | undefined): Layer => ({ source: fileName, value });
  const fromEnv = (name: string): Layer => ({ source: name, value: env[name] });
  const fromFlag = (name: SettingName, value: string | undefined): Layer => ({ source: FLAG_OF[name] ?? name, value });
  const byDefault = (value: string | undefined): Layer => ({ source: 'default', value });
  const lake = pick('lake', [fromFlag('lake', flags.lake), fromEnv(ENV.lake), fromFile(file.lake), byDefault('lake')]);
  return { filePath, found, file, fromFile, fromEnv, fromFlag, byDefault, lake };
}

/**
 * The lake alone, as `resolveConfig` resolves it: what a command that only reads the lake needs (a query), without
 * loading the sources' defaults.
 */
export function resolveLake(flags: Pick<ConfigFlags, 'lake'> = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return configLayers(flags, env, cwd).lake.value!;
}

export function resolveConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ResolvedConfig {
  const { filePath, found, file, fromFile, fromEnv, fromFlag, byDefault, lake } = configLayers(flags, env, cwd);
  const defaults = sourceDefaults();
  // One base URL for all three services (the demo server) unless a service has its own.
  const url = (name: SettingName, own: string, fileValue: string | undefined, fallback: string) =>
    pick(name, [fromEnv(own), fromEnv(ENV.spotifyBaseUrl), fromFile(fileValue), byDefault(fallback)]);

  const settings: ResolvedSetting[] = [
    lake,
    pick('chart', [fromFlag('chart', flags.chart), fromEnv(ENV.chart), fromFile(file.chart), byDefault('regional-global-weekly')]),
    pick('schedule', [fromFlag('schedule', flags.schedule), fromEnv(ENV.schedule), fromFile(file.schedule), byDefault(DEFAULT_SCHEDULE)]),
    pick('source', [fromFlag('source', flags.source), fromEnv(ENV.source), fromFile(file.spotify?.source), byDefault(defaults.source)]),
    pick('apiMode', [fromFlag('apiMode', flags.apiMode), fromEnv(ENV.apiMode), fromFile(file.spotify?.apiMode), byDefault(defaults.apiMode)]),
    url('chartsBaseUrl', ENV.chartsUrl, file.spotify?.chartsBaseUrl, defaults.chartsBaseUrl),
    url('apiBaseUrl', ENV.apiUrl, file.spotify?.apiBaseUrl, defaults.apiBaseUrl),
    url('accountsBaseUrl', ENV.accountsUrl, file.spotify?.accountsBaseUrl, defaults.accountsBaseUrl),
    pick('clientId', [fromEnv(ENV.clientId), fromFile(file.spotify?.clientId)]),
    pick('clientSecret', [fromEnv(ENV.clientSecret)], true),
    pick('chartsToken', [fromEnv(ENV.chartsToken)], true),
  ];
  const value = (name: SettingName) => settings.find((setting) => setting.name === name)?.value;
  const apiModeSetting = settings.find((setting) => setting.name === 'apiMode')!;
  const spotify: SpotifySourceOptions = {
    ...defaults,
    ...file.spotify,
    source: value('source')!,
    apiMode: apiMode(apiModeSetting.value!, apiModeSetting.source),
    chartsBaseUrl: value('chartsBaseUrl')!,
    apiBaseUrl: value('apiBaseUrl')!,
    accountsBaseUrl: value('accountsBaseUrl')!,
  };
  for (const name of ['clientId', 'clientSecret', 'chartsToken'] as const) {
    if (value(name) !== undefined) spotify[name] = value(name);
  }
  registerSecret(spotify.clientSecret);
  registerSecret(spotify.chartsToken);
  return {
    config: { lake: value('lake')!, chart: value('chart')!, schedule: value('schedule')!, spotify, musicbrainz: { ...file.musicbrainz, ...musicBrainzFromEnv(env) } },
    settings,
    file: { path: filePath, found },
  };
}

export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ChartlakeConfig {
  return resolveConfig(flags, env, cwd).config;
}

/** A secret is never shown, not even a part of it: only that it is set. */
export function displayValue(setting: ResolvedSetting): string {
  if (setting.value === undefined) return '(not set)';
  return setting.secret ? '******** (set)' : setting.value;
}

/** The MusicBrainz settings of the environment (CHARTLAKE_MUSICBRAINZ_*), loaded with the sources layer. */
function musicBrainzFromEnv(env: NodeJS.ProcessEnv): Partial<MusicBrainzOptions> {
  return (require('../sources') as typeof import('../sources')).musicBrainzOptionsFromEnv(env);
}

/** Loaded when a configuration is resolved, not when the CLI's help reads the names above (start-up time). */
function sourceDefaults(): SpotifySourceOptions {
  return (require('../sources') as typeof import('../sources')).DEFAULT_SPOTIFY_SOURCE_OPTIONS;
}

const FILE_KEYS = ['lake', 'chart', 'schedule', 'spotify', 'musicbrainz'];

function readConfigFile(file: string): ConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`${file} must hold one JSON object, e.g. {"lake": "lake"}`);
  const record = parsed as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FILE_KEYS.includes(key)) throw new Error(`${file}: unknown setting "${key}" (known: ${FILE_KEYS.join(', ')})`);
  }
  for (const key of ['lake', 'chart', 'schedule']) {
    if (record[key] !== undefined && typeof record[key] !== 'string') throw new Error(`${file}: "${key}" must be a string`);
  }
  const spotify = record.spotify;
  if (spotify !== undefined) {
    if (!spotify || typeof spotify !== 'object' || Array.isArray(spotify)) throw new Error(`${file}: "spotify" must be an object`);
    for (const key of Object.keys(spotify)) {
      if (key === 'clientSecret' || key === 'chartsToken') {
        throw new Error(`${file}: keep secrets out of the config file: set ${key === 'clientSecret' ? ENV.clientSecret : ENV.chartsToken} in the environment`);
      }
      const known = Object.keys(sourceDefaults()).concat('clientId');
      if (!known.includes(key)) throw new Error(`${file}: unknown setting "spotify.${key}" (known: ${known.join(', ')})`);
    }
  }
  return record as ConfigFile;
}

function apiMode(value: string, where: string): SpotifySourceOptions['apiMode'] {
  if (value === 'auto' || value === 'development' || value === 'extended') return value;
  throw new Error(`${where} must be auto, development or extended, not ${JSON.stringify(value)}`);
}
