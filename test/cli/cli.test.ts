import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { commands } from '../../src/cli/commands';
import { environmentOf } from '../../src/cli/help';
import { closest, editDistance } from '../../src/cli/parse';
import { removeDir, requireShared, tempDir, US_2023 } from '../support/lake';

const ROOT = path.resolve(__dirname, '..', '..');
const BIN = path.join(ROOT, 'bin', 'chartlake.js');

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled `chartlake` as a user would, in `cwd`, with only the environment given (plus PATH and HOME). */
function chartlake(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Outcome {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env };
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('chartlake command line (the compiled CLI, spawned)', function () {
  let work: string;

  before(function () {
    // The first spawn would compile src/ anyway; doing it here keeps every test's own time small.
    this.timeout(300_000);
    (require('../../scripts/build.js') as { ensureBuilt(options?: { quiet?: boolean }): boolean }).ensureBuilt({ quiet: true });
    work = tempDir('cli');
  });

  after(() => removeDir(work));

  describe('help', () => {
    it('lists every command in aligned columns', () => {
      const { status, stdout } = chartlake(['--help']);
      expect(status).to.equal(0);
      const names = Object.keys(commands);
      const rows = stdout.split('\n').filter((line) => names.some((name) => line.startsWith(`  ${name} `)));
      expect(rows.map((line) => line.trim().split(/\s+/)[0])).to.deep.equal(names);
      const summaryColumns = new Set(rows.map((line, i) => line.indexOf(commands[names[i]].summary)));
      expect([...summaryColumns]).to.have.length(1);
      expect([...summaryColumns][0]).to.equal(2 + Math.max(...names.map((name) => name.length)) + 2);
    });

    it('no command at all prints the help and fails; `help <command>` is `<command> --help`', () => {
      const bare = chartlake([]);
      expect(bare.status).to.equal(2);
      expect(bare.stdout).to.include('commands:');
      expect(chartlake(['help', 'gaps']).stdout).to.equal(chartlake(['gaps', '--help']).stdout);
    });

    for (const [name, command] of Object.entries(commands)) {
      it(`${name} --help and -h: what it does, every option with its default, the environment, an example`, () => {
        const long = chartlake([name, '--help']);
        const short = chartlake([name, '-h']);
        expect(long.status, long.stderr).to.equal(0);
        expect(short.stdout).to.equal(long.stdout);
        const help = long.stdout;
        expect(help).to.include(command.summary);
        expect(help).to.match(new RegExp(`^usage: chartlake ${name}\\b`, 'm'));
        for (const arg of command.args ?? []) expect(help).to.include(`<${arg.name}>`);
        const options = help.slice(help.indexOf('\noptions:\n'), help.indexOf('\n\n', help.indexOf('\noptions:\n') + 1));
        for (const [option, spec] of Object.entries(command.options)) {
          const line = options.split('\n').find((row) => row.trimStart().startsWith(`--${option}`) || row.includes(`, --${option}`));
          expect(line, `--${option} in chartlake ${name} --help`).to.not.equal(undefined);
          const fallback = spec.defaultText ?? spec.default;
          if (fallback !== undefined) expect(line).to.include(`default: ${fallback}`);
        }
        for (const variable of environmentOf(command)) expect(help).to.match(new RegExp(`^  ${variable} +\\S`, 'm'));
        expect(help).to.match(new RegExp(`^examples?:\\n  chartlake ${name}`, 'm'));
      });
    }
  });

  describe('misspellings', () => {
    it('a misspelt command suggests the closest one', () => {
      const { status, stderr, stdout } = chartlake(['qurey', 'SELECT 1']);
      expect(status).to.equal(2);
      expect(stdout).to.equal('');
      expect(stderr).to.include('unknown command "qurey"; did you mean "query"?');
      expect(chartlake(['tabels']).stderr).to.include('did you mean "tables"?');
      expect(chartlake(['xyzzy']).stderr).to.not.include('did you mean');
    });

    it('a misspelt option suggests the closest option of that command, with the usage line', () => {
      const { status, stderr } = chartlake(['quality', '--lak', work]);
      expect(status).to.equal(2);
      expect(stderr).to.include('unknown option --lak for chartlake quality; did you mean --lake?');
      expect(stderr).to.include('usage: chartlake quality [options]');
      expect(chartlake(['forecast', '--backtset']).stderr).to.include('did you mean --backtest?');
      expect(chartlake(['report', '--format', 'csv']).stderr).to.include('unknown option --format for chartlake report');
    });

    it('a bad choice names the allowed values and the closest one', () => {
      const { status, stderr } = chartlake(['runs', '--lake', work, '--format', 'jsno']);
      expect(status).to.equal(2);
      expect(stderr).to.include('--format must be table, csv or json, not "jsno"; did you mean json?');
    });

    it('an option without its value, or a switch with one, is explained', () => {
      expect(chartlake(['tables', '--lake']).stderr).to.include('--lake needs a value <dir | s3://bucket/prefix>');
      expect(chartlake(['query', '--lake', '--saved', 'x']).stderr).to.include('--lake needs a value');
      expect(chartlake(['tables', '--drift=yes']).stderr).to.include('--drift is a switch and takes no value');
    });

    it('edit distance counts a swap of two neighbours as one edit', () => {
      expect(editDistance('qurey', 'query')).to.equal(1);
      expect(editDistance('kitten', 'sitting')).to.equal(3);
      expect(closest('--frm', ['--from', '--to'])).to.equal('--from');
      expect(closest('banana', ['query', 'tables'])).to.equal(undefined);
    });
  });

  describe('input checks before any work', () => {
    it('a lake that does not exist is an error for every command that reads one, and nothing is created', () => {
      const missing = path.join(work, 'no-such-lake');
      for (const args of [['tables'], ['query', 'SELECT count(*) FROM chart_entries'], ['quality'], ['runs'], ['crawl'], ['report'], ['forecast'], ['gaps', '--from', '2023-01-01', '--to', '2023-02-01']]) {
        const { status, stdout, stderr } = chartlake([...args, '--lake', missing]);
        expect(status, `${args[0]}: ${stderr}`).to.equal(2);
        expect(stderr).to.include(`there is no lake at ${missing}`);
        expect(stderr).to.not.match(/Catalog Error|DuckDB/i);
        expect(stdout).to.not.include('ok');
        expect(existsSync(missing), `${args[0]} created the folder`).to.equal(false);
      }
    });

    it('the lake comes from CHARTLAKE_LAKE when --lake is absent, and the message says so', () => {
      const missing = path.join(work, 'env-lake');
      const { stderr } = chartlake(['quality'], { env: { CHARTLAKE_LAKE: missing } });
      expect(stderr).to.include(`there is no lake at ${missing} (from CHARTLAKE_LAKE, chartlake.config.json or the default ./lake`);
    });

    it('an empty folder is not a lake', () => {
      const empty = path.join(work, 'empty');
      mkdirSync(empty, { recursive: true });
      const { status, stderr } = chartlake(['tables', '--lake', empty]);
      expect(status).to.equal(2);
      expect(stderr).to.include(`${empty} holds no lake data yet`);
    });

    it('an unknown --chart names the charts the lake has', () => {
      const lake = fakeLake(path.join(work, 'two-charts'), ['regional-us-weekly', 'regional-de-weekly']);
      const { status, stderr } = chartlake(['quality', '--lake', lake, '--chart', 'regional-us-weeky']);
      expect(status).to.equal(2);
      expect(stderr).to.include('has no chart regional-us-weeky (did you mean regional-us-weekly?); it has regional-de-weekly, regional-us-weekly');
      expect(chartlake(['report', '--lake', lake, '--chart', 'regional-fr-weekly']).stderr).to.include('it has regional-de-weekly, regional-us-weekly');
    });

    it('--chart is looked up as the chart it names: a chart held only in quarantine counts, a path does not', () => {
      const lake = fakeLake(path.join(work, 'chart-lookup'), ['regional-us-weekly']);
      const quarantined = path.join(lake, 'quarantine', 'raw', 'charts-csv', 'regional-de-weekly', 'week=2023-01-05');
      mkdirSync(quarantined, { recursive: true });
      writeFileSync(path.join(quarantined, 'regional-de-weekly-2023-01-05.csv'), 'rank\n');
      expect(chartlake(['quality', '--lake', lake, '--chart', 'regional-de-weekly']).stderr).not.to.include('has no chart');
      // A name with a slash is no chart, even where it would lead to a chart's folder.
      const sideways = chartlake(['quality', '--lake', lake, '--chart', 'x/../../_lineage/chart=regional-us-weekly']);
      expect(sideways.status).to.equal(2);
      expect(sideways.stderr).to.include('has no chart x/../../_lineage/chart=regional-us-weekly; it has regional-de-weekly, regional-us-weekly');
    });

    it('report --out names a folder: a file name is explained, and --top must be a whole number', () => {
      const lake = fakeLake(path.join(work, 'report-out'), ['regional-us-weekly']);
      const asFile = chartlake(['report', '--lake', lake, '--out', 'us-2023.html']);
      expect(asFile.status).to.equal(2);
      expect(asFile.stderr).to.include('--out us-2023.html: the report is a folder of linked pages; give a folder (e.g. --out us-2023)');
      expect(chartlake(['report', '--lake', lake, '--top', 'all']).stderr).to.include('--top must be a whole number of at least 1, not "all"');
    });

    it('dates: not a date, not a day, --from after --to, a week that is not a Thursday', () => {
      const lake = fakeLake(path.join(work, 'dates'), ['regional-us-weekly']);
      const fresh = path.join(work, 'not-created');
      const cases: [string[], string][] = [
        [['gaps', '--lake', lake, '--from', '2023/01/05', '--to', '2023-02-01'], '--from 2023/01/05 is not a date: write it as YYYY-MM-DD'],
        [['gaps', '--lake', lake, '--from', '2023-02-30', '--to', '2023-03-01'], '--from 2023-02-30 is not a day of the calendar'],
        [['gaps', '--lake', lake, '--from', '2023-13-01', '--to', '2023-12-01'], 'there are 12 months'],
        [['quality', '--lake', lake, '--from', '2023-06-01', '--to', '2023-01-01'], '--from 2023-06-01 is after --to 2023-01-01'],
        [['run', '--lake', fresh, '--week', '2023-03-03'], '--week 2023-03-03 is a Friday, but chart weeks are dated on the Thursday that ends them: did you mean 2023-03-02?'],
        [['forecast', '--lake', lake, '--week', '2023-03-05'], 'is a Sunday'],
        [['demo', '--lake', fresh, '--weeks', 'many'], '--weeks must be a whole number of at least 1, not "many"'],
      ];
      for (const [args, message] of cases) {
        const { status, stderr } = chartlake(args);
        expect(status, args.join(' ')).to.equal(2);
        expect(stderr, args.join(' ')).to.include(message);
      }
      expect(existsSync(fresh)).to.equal(false);
    });

    it('arguments a command does not take, or needs, are explained', () => {
      expect(chartlake(['tables', 'extra']).stderr).to.include('chartlake tables takes no arguments, got "extra"');
      expect(chartlake(['import']).stderr).to.include('chartlake import needs <file|dir>');
    });
  });

  describe('configuration', () => {
    it('flags, then the environment, then chartlake.config.json, then defaults; secrets masked', () => {
      const cwd = path.join(work, 'config');
      mkdirSync(cwd, { recursive: true });
      writeFileSync(
        path.join(cwd, 'chartlake.config.json'),
        JSON.stringify({ lake: 'file-lake', chart: 'regional-fr-weekly', schedule: 'cron(0 6 ? * FRI *)', spotify: { apiMode: 'extended', clientId: 'file-client' } }),
      );
      const secret = 'very-secret-client-secret-1234';
      const token = 'charts-bearer-token-abcdefgh';
      const { status, stdout } = chartlake(['config', '--format', 'json', '--lake', 'flag-lake'], {
        cwd,
        env: { CHARTLAKE_LAKE: 'env-lake', CHARTLAKE_CHART: 'regional-de-weekly', SPOTIFY_CLIENT_SECRET: secret, CHARTLAKE_CHARTS_TOKEN: token, CHARTLAKE_SPOTIFY_BASE_URL: 'http://127.0.0.1:9' },
      });
      expect(status).to.equal(0);
      expect(stdout).to.not.include(secret);
      expect(stdout).to.not.include(token);
      const { settings, configFile } = JSON.parse(stdout) as { settings: { setting: string; value: string; source: string }[]; configFile: { path: string; found: boolean } };
      expect(configFile).to.deep.equal({ path: path.join(cwd, 'chartlake.config.json'), found: true });
      const by = Object.fromEntries(settings.map((row) => [row.setting, [row.value, row.source]]));
      expect(by).to.deep.include({
        lake: ['flag-lake', '--lake'],
        chart: ['regional-de-weekly', 'CHARTLAKE_CHART'],
        schedule: ['cron(0 6 ? * FRI *)', 'chartlake.config.json'],
        source: ['charts-service', 'default'],
        apiMode: ['extended', 'chartlake.config.json'],
        chartsBaseUrl: ['http://127.0.0.1:9', 'CHARTLAKE_SPOTIFY_BASE_URL'],
        clientId: ['file-client', 'chartlake.config.json'],
        clientSecret: ['******** (set)', 'SPOTIFY_CLIENT_SECRET'],
        chartsToken: ['******** (set)', 'CHARTLAKE_CHARTS_TOKEN'],
      });
      const table = chartlake(['config'], { cwd, env: { SPOTIFY_CLIENT_SECRET: secret } });
      expect(table.stdout).to.match(/^lake +file-lake +chartlake\.config\.json$/m);
      expect(table.stdout).to.match(/^clientSecret +\*{8} \(set\) +SPOTIFY_CLIENT_SECRET$/m);
      expect(table.stdout).to.not.include(secret);
    });

    it('the config file is used by every command (the lake of `tables` comes from it)', () => {
      const cwd = path.join(work, 'config-lake');
      mkdirSync(cwd, { recursive: true });
      writeFileSync(path.join(cwd, 'chartlake.config.json'), JSON.stringify({ lake: 'lake-from-file' }));
      const { stderr } = chartlake(['tables'], { cwd });
      expect(stderr).to.include(`there is no lake at ${path.join(cwd, 'lake-from-file')}`);
    });

    it('a config file with a secret, an unknown setting or bad JSON is refused, naming the file', () => {
      const cwd = path.join(work, 'config-bad');
      mkdirSync(cwd, { recursive: true });
      const file = path.join(cwd, 'chartlake.config.json');
      const cases: [string, string][] = [
        [JSON.stringify({ spotify: { clientSecret: 'x' } }), 'keep secrets out of the config file: set SPOTIFY_CLIENT_SECRET in the environment'],
        [JSON.stringify({ lakes: 'x' }), 'unknown setting "lakes"'],
        ['{"lake": ', 'is not valid JSON'],
      ];
      for (const [body, message] of cases) {
        writeFileSync(file, body);
        const { status, stderr } = chartlake(['config'], { cwd });
        expect(status).to.equal(1);
        expect(stderr).to.include(file);
        expect(stderr).to.include(message);
      }
    });
  });

  describe('start-up', () => {
    /** Runs the compiled CLI with every module request recorded: its outcome, and what it asked `require` for. */
    const traced = (args: string[]): Outcome & { loaded: string[] } => {
      const trace = path.join(work, 'trace.js');
      writeFileSync(
        trace,
        `const M = require('module'); const load = M._load; const seen = [];
         M._load = function (request) { seen.push(request); return load.apply(this, arguments); };
         process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify(seen)));`,
      );
      const result = spawnSync(process.execPath, ['-r', trace, BIN, ...args], { cwd: ROOT, encoding: 'utf8' });
      const at = result.stderr.indexOf('LOADED ');
      return { status: result.status, stdout: result.stdout, stderr: result.stderr.slice(0, at), loaded: JSON.parse(result.stderr.slice(at + 7)) as string[] };
    };
    const HEAVY = /^(got|vega|vega-lite|@aws-sdk\/|@pulumi\/)/;

    it('--help loads no dependency: no DuckDB, AWS SDK, vega, Pulumi or got', () => {
      const packages = traced(['--help']).loaded.filter((request) => !request.startsWith('.') && !request.startsWith('/') && !request.startsWith('node:'));
      expect(packages).to.deep.equal([]);
      expect(traced(['query', '--help']).loaded.filter((request) => HEAVY.test(request) || request.startsWith('@duckdb'))).to.deep.equal([]);
    });

    it('a query on a lake loads DuckDB only: no AWS SDK, vega, Pulumi, got or the sources layer', function () {
      this.timeout(120_000);
      requireShared(this);
      const lake = path.join(work, 'query-loads');
      const imported = chartlake(['import', path.join(US_2023, 'regional-us-weekly-2023-03-02.csv'), '--lake', lake]);
      expect(imported.status, imported.stderr).to.equal(0);
      const result = traced(['query', 'SELECT count(*) AS n FROM chart_entries', '--lake', lake, '--format', 'csv']);
      expect(result.status, result.stderr).to.equal(0);
      expect(result.stdout).to.include('200');
      expect(result.loaded).to.include('@duckdb/node-api');
      expect(result.loaded.filter((request) => HEAVY.test(request))).to.deep.equal([]);
      // nor the sources layer (Spotify and MusicBrainz clients): a query resolves the lake alone
      expect(result.loaded).to.not.include('../sources');
    });

    it('the build puts every file the code reads at run time (.sql) beside the compiled code', () => {
      const sources = walk(path.join(ROOT, 'src')).filter((file) => !file.endsWith('.ts'));
      expect(sources.length).to.be.greaterThan(30);
      for (const file of sources) expect(existsSync(path.join(ROOT, 'dist', 'src', file)), file).to.equal(true);
    });
  });
});

/** A folder that looks like a lake holding these charts (one lineage object each): enough for the checks. */
function fakeLake(dir: string, charts: string[]): string {
  for (const chart of charts) {
    const folder = path.join(dir, 'transformed', '_lineage', `chart=${chart}`, 'year=2023');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, 'part-0.parquet'), 'not read by the checks');
  }
  return dir;
}

function walk(dir: string, relative = ''): string[] {
  return readdirSync(path.join(dir, relative), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(relative, entry.name);
    return entry.isDirectory() ? walk(dir, rel) : [rel];
  });
}
