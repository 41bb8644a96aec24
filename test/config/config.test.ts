import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { sourceOptionsFromEnv } from '../../src/aws/lambda/extract';
import { ENV as LAMBDA_ENV } from '../../src/aws/lambda/environment';
import { ENV, resolveConfig, resolveLake } from '../../src/config';
import { removeDir, tempDir } from '../support/lake';

describe('one configuration for every command and the Lambdas', () => {
  let cwd: string;
  before(() => {
    cwd = tempDir('config');
    mkdirSync(cwd, { recursive: true });
    writeFileSync(path.join(cwd, 'chartlake.config.json'), JSON.stringify({ lake: 'file-lake', spotify: { source: 'playlist', apiMode: 'development' } }));
  });
  after(() => removeDir(cwd));

  it('each setting: the flag wins over the environment, the environment over the file, the file over the default', () => {
    const env = { CHARTLAKE_LAKE: 'env-lake', CHARTLAKE_SOURCE: 'charts-service' };
    const sourceOf = (resolved: ReturnType<typeof resolveConfig>, name: string) => resolved.settings.find((s) => s.name === name)?.source;
    const withFlag = resolveConfig({ lake: 'flag-lake' }, env, cwd);
    expect([withFlag.config.lake, sourceOf(withFlag, 'lake')]).to.deep.equal(['flag-lake', '--lake']);
    const withEnv = resolveConfig({}, env, cwd);
    expect([withEnv.config.lake, sourceOf(withEnv, 'lake')]).to.deep.equal(['env-lake', 'CHARTLAKE_LAKE']);
    expect([withEnv.config.spotify.source, sourceOf(withEnv, 'source')]).to.deep.equal(['charts-service', 'CHARTLAKE_SOURCE']);
    const fileOnly = resolveConfig({}, {}, cwd);
    expect([fileOnly.config.lake, fileOnly.config.spotify.source, fileOnly.config.spotify.apiMode]).to.deep.equal(['file-lake', 'playlist', 'development']);
    const defaults = resolveConfig({}, {}, path.join(cwd, 'nowhere'));
    expect([defaults.config.lake, defaults.config.chart, sourceOf(defaults, 'chart'), defaults.file.found]).to.deep.equal(['lake', 'regional-global-weekly', 'default', false]);
    const elsewhere = resolveConfig({}, { [ENV.configFile]: path.join(cwd, 'chartlake.config.json') }, path.join(cwd, 'nowhere'));
    expect(elsewhere.config.lake).to.equal('file-lake');
  });

  it('the lake alone (what a query resolves) is the lake of the whole configuration, layer for layer', () => {
    const cases: [{ lake?: string }, NodeJS.ProcessEnv, string][] = [
      [{ lake: 'flag-lake' }, { CHARTLAKE_LAKE: 'env-lake' }, cwd],
      [{}, { CHARTLAKE_LAKE: 'env-lake' }, cwd],
      [{}, {}, cwd],
      [{}, {}, path.join(cwd, 'nowhere')],
      [{}, { [ENV.configFile]: path.join(cwd, 'chartlake.config.json') }, path.join(cwd, 'nowhere')],
    ];
    expect(cases.map(([flags, env, dir]) => resolveLake(flags, env, dir))).to.deep.equal(['flag-lake', 'env-lake', 'file-lake', 'lake', 'file-lake']);
    for (const [flags, env, dir] of cases) expect(resolveLake(flags, env, dir)).to.equal(resolveConfig(flags, env, dir).config.lake);
  });

  it('a service URL of its own wins over the one base URL', () => {
    const { config } = resolveConfig({}, { CHARTLAKE_SPOTIFY_BASE_URL: 'http://base', CHARTLAKE_SPOTIFY_API_URL: 'http://api' }, cwd);
    expect([config.spotify.chartsBaseUrl, config.spotify.apiBaseUrl, config.spotify.accountsBaseUrl]).to.deep.equal(['http://base', 'http://api', 'http://base']);
  });

  it('a bad --api-mode or CHARTLAKE_API_MODE is named where it came from', () => {
    expect(() => resolveConfig({ apiMode: 'fast' }, {}, cwd)).to.throw('--api-mode must be auto, development or extended, not "fast"');
    expect(() => resolveConfig({}, { CHARTLAKE_API_MODE: 'fast' }, cwd)).to.throw('CHARTLAKE_API_MODE must be');
  });

  it('the extract Lambda reads the same variable names as the CLI, and resolves them the same way', () => {
    // The client secret comes from Secrets Manager and a charts token is refused for a deployed stack: neither is an
    // environment variable of the Lambda.
    for (const name of ['source', 'apiMode', 'clientId', 'chartsUrl', 'apiUrl', 'accountsUrl'] as const) {
      expect(LAMBDA_ENV[name], name).to.equal(ENV[name]);
    }
    expect(Object.keys(LAMBDA_ENV)).to.not.include.members(['clientSecret', 'chartsToken']);
    const saved = { ...process.env };
    Object.assign(process.env, { CHARTLAKE_SOURCE: 'playlist:abc', CHARTLAKE_API_MODE: 'extended', CHARTLAKE_CHARTS_TOKEN: 'token-1234', SPOTIFY_CLIENT_ID: 'id' });
    try {
      const options = sourceOptionsFromEnv('from-secrets-manager');
      expect([options.source, options.apiMode, options.chartsToken, options.clientId, options.clientSecret]).to.deep.equal(['playlist:abc', 'extended', 'token-1234', 'id', 'from-secrets-manager']);
      expect(options).to.deep.equal({ ...resolveConfig({}, process.env).config.spotify, clientSecret: 'from-secrets-manager' });
    } finally {
      process.env = saved;
    }
  });
});
