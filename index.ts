/**
 * The AWS stack (`pulumi up`): the lake bucket, the two Lambdas running the same handlers as the local pipeline
 * (the schedule drives the extract; object-created events reach the transform through SQS in batches), the Glue
 * catalog and crawler, alarms, and the Athena workgroup with the saved analyses. No pipeline logic lives here.
 */
import * as path from 'node:path';
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import {
  assumeRolePolicy,
  buildLambdaCode,
  codeVersion,
  CRAWLER_CONFIGURATION,
  CRAWLER_EXCLUSIONS,
  CRAWLER_SCHEDULE,
  crawlerPolicy,
  deadLetterQueuePolicy,
  ENV,
  extractPolicy,
  LAMBDA_RUNTIME,
  lambdaPackagePlan,
  objectCreatedQueuePolicy,
  RAW_SUFFIXES,
  readStackConfig,
  tlsOnlyBucketPolicy,
  TRANSFORM_MAX_RECEIVES,
  transformPolicy,
  type LambdaName,
} from './src/aws';
// The saved-analysis reader only (the query face would load DuckDB into the Pulumi program).
import { listSavedAnalyses } from './src/query/saved';

const config = readStackConfig();
const stack = pulumi.getStack();
const prefix = `chartlake-${stack}`;
const region = aws.config.region ?? 'us-east-1';
const account = aws.getCallerIdentityOutput().accountId;
const tags = { project: 'chartlake', stack, ...config.tags };

// The Lambdas' JavaScript (and their .sql files) under dist/lambda; each function's zip is listed by lambdaCode.
if (path.relative(process.cwd(), __dirname) !== '') throw new Error('run pulumi from the chartlake folder (Lambda code paths are relative to it)');
buildLambdaCode(__dirname);
/** package.json version + git commit, recorded in every week's lineage. */
const CODE_VERSION = codeVersion(__dirname);

/** One function's zip: `__index.js`, dist/lambda and exactly the node_modules it loads (DuckDB's Linux binding for the transform). */
function lambdaCode(name: LambdaName): pulumi.asset.AssetArchive {
  const plan = lambdaPackagePlan(__dirname, name, { root: __dirname, architecture: config.lambdaArchitecture });
  const folders = Object.entries(plan.folders).map(([zipPath, dir]) => [zipPath, new pulumi.asset.FileArchive(dir)] as const);
  return new pulumi.asset.AssetArchive({ '__index.js': new pulumi.asset.StringAsset(plan.index), ...Object.fromEntries(folders) });
}

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
// Old versions of replaced partitions, cache segments, locks and cleared quarantine reports are noise after a
// while; raw versions are kept. A lock lives minutes: one left by a killed run goes after a day. Delete markers
// with no version left behind them are removed.
new aws.s3.BucketLifecycleConfiguration(`${prefix}-lake-noncurrent`, {
  bucket: lake.id,
  rules: [
    { id: 'transformed-noncurrent', status: 'Enabled', filter: { prefix: 'transformed/' }, noncurrentVersionExpiration: { noncurrentDays: 30 } },
    { id: 'cache-noncurrent', status: 'Enabled', filter: { prefix: 'cache/' }, noncurrentVersionExpiration: { noncurrentDays: 7 } },
    { id: 'locks', status: 'Enabled', filter: { prefix: 'locks/' }, expiration: { days: 1 }, noncurrentVersionExpiration: { noncurrentDays: 1 } },
    { id: 'quarantine-noncurrent', status: 'Enabled', filter: { prefix: 'quarantine/' }, noncurrentVersionExpiration: { noncurrentDays: 30 } },
    {
      id: 'expired-delete-markers',
      status: 'Enabled',
      filter: { prefix: '' },
      expiration: { expiredObjectDeleteMarker: true },
      abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
    },
  ],
});

