import { ENV } from '../config';
import type { AthenaEngine } from '../query';

/**
 * `chartlake query --engine athena`: the deployed stack's workgroup and database, from the environment
 * (`pulumi stack output athenaWorkgroup` / `glueDatabase`); credentials and region come from the AWS SDK's usual chain.
 */
export function athenaEngineFromEnv(env: NodeJS.ProcessEnv = process.env): AthenaEngine {
  const workGroup = env[ENV.athenaWorkgroup];
  const database = env[ENV.athenaDatabase];
  if (!workGroup || !database) {
    throw new Error(
      `--engine athena needs ${ENV.athenaWorkgroup} and ${ENV.athenaDatabase} (see \`pulumi stack output athenaWorkgroup\` and \`glueDatabase\`) and AWS_REGION`,
    );
  }
  const { AthenaEngine: Engine } = require('../query') as typeof import('../query');
  return new Engine({ workGroup, database, region: env.AWS_REGION });
}
