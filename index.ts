/**
 * The AWS stack (`pulumi up`): the lake bucket, the two Lambdas running the same handlers as the local pipeline,
 * the Glue catalog and crawler, and the Athena workgroup with the saved analyses. No pipeline logic lives here.
 */
import * as path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  buildLambdaCode,
  EXTRACT_ENTRY,
  LAMBDA_CODE_PATH_OPTIONS,
  TRANSFORM_ENTRY,
} from './src/aws/lambda-package';
import { ENV } from './src/aws/lambda/environment';
import {
  assumeRolePolicy,
  crawlerS3Policy,
  deadLetterQueuePolicy,
  extractPolicy,
  GLUE_SERVICE_ROLE_POLICY_ARN,
  tlsOnlyBucketPolicy,
  transformPolicy,
} from './src/aws/policies';
import { CRAWLER_CONFIGURATION, CRAWLER_EXCLUSIONS, RAW_SUFFIXES } from './src/aws/layout';
import { readStackConfig } from './src/aws/stack-config';
import { listSavedAnalyses } from './src/query/saved';

const config = readStackConfig();
const stack = pulumi.getStack();
const prefix = `chartlake-${stack}`;
const region = aws.config.region ?? 'us-east-1';
const tags = { project: 'chartlake', stack, ...config.tags };

// The Lambdas' JavaScript (and their .sql files) under dist/lambda, packaged by the CallbackFunctions below.
if (path.relative(process.cwd(), __dirname) !== '') throw new Error('run pulumi from the chartlake folder (Lambda code paths are relative to it)');
buildLambdaCode(__dirname);

// ---------------------------------------------------------------- S3: the lake (raw/, transformed/) and Athena results
function privateBucket(name: string, versioned: boolean): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(name, { forceDestroy: false, tags });
  new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });
  new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-encryption`, {
    bucket: bucket.id,
    rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }],
  });
  new aws.s3.BucketPolicy(`${name}-tls-only`, {
    bucket: bucket.id,
    policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))),
  });
  if (versioned) {
    // Raw objects are never modified; versioning keeps them even from a mistaken delete or overwrite.
    new aws.s3.BucketVersioning(`${name}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: 'Enabled' } });
  }
  return bucket;
}

const lake = privateBucket(`${prefix}-lake`, true);
const results = privateBucket(`${prefix}-athena-results`, false);
new aws.s3.BucketLifecycleConfiguration(`${prefix}-athena-results-expiry`, {
  bucket: results.id,
  rules: [{ id: 'expire-query-results', status: 'Enabled', filter: { prefix: '' }, expiration: { days: config.athenaResultsDays } }],
});
// Old versions of replaced partitions and cache segments are noise after a while; raw versions are kept.
new aws.s3.BucketLifecycleConfiguration(`${prefix}-lake-noncurrent`, {
  bucket: lake.id,
  rules: [
    { id: 'transformed-noncurrent', status: 'Enabled', filter: { prefix: 'transformed/' }, noncurrentVersionExpiration: { noncurrentDays: 30 } },
    { id: 'cache-noncurrent', status: 'Enabled', filter: { prefix: 'cache/' }, noncurrentVersionExpiration: { noncurrentDays: 7 } },
  ],
});

// ---------------------------------------------------------------- Glue: catalog database and crawler over transformed/
const database = new aws.glue.CatalogDatabase(`${prefix}-db`, {
  name: `chartlake_${stack.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`,
  description: 'chartlake: Spotify weekly charts (chart_entries, tracks, track_artists, albums, artists)',
  tags,
});
const crawlerRole = new aws.iam.Role(`${prefix}-crawler`, { assumeRolePolicy: JSON.stringify(assumeRolePolicy('glue.amazonaws.com')), tags });
new aws.iam.RolePolicyAttachment(`${prefix}-crawler-glue`, { role: crawlerRole.name, policyArn: GLUE_SERVICE_ROLE_POLICY_ARN });
new aws.iam.RolePolicy(`${prefix}-crawler-s3`, {
  role: crawlerRole.id,
  policy: lake.arn.apply((lakeArn) => JSON.stringify(crawlerS3Policy({ lakeArn }))),
});
const crawler = new aws.glue.Crawler(`${prefix}-crawler`, {
  name: `${prefix}-transformed`,
  databaseName: database.name,
  role: crawlerRole.arn,
  s3Targets: [{ path: pulumi.interpolate`s3://${lake.bucket}/transformed/`, exclusions: CRAWLER_EXCLUSIONS }],
  schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
  recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
  configuration: JSON.stringify(CRAWLER_CONFIGURATION),
  tags,
});