// ---------------------------------------------------------------- Glue: catalog database and crawler over transformed/
const database = new aws.glue.CatalogDatabase(`${prefix}-db`, {
  name: `chartlake_${stack.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`,
  description: 'chartlake: Spotify weekly charts (chart_entries, tracks, track_artists, albums, artists)',
  tags,
});
const crawlerRole = new aws.iam.Role(`${prefix}-crawler`, { assumeRolePolicy: JSON.stringify(assumeRolePolicy('glue.amazonaws.com')), tags });
// Scoped to this database, transformed/ and the crawlers' log group (not the AWSGlueServiceRole managed policy).
new aws.iam.RolePolicy(`${prefix}-crawler-policy`, {
  role: crawlerRole.id,
  policy: pulumi.all([lake.arn, database.name, account]).apply(([lakeArn, databaseName, accountId]) =>
    JSON.stringify(crawlerPolicy({ lakeArn, region, account: accountId, database: databaseName })),
  ),
});
const crawler = new aws.glue.Crawler(`${prefix}-crawler`, {
  name: `${prefix}-transformed`,
  databaseName: database.name,
  role: crawlerRole.arn,
  s3Targets: [{ path: pulumi.interpolate`s3://${lake.bucket}/transformed/`, exclusions: CRAWLER_EXCLUSIONS }],
  schemaChangePolicy: { updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' },
  recrawlPolicy: { recrawlBehavior: 'CRAWL_EVERYTHING' },
  configuration: JSON.stringify(CRAWLER_CONFIGURATION),
  // Partitions are registered by the transform as it writes (src/aws/partitions.ts); this weekly crawl follows
  // schema changes (a new column) and is the backstop for anything registered otherwise.
  schedule: CRAWLER_SCHEDULE,
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

// ---------------------------------------------------------------- Dead letters, alarms, the object-created queue
const deadLetters = new aws.sqs.Queue(`${prefix}-dead-letters`, { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true, tags });

const alarms = new aws.sns.Topic(`${prefix}-alarms`, { name: `${prefix}-alarms`, tags });
if (config.alarmEmail) {
  // AWS e-mails a confirmation link first; alarms arrive once it is clicked.
  new aws.sns.TopicSubscription(`${prefix}-alarms-email`, { topic: alarms.arn, protocol: 'email', endpoint: config.alarmEmail });
}
new aws.cloudwatch.MetricAlarm(`${prefix}-dead-letters-alarm`, {
  name: `${prefix}-dead-letters`,
  alarmDescription: 'chartlake: a run failed for good (extract retries exhausted, or a raw object the transform could not process); see the message in the dead-letter queue',
  namespace: 'AWS/SQS',
  metricName: 'ApproximateNumberOfMessagesVisible',
  dimensions: { QueueName: deadLetters.name },
  statistic: 'Maximum',
  period: 300,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  alarmActions: [alarms.arn],
  okActions: [alarms.arn],
  tags,
});

// Each message of this queue is one S3 object-created notification of raw/; the transform takes them in batches.
const rawCreated = new aws.sqs.Queue(`${prefix}-raw-created`, {
  // AWS's advice for a Lambda event source: at least six times the function's timeout.
  visibilityTimeoutSeconds: 6 * config.transformTimeoutSeconds,
  messageRetentionSeconds: 4 * 24 * 3600,
  sqsManagedSseEnabled: true,
  redrivePolicy: deadLetters.arn.apply((deadLetterTargetArn) => JSON.stringify({ deadLetterTargetArn, maxReceiveCount: TRANSFORM_MAX_RECEIVES })),
  tags,
});
const rawCreatedPolicy = new aws.sqs.QueuePolicy(`${prefix}-raw-created-policy`, {
  queueUrl: rawCreated.url,
  policy: pulumi.all([rawCreated.arn, lake.arn, account]).apply(([queueArn, bucketArn, accountId]) =>
    JSON.stringify(objectCreatedQueuePolicy({ queueArn, bucketArn, account: accountId })),
  ),
});

// ---------------------------------------------------------------- The Spotify client secret (Secrets Manager, never an environment variable)
const spotifySecret = config.spotifyClientSecret
  ? new aws.secretsmanager.Secret(`${prefix}-spotify-client-secret`, {
      description: 'chartlake: the Spotify app client secret, read by the extract Lambda (rotate with put-secret-value; no redeploy)',
      recoveryWindowInDays: 7,
      tags,
    })
  : undefined;
if (spotifySecret && config.spotifyClientSecret) {
  new aws.secretsmanager.SecretVersion(`${prefix}-spotify-client-secret-value`, { secretId: spotifySecret.id, secretString: config.spotifyClientSecret });
}

// ---------------------------------------------------------------- Logs and roles
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
  pulumi.all([lake.arn, extractLogs.arn, deadLetters.arn, spotifySecret?.arn]).apply(([lakeArn, logGroupArn, deadLetterArn, secretArn]) =>
    JSON.stringify(extractPolicy({ lakeArn, logGroupArn, deadLetterArn, secretArn })),
  ),
);
const transformRole = lambdaRole(
  transformName,
  pulumi.all([lake.arn, crawler.arn, transformLogs.arn, rawCreated.arn, database.name, account]).apply(
    ([lakeArn, crawlerArn, logGroupArn, queueArn, databaseName, accountId]) =>
      JSON.stringify(transformPolicy({ lakeArn, crawlerArn, logGroupArn, queueArn, region, account: accountId, database: databaseName })),
  ),
);

// A week that never arrives: the extract logs "week overdue" on every run past the deadline.
const overdue = new aws.cloudwatch.LogMetricFilter(`${prefix}-week-overdue`, {
  logGroupName: extractLogs.name,
  pattern: '{ $.message = "week overdue" }',
  metricTransformation: { name: 'WeekOverdue', namespace: 'chartlake', value: '1', unit: 'Count' },
});
new aws.cloudwatch.MetricAlarm(`${prefix}-week-overdue-alarm`, {
  name: `${prefix}-week-overdue`,
  alarmDescription: 'chartlake: the due chart week is still not published days after it ended; check charts.spotify.com, import its CSV if it exists',
  namespace: 'chartlake',
  metricName: overdue.metricTransformation.name,
  statistic: 'Sum',
  period: 3600,
  evaluationPeriods: 1,
  threshold: 0,
  comparisonOperator: 'GreaterThanThreshold',
  treatMissingData: 'notBreaching',
  alarmActions: [alarms.arn],
  tags,
});

// ---------------------------------------------------------------- Lambdas: one-line handlers into the compiled code
/** Both functions: HOME and every scratch file on /tmp (the only writable folder), the code version in lineage. */
const common = { [ENV.lakeBucket]: lake.bucket, HOME: '/tmp', [ENV.tmp]: '/tmp', CHARTLAKE_CODE_VERSION: CODE_VERSION };

const extractEnvironment: Record<string, pulumi.Input<string>> = {
  ...common,
  [ENV.source]: config.spotifySource,
  [ENV.apiMode]: config.spotifyApiMode,
  ...(config.spotifyClientId ? { [ENV.clientId]: config.spotifyClientId } : {}),
  // Only the secret's ARN: the value is read from Secrets Manager at cold start (and re-read when rotated).
  ...(spotifySecret ? { [ENV.clientSecretArn]: spotifySecret.arn } : {}),
};

const extractFunction = new aws.lambda.Function(
  extractName,
  {
    name: extractName,
    description: 'chartlake extract: fetch the due Spotify chart week and write raw/ (handleExtract)',
    code: lambdaCode('extract'),
    handler: '__index.handler',
    runtime: LAMBDA_RUNTIME,
    architectures: [config.lambdaArchitecture],
    role: extractRole.arn,
    memorySize: config.extractMemoryMb,
    timeout: config.extractTimeoutSeconds,
    environment: { variables: extractEnvironment },
    loggingConfig: { logFormat: 'Text', logGroup: extractLogs.name },
    tags,
  },
  { dependsOn: [extractLogs] },
);

const transformFunction = new aws.lambda.Function(
  transformName,
  {
    name: transformName,
    description: 'chartlake transform: a batch of raw objects → Parquet in transformed/ with DuckDB (handleTransform), partitions registered in Glue',
    code: lambdaCode('transform'),
    handler: '__index.handler',
    runtime: LAMBDA_RUNTIME,
    architectures: [config.lambdaArchitecture],
    role: transformRole.arn,
    memorySize: config.transformMemoryMb,
    timeout: config.transformTimeoutSeconds,
    ephemeralStorage: { size: 2048 },
    environment: { variables: { ...common, [ENV.crawlerName]: crawler.name, [ENV.glueDatabase]: database.name } },
    loggingConfig: { logFormat: 'Text', logGroup: transformLogs.name },
    tags,
  },
  { dependsOn: [transformLogs] },
);

// Failed scheduled extracts are retried, then recorded in the dead-letter queue (and its alarm).
new aws.lambda.FunctionEventInvokeConfig(`${extractName}-async`, {
  functionName: extractFunction.name,
  maximumRetryAttempts: config.retryAttempts,
  maximumEventAgeInSeconds: 6 * 3600,
  destinationConfig: { onFailure: { destination: deadLetters.arn } },
});

// ---------------------------------------------------------------- Triggers: the weekly schedule and raw/ object-created events
const schedule = new aws.cloudwatch.EventRule(`${prefix}-weekly`, {
  description: 'chartlake: extract the due chart week, every 3 hours from Friday to Tuesday until Spotify has published it',
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

new aws.s3.BucketNotification(
  `${prefix}-raw-created`,
  {
    bucket: lake.id,
    queues: RAW_SUFFIXES.map((suffix) => ({
      id: `raw-created${suffix.replace('.', '-')}`,
      queueArn: rawCreated.arn,
      events: ['s3:ObjectCreated:*'],
      filterPrefix: 'raw/',
      filterSuffix: suffix,
    })),
  },
  { dependsOn: [rawCreatedPolicy] },
);
new aws.lambda.EventSourceMapping(`${prefix}-raw-created-batches`, {
  eventSourceArn: rawCreated.arn,
  functionName: transformFunction.arn,
  batchSize: config.transformBatchSize,
  maximumBatchingWindowInSeconds: config.transformBatchWindowSeconds,
  functionResponseTypes: ['ReportBatchItemFailures'],
  // Two batches at a time at most: DuckDB is memory-bound, and a backfill needs throughput, not fan-out.
  scalingConfig: { maximumConcurrency: 2 },
});

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
export const rawCreatedQueueUrl = rawCreated.url;
export const alarmTopicArn = alarms.arn;
export const lambdaCodeVersion = CODE_VERSION;
export const athenaConsoleUrl = `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor`;
