import { AthenaEngine } from '../query';

/**
 * `chartlake query --engine athena`: the deployed stack's workgroup and database, from the environment
 * (`pulumi stack output athenaWorkgroup` / `glueDatabase`); credentials and region come from the AWS SDK's usual chain.
 */
export function athenaEngineFromEnv(env: NodeJS.ProcessEnv = process.env): AthenaEngine {
  const workGroup = env.CHARTLAKE_ATHENA_WORKGROUP;
  const database = env.CHARTLAKE_ATHENA_DATABASE;
  if (!workGroup || !database) {
    throw new Error(
      '--engine athena needs CHARTLAKE_ATHENA_WORKGROUP and CHARTLAKE_ATHENA_DATABASE (see `pulumi stack output athenaWorkgroup` and `glueDatabase`) and AWS_REGION',
    );
  }
  return new AthenaEngine({ workGroup, database, region: env.AWS_REGION });
}