// ---------------------------------------------------------------- Athena: workgroup and one named query per saved analysis
const resultsLocation = pulumi.interpolate`s3://${results.bucket}/results/`;
const workgroup = new aws.athena.Workgroup(`${prefix}-workgroup`, {
  name: prefix,
  forceDestroy: true,
  configuration: {
    enforceWorkgroupConfiguration: true,
    publishCloudwatchMetricsEnabled: true,
    bytesScannedCutoffPerQuery: config.bytesScannedCutoffMb * 1024 * 1024,
    engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
    resultConfiguration: { outputLocation: resultsLocation, encryptionConfiguration: { encryptionOption: 'SSE_S3' } },
  },
  tags,
});
const namedQueries = listSavedAnalyses().map(
  (analysis) =>
    new aws.athena.NamedQuery(`${prefix}-${analysis.name}`, {
      name: analysis.name,
      description: `${analysis.title} (parameters: ${analysis.parameters.map((p) => `${p.name} ${p.type}`).join(', ')})`.slice(0, 1024),
      database: database.name,
      workgroup: workgroup.name,
      query: analysis.sql,
    }),
);

// ---------------------------------------------------------------- Dead letters, logs, roles
const deadLetters = new aws.sqs.Queue(`${prefix}-dead-letters`, { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true, tags });

function lambdaLogGroup(fn: string): aws.cloudwatch.LogGroup {
  return new aws.cloudwatch.LogGroup(`${fn}-logs`, { name: `/aws/lambda/${fn}`, retentionInDays: config.logRetentionDays, tags });
}
function lambdaRole(fn: string, policy: pulumi.Output<string>): aws.iam.Role {
  const role = new aws.iam.Role(`${fn}-role`, { assumeRolePolicy: JSON.stringify(assumeRolePolicy('lambda.amazonaws.com')), tags });
  new aws.iam.RolePolicy(`${fn}-policy`, { role: role.id, policy });
  return role;
}

const extractName = `${prefix}-extract`;
const transformName = `${prefix}-transform`;
const extractLogs = lambdaLogGroup(extractName);
const transformLogs = lambdaLogGroup(transformName);
const extractRole = lambdaRole(
  extractName,
  pulumi.all([lake.arn, extractLogs.arn, deadLetters.arn]).apply(([lakeArn, logGroupArn, deadLetterArn]) =>
    JSON.stringify(extractPolicy({ lakeArn, logGroupArn, deadLetterArn })),
  ),
);
const transformRole = lambdaRole(
  transformName,
  pulumi.all([lake.arn, crawler.arn, transformLogs.arn, deadLetters.arn]).apply(([lakeArn, crawlerArn, logGroupArn, deadLetterArn]) =>
    JSON.stringify(transformPolicy({ lakeArn, crawlerArn, logGroupArn, deadLetterArn })),
  ),
);

// ---------------------------------------------------------------- Lambdas: one-line callbacks into the compiled handlers
// Plain strings captured by the callbacks (capturing the imported module instead would serialize all of it).
const extractEntry: string = EXTRACT_ENTRY;
const transformEntry: string = TRANSFORM_ENTRY;
/** Both functions: HOME and every scratch file on /tmp (the only writable folder), the code version in lineage. */
const common = { [ENV.lakeBucket]: lake.bucket, HOME: '/tmp', [ENV.tmp]: '/tmp', CHARTLAKE_CODE_VERSION: `chartlake@${stack}` };

const extractEnvironment: Record<string, pulumi.Input<string>> = {
  ...common,
  [ENV.source]: config.spotifySource,
  [ENV.apiMode]: config.spotifyApiMode,
  ...(config.spotifyClientId ? { [ENV.clientId]: config.spotifyClientId } : {}),
  // Secret config stays a secret Output: encrypted in the state, and at rest by Lambda (KMS); never an output.
  ...(config.spotifyClientSecret ? { [ENV.clientSecret]: config.spotifyClientSecret } : {}),
  ...(config.spotifyChartsToken ? { [ENV.chartsToken]: config.spotifyChartsToken } : {}),
};

