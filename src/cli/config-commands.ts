import { displayValue, ENV, resolveConfig } from '../config';
import { stringOf, type Command } from './command';
import { formatOption, lakeOption, sourceOptions } from './options';

export const configCommands: Record<string, Command> = {
  config: {
    summary: 'print the resolved settings and where each comes from (flag, environment, config file, default); secrets masked',
    description:
      'Every command and the Lambdas resolve settings in one order: flags, then the environment, then chartlake.config.json\n' +
      `(in the current folder, or the file ${ENV.configFile} names), then the defaults. Secrets (${ENV.clientSecret},\n` +
      `${ENV.chartsToken}) come only from the environment and are never printed.`,
    options: {
      ...lakeOption('show'),
      chart: { type: 'string', value: '<alias>', description: 'the chart', defaultText: 'regional-global-weekly', env: ENV.chart },
      ...sourceOptions,
      ...formatOption(['table', 'json']),
    },
    env: [ENV.configFile, ENV.schedule, ENV.clientId, ENV.clientSecret, ENV.chartsToken, ENV.spotifyBaseUrl, ENV.chartsUrl, ENV.apiUrl, ENV.accountsUrl],
    examples: ['chartlake config', `${ENV.lake}=/data/lake chartlake config --format json`],
    lake: 'none',
    async run(values) {
      const resolved = resolveConfig({
        lake: stringOf(values, 'lake'),
        chart: stringOf(values, 'chart'),
        source: stringOf(values, 'source'),
        apiMode: stringOf(values, 'api-mode'),
      });
      const rows = resolved.settings.map((setting) => ({ setting: setting.name, value: displayValue(setting), source: setting.source }));
      if (values.format === 'json') {
        process.stdout.write(`${JSON.stringify({ configFile: resolved.file, settings: rows }, null, 2)}\n`);
        return 0;
      }
      const width = (key: 'setting' | 'value') => Math.max(key.length, ...rows.map((row) => row[key].length));
      const line = (row: { setting: string; value: string; source: string }) => `${row.setting.padEnd(width('setting'))}  ${row.value.padEnd(width('value'))}  ${row.source}`;
      process.stdout.write(`config file: ${resolved.file.path}${resolved.file.found ? '' : ' (not found)'}\n\n`);
      process.stdout.write(`${[line({ setting: 'setting', value: 'value', source: 'from' }), ...rows.map(line)].join('\n')}\n`);
      return 0;
    },
  },
};