const extractFunction = new aws.lambda.CallbackFunction(
  extractName,
  {
    name: extractName,
    description: 'chartlake extract: fetch one Spotify chart week and write raw/ (handleExtract)',
    // The serialized body stays one line: the handler module ships compiled under dist/lambda.
    callback: async (event: unknown) => require(extractEntry).handler(event),
    codePathOptions: LAMBDA_CODE_PATH_OPTIONS,
    runtime: aws.lambda.Runtime.NodeJS22dX,
    role: extractRole.arn,
    memorySize: config.extractMemoryMb,
    timeout: config.extractTimeoutSeconds,
    environment: { variables: extractEnvironment },
    loggingConfig: { logFormat: 'Text', logGroup: extractLogs.name },
    tags,
  },
  { dependsOn: [extractLogs] },
);

const transformFunction = new aws.lambda.CallbackFunction(
  transformName,
  {
    name: transformName,
    description: 'chartlake transform: raw object → Parquet partitions in transformed/ with DuckDB (handleTransform), then the crawler',
    callback: async (event: unknown) => require(transformEntry).handler(event),
    codePathOptions: LAMBDA_CODE_PATH_OPTIONS,
    runtime: aws.lambda.Runtime.NodeJS22dX,
    role: transformRole.arn,
    memorySize: config.transformMemoryMb,
    timeout: config.transformTimeoutSeconds,
    ephemeralStorage: { size: 2048 },
    environment: { variables: { ...common, [ENV.crawlerName]: crawler.name } },
    loggingConfig: { logFormat: 'Text', logGroup: transformLogs.name },
    tags,
  },
  { dependsOn: [transformLogs] },
);

// Failed asynchronous invocations (schedule and S3 events) are retried, then recorded in the dead-letter queue.
for (const [name, fn] of [[extractName, extractFunction], [transformName, transformFunction]] as const) {
  new aws.lambda.FunctionEventInvokeConfig(`${name}-async`, {
    functionName: fn.name,
    maximumRetryAttempts: config.retryAttempts,
    maximumEventAgeInSeconds: 6 * 3600,
    destinationConfig: { onFailure: { destination: deadLetters.arn } },
  });
}

// ---------------------------------------------------------------- Triggers: the weekly schedule and raw/ object-created events
const schedule = new aws.cloudwatch.EventRule(`${prefix}-weekly`, {
  description: 'chartlake: extract the weekly chart once Spotify has published it',
  scheduleExpression: config.schedule,
  tags,
});
config.charts.forEach((chart, index) => {
  new aws.cloudwatch.EventTarget(`${prefix}-weekly-${index}`, {
    rule: schedule.name,
    arn: extractFunction.arn,
    input: JSON.stringify({ chart }),
    retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 6 * 3600 },
    deadLetterConfig: { arn: deadLetters.arn },
  });
});
new aws.lambda.Permission(`${prefix}-weekly-invoke`, {
  action: 'lambda:InvokeFunction',
  function: extractFunction.name,
  principal: 'events.amazonaws.com',
  sourceArn: schedule.arn,
});
new aws.sqs.QueuePolicy(`${prefix}-dead-letters-policy`, {
  queueUrl: deadLetters.url,
  policy: pulumi.all([deadLetters.arn, schedule.arn]).apply(([queueArn, ruleArn]) => JSON.stringify(deadLetterQueuePolicy({ queueArn, ruleArn }))),
});

const s3Invoke = new aws.lambda.Permission(`${prefix}-raw-created-invoke`, {
  action: 'lambda:InvokeFunction',
  function: transformFunction.name,
  principal: 's3.amazonaws.com',
  sourceArn: lake.arn,
  sourceAccount: aws.getCallerIdentityOutput().accountId,
});
new aws.s3.BucketNotification(
  `${prefix}-raw-created`,
  {
    bucket: lake.id,
    lambdaFunctions: RAW_SUFFIXES.map((suffix) => ({
      id: `raw-created${suffix.replace('.', '-')}`,
      lambdaFunctionArn: transformFunction.arn,
      events: ['s3:ObjectCreated:*'],
      filterPrefix: 'raw/',
      filterSuffix: suffix,
    })),
  },
  { dependsOn: [s3Invoke] },
);

// ---------------------------------------------------------------- Outputs (no secret among them)
export const lakeBucket = lake.bucket;
export const resultsBucket = results.bucket;
export const glueDatabase = database.name;
export const crawlerName = crawler.name;
export const athenaWorkgroup = workgroup.name;
export const athenaResultsLocation = resultsLocation;
export const namedQueryIds = pulumi
  .all(namedQueries.map((query) => pulumi.all([query.name, query.id])))
  .apply((pairs) => Object.fromEntries(pairs));
export const extractFunctionName = extractFunction.name;
export const transformFunctionName = transformFunction.name;
export const deadLetterQueueUrl = deadLetters.url;
export const athenaConsoleUrl = `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor`;
