import { expect } from 'chai';
import * as aws from '@pulumi/aws';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listSavedAnalyses } from '../../src/query';
import type { PolicyDocument } from '../../src/aws';
import { HOST_ARCHITECTURE, loadStack, named, ofType, TEST_ALARM_EMAIL, TEST_CLIENT_SECRET, TEST_REGION, type LoadedStack } from './stack-harness';

// Pulumi's wire format marks a secret value with this signature key and value.
const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';

const policyOf = (value: unknown): PolicyDocument => JSON.parse(value as string) as PolicyDocument;
const actionsOn = (policy: PolicyDocument) =>
  policy.Statement.map((s) => ({ actions: [...s.Action].sort(), resources: s.Resource, ...(s.Condition ? { condition: s.Condition } : {}) }));

describe('the Pulumi program (index.ts) under mocks', () => {
  let stack: LoadedStack;
  before(async () => {
    stack = await loadStack();
  });

  it('declares a lake bucket and an Athena results bucket, both private, encrypted and TLS-only', () => {
    const buckets = ofType(stack, 'aws:s3/bucket:Bucket').map((b) => b.name).sort();
    expect(buckets).to.deep.equal(['chartlake-unit-athena-results', 'chartlake-unit-lake']);
    for (const bucket of buckets) {
      const block = named(stack, 'aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock', `${bucket}-public-access`).inputs;
      expect(block).to.include({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      const sse = named(stack, 'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration', `${bucket}-encryption`).inputs;
      expect(sse.rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' }, bucketKeyEnabled: true }]);
      const policy = policyOf(named(stack, 'aws:s3/bucketPolicy:BucketPolicy', `${bucket}-tls-only`).inputs.policy);
      expect(policy.Statement).to.deep.equal([
        {
          Sid: 'DenyInsecureTransport',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: ['s3:*'],
          Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ]);
    }
  });

  it('versions the lake (raw zone) and expires Athena results', () => {
    const versioning = ofType(stack, 'aws:s3/bucketVersioning:BucketVersioning');
    expect(versioning.map((v) => [v.name, v.inputs.versioningConfiguration])).to.deep.equal([['chartlake-unit-lake-versioning', { status: 'Enabled' }]]);
    const expiry = named(stack, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', '-athena-results-expiry').inputs;
    expect(expiry.bucket).to.equal('chartlake-unit-athena-results-id');
    expect((expiry.rules as { expiration: unknown; status: string }[])[0]).to.deep.include({ status: 'Enabled', expiration: { days: 7 } });
  });

  it('schedules the extract every 3 hours from Friday to Tuesday, one target per configured chart, with retries and a dead letter queue', () => {
    const rule = named(stack, 'aws:cloudwatch/eventRule:EventRule', '-weekly').inputs;
    expect(rule.scheduleExpression).to.equal('cron(0 0/3 ? * FRI,SAT,SUN,MON,TUE *)');
    const targets = ofType(stack, 'aws:cloudwatch/eventTarget:EventTarget');
    expect(targets.map((t) => JSON.parse(t.inputs.input as string))).to.deep.equal([{ chart: 'regional-global-weekly' }, { chart: 'regional-us-weekly' }]);
    const queueArn = `arn:aws:sqs:${TEST_REGION}:123456789012:chartlake-unit-dead-letters`;
    for (const target of targets) {
      expect(target.inputs.arn).to.equal(`arn:aws:lambda:${TEST_REGION}:123456789012:function:chartlake-unit-extract`);
      expect(target.inputs.retryPolicy).to.deep.equal({ maximumRetryAttempts: 8, maximumEventAgeInSeconds: 21600 });
      expect(target.inputs.deadLetterConfig).to.deep.equal({ arn: queueArn });
    }
    const asyncConfigs = ofType(stack, 'aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig');
    expect(asyncConfigs.map((c) => [c.inputs.functionName, c.inputs.maximumRetryAttempts, c.inputs.destinationConfig]).sort()).to.deep.equal([
      ['chartlake-unit-extract', 2, { onFailure: { destination: queueArn } }],
    ]);
    const queuePolicy = policyOf(named(stack, 'aws:sqs/queuePolicy:QueuePolicy', '-dead-letters-policy').inputs.policy);
    expect(queuePolicy.Statement[0].Condition).to.deep.equal({ ArnEquals: { 'aws:SourceArn': `arn:aws:events:${TEST_REGION}:123456789012:rule/chartlake-unit-weekly` } });
    const invoke = named(stack, 'aws:lambda/permission:Permission', '-weekly-invoke').inputs;
    expect(invoke).to.include({ principal: 'events.amazonaws.com', function: 'chartlake-unit-extract' });
  });

  it('runs both Lambdas on nodejs24.x (the newest runtime @pulumi/aws offers), on the configured architecture, memory and timeout from config, HOME and scratch on /tmp, logs with retention', () => {
    const extract = named(stack, 'aws:lambda/function:Function', '-extract').inputs;
    const transform = named(stack, 'aws:lambda/function:Function', '-transform').inputs;
    const newest = Object.values(aws.lambda.Runtime).filter((r) => /^nodejs\d+\.x$/.test(r)).sort((a, b) => parseInt(a.slice(6)) - parseInt(b.slice(6))).pop();
    expect(newest).to.equal('nodejs24.x');
    expect([extract.runtime, extract.memorySize, extract.timeout, extract.handler, extract.architectures]).to.deep.equal([newest, 512, 300, '__index.handler', [HOST_ARCHITECTURE]]);
    expect([transform.runtime, transform.memorySize, transform.timeout, transform.architectures]).to.deep.equal([newest, 3008, 300, [HOST_ARCHITECTURE]]);
    const env = (transform.environment as { variables: Record<string, string> }).variables;
    expect(env).to.include({
      HOME: '/tmp',
      CHARTLAKE_TMP: '/tmp',
      CHARTLAKE_LAKE_BUCKET: 'chartlake-unit-lake',
      CHARTLAKE_CRAWLER_NAME: 'chartlake-unit-transformed',
      CHARTLAKE_GLUE_DATABASE: 'chartlake_unit',
    });
    // Lineage records the code version: package.json's version and the git commit of the build.
    const version = (JSON.parse(readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8')) as { version: string }).version;
    expect(env.CHARTLAKE_CODE_VERSION).to.match(new RegExp(`^chartlake@${version.replace(/\./g, '\\.')}\\+[0-9a-f]{12}(\\.dirty)?$`));
    expect((extract.environment as { variables: Record<string, string> }).variables.CHARTLAKE_CODE_VERSION).to.equal(env.CHARTLAKE_CODE_VERSION);
    expect(env).not.to.have.property('CHARTLAKE_S3_ENDPOINT');
    for (const fn of ['extract', 'transform']) {
      const logs = named(stack, 'aws:cloudwatch/logGroup:LogGroup', `-${fn}-logs`).inputs;
      expect(logs).to.include({ name: `/aws/lambda/chartlake-unit-${fn}`, retentionInDays: 30 });
      expect(named(stack, 'aws:lambda/function:Function', `-${fn}`).inputs.loggingConfig).to.deep.include({ logGroup: `/aws/lambda/chartlake-unit-${fn}` });
    }
  });

  it('sends object-created events of raw/*.json and raw/*.csv through a queue to the transform, in batches, partial failures reported, dead letters redriven', () => {
    const queueArn = `arn:aws:sqs:${TEST_REGION}:123456789012:chartlake-unit-raw-created`;
    const notification = named(stack, 'aws:s3/bucketNotification:BucketNotification', '-raw-created').inputs;
    expect(notification.bucket).to.equal('chartlake-unit-lake-id');
    expect(notification).not.to.have.property('lambdaFunctions');
    const rules = notification.queues as Record<string, unknown>[];
    expect(rules.map((r) => [r.filterPrefix, r.filterSuffix, r.events, r.queueArn])).to.deep.equal([
      ['raw/', '.json', ['s3:ObjectCreated:*'], queueArn],
      ['raw/', '.csv', ['s3:ObjectCreated:*'], queueArn],
    ]);
    const queue = named(stack, 'aws:sqs/queue:Queue', '-raw-created').inputs;
    // Visibility at least 6x the function timeout (AWS's advice), so a running batch is never handed out twice.
    expect(queue.visibilityTimeoutSeconds).to.equal(6 * 300);
    expect(JSON.parse(queue.redrivePolicy as string)).to.deep.equal({
      deadLetterTargetArn: `arn:aws:sqs:${TEST_REGION}:123456789012:chartlake-unit-dead-letters`,
      maxReceiveCount: 5,
    });
    const queuePolicy = policyOf(named(stack, 'aws:sqs/queuePolicy:QueuePolicy', '-raw-created-policy').inputs.policy);
    expect(queuePolicy.Statement).to.deep.equal([
      {
        Sid: 'LakeObjectCreated',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: ['sqs:SendMessage'],
        Resource: [queueArn],
        Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::chartlake-unit-lake' }, StringEquals: { 'aws:SourceAccount': '123456789012' } },
      },
    ]);
    const mapping = named(stack, 'aws:lambda/eventSourceMapping:EventSourceMapping', '-raw-created-batches').inputs;
    expect(mapping).to.deep.include({
      eventSourceArn: queueArn,
      functionName: `arn:aws:lambda:${TEST_REGION}:123456789012:function:chartlake-unit-transform`,
      batchSize: 200,
      maximumBatchingWindowInSeconds: 60,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
    // No direct S3 -> Lambda invocation is left.
    expect(ofType(stack, 'aws:lambda/permission:Permission').map((p) => p.inputs.principal)).to.deep.equal(['events.amazonaws.com']);
  });

  it('expires locks, old quarantine reports and expired delete markers; keeps raw versions', () => {
    const rules = named(stack, 'aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration', '-lake-noncurrent').inputs.rules as Record<string, unknown>[];
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId.locks).to.deep.include({ filter: { prefix: 'locks/' }, expiration: { days: 1 } });
    expect(byId['quarantine-noncurrent']).to.deep.include({ filter: { prefix: 'quarantine/' } });
    expect(byId['expired-delete-markers']).to.deep.include({ filter: { prefix: '' }, expiration: { expiredObjectDeleteMarker: true } });
    for (const rule of rules) {
      const prefix = (rule.filter as { prefix: string }).prefix;
      // Nothing expires a raw object's versions: the whole-bucket rule only removes markers with nothing behind them.
      if (prefix === '' || prefix.startsWith('raw')) expect(rule, String(rule.id)).not.to.have.property('noncurrentVersionExpiration');
    }
  });

  it('alarms on dead letters and on a week that never arrives, with the optional e-mail subscription', () => {
    const topicArn = `arn:aws:sns:${TEST_REGION}:123456789012:chartlake-unit-alarms`;
    const dlq = named(stack, 'aws:cloudwatch/metricAlarm:MetricAlarm', '-dead-letters-alarm').inputs;
    expect(dlq).to.deep.include({ namespace: 'AWS/SQS', metricName: 'ApproximateNumberOfMessagesVisible', threshold: 0, comparisonOperator: 'GreaterThanThreshold' });
    expect(dlq.dimensions).to.deep.equal({ QueueName: 'chartlake-unit-dead-letters' });
    expect(dlq.alarmActions).to.deep.equal([topicArn]);
    const filter = named(stack, 'aws:cloudwatch/logMetricFilter:LogMetricFilter', '-week-overdue').inputs;
    expect(filter).to.deep.include({ logGroupName: '/aws/lambda/chartlake-unit-extract', pattern: '{ $.message = "week overdue" }' });
    const overdue = named(stack, 'aws:cloudwatch/metricAlarm:MetricAlarm', '-week-overdue-alarm').inputs;
    expect(overdue).to.deep.include({ namespace: 'chartlake', metricName: 'WeekOverdue', alarmActions: [topicArn] });
    const subscription = named(stack, 'aws:sns/topicSubscription:TopicSubscription', '-alarms-email').inputs;
    expect(subscription).to.deep.include({ topic: topicArn, protocol: 'email', endpoint: TEST_ALARM_EMAIL });
  });

  it('crawls transformed/ into one Glue table per table folder, partitions from its name=value folders, lineage excluded', () => {
    const database = named(stack, 'aws:glue/catalogDatabase:CatalogDatabase', '-db').inputs;
    expect(database.name).to.equal('chartlake_unit');
    const crawler = named(stack, 'aws:glue/crawler:Crawler', '-crawler').inputs;
    expect(crawler.databaseName).to.equal('chartlake_unit');
    expect(crawler.s3Targets).to.deep.equal([{ path: 's3://chartlake-unit-lake/transformed/', exclusions: ['_lineage/**', '_song_identity/**'] }]);
    expect(crawler.schemaChangePolicy).to.deep.equal({ updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' });
    expect(JSON.parse(crawler.configuration as string)).to.deep.include({ Grouping: { TableLevelConfiguration: 3 } });
    expect(crawler.role).to.equal('arn:aws:iam::123456789012:role/chartlake-unit-crawler');
    // Partitions are registered by the transform as it writes; the crawler's weekly run follows schema changes.
    expect(crawler.schedule).to.equal('cron(0 6 ? * WED *)');
  });

  it('gives Athena a workgroup with an enforced, encrypted result location and a bytes-scanned cutoff, and one named query per saved analysis', () => {
    const workgroup = named(stack, 'aws:athena/workgroup:Workgroup', '-workgroup').inputs;
    const configuration = workgroup.configuration as Record<string, unknown>;
    expect(configuration).to.deep.include({ enforceWorkgroupConfiguration: true, bytesScannedCutoffPerQuery: 1024 * 1024 * 1024 });
    expect(configuration.resultConfiguration).to.deep.equal({
      outputLocation: 's3://chartlake-unit-athena-results/results/',
      encryptionConfiguration: { encryptionOption: 'SSE_S3' },
    });
    const queries = ofType(stack, 'aws:athena/namedQuery:NamedQuery');
    const analyses = listSavedAnalyses();
    expect(queries.map((q) => q.inputs.name).sort()).to.deep.equal(analyses.map((a) => a.name).sort());
    for (const analysis of analyses) {
      const query = queries.find((q) => q.inputs.name === analysis.name)!.inputs;
      expect([query.query, query.database, query.workgroup]).to.deep.equal([analysis.sql, 'chartlake_unit', 'chartlake-unit']);
    }
  });

  it('grants each role only what it needs, on named resources', () => {
    const lake = 'arn:aws:s3:::chartlake-unit-lake';
    const logs = (fn: string) => `arn:aws:logs:${TEST_REGION}:123456789012:log-group:/aws/lambda/chartlake-unit-${fn}:*`;
    const dlq = `arn:aws:sqs:${TEST_REGION}:123456789012:chartlake-unit-dead-letters`;
    const glue = [
      `arn:aws:glue:${TEST_REGION}:123456789012:catalog`,
      `arn:aws:glue:${TEST_REGION}:123456789012:database/chartlake_unit`,
      `arn:aws:glue:${TEST_REGION}:123456789012:table/chartlake_unit/*`,
    ];
    const secretArn = `arn:aws:secretsmanager:${TEST_REGION}:123456789012:secret:chartlake-unit-spotify-client-secret-AbCdEf`;
    expect(actionsOn(policyOf(named(stack, 'aws:iam/rolePolicy:RolePolicy', '-extract-policy').inputs.policy))).to.deep.equal([
      { actions: ['s3:PutObject'], resources: [`${lake}/raw/*`] },
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${lake}/cache/*`] },
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${lake}/locks/*`] },
      { actions: ['s3:ListBucket'], resources: [lake], condition: { StringLike: { 's3:prefix': ['raw/*', 'cache/*', 'locks/*'] } } },
      { actions: ['secretsmanager:GetSecretValue'], resources: [secretArn] },
      { actions: ['sqs:SendMessage'], resources: [dlq] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logs('extract')] },
    ]);
    expect(actionsOn(policyOf(named(stack, 'aws:iam/rolePolicy:RolePolicy', '-transform-policy').inputs.policy))).to.deep.equal([
      { actions: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'], resources: [`arn:aws:sqs:${TEST_REGION}:123456789012:chartlake-unit-raw-created`] },
      { actions: ['s3:GetObject'], resources: [`${lake}/raw/*`] },
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${lake}/transformed/*`, `${lake}/quarantine/*`] },
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${lake}/locks/*`] },
      { actions: ['s3:ListBucket'], resources: [lake], condition: { StringLike: { 's3:prefix': ['raw/*', 'locks/*', 'quarantine/*', 'transformed/*'] } } },
      { actions: ['glue:BatchCreatePartition', 'glue:GetTable'], resources: glue },
      { actions: ['glue:StartCrawler'], resources: [`arn:aws:glue:${TEST_REGION}:123456789012:crawler/chartlake-unit-transformed`] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logs('transform')] },
    ]);
    const crawler = actionsOn(policyOf(named(stack, 'aws:iam/rolePolicy:RolePolicy', '-crawler-policy').inputs.policy));
    expect(crawler.slice(0, 3)).to.deep.equal([
      { actions: ['s3:GetObject'], resources: [`${lake}/transformed/*`] },
      { actions: ['s3:ListBucket'], resources: [lake], condition: { StringLike: { 's3:prefix': ['transformed/*', 'transformed/'] } } },
      { actions: ['s3:GetBucketLocation'], resources: [lake] },
    ]);
    expect(crawler[3].resources).to.deep.equal(glue);
    expect(crawler[3].actions.every((action) => action.startsWith('glue:') && !action.includes('*'))).to.equal(true);
    expect(crawler.slice(4).flatMap((s) => s.resources)).to.deep.equal([
      `arn:aws:logs:${TEST_REGION}:123456789012:log-group:/aws-glue/crawlers`,
      `arn:aws:logs:${TEST_REGION}:123456789012:log-group:/aws-glue/crawlers:*`,
    ]);
    // One role per Lambda and one for the crawler, each with its own inline policy.
    const roles = ofType(stack, 'aws:iam/role:Role');
    expect(roles.map((r) => r.name).sort()).to.deep.equal(['chartlake-unit-crawler', 'chartlake-unit-extract-role', 'chartlake-unit-transform-role']);
  });

  it('has no Allow on a `*` resource or a `*` action in any policy a role holds, inline or attached', () => {
    // Attached policies must be declared in this stack (so their documents can be read here): an AWS managed
    // policy (AWSGlueServiceRole grants glue:* on *) cannot be checked and is refused.
    const declared = new Map(ofType(stack, 'aws:iam/policy:Policy').map((p) => [`arn:aws:iam::123456789012:policy/${p.name}`, p.inputs.policy]));
    const documents: [string, unknown][] = ofType(stack, 'aws:iam/rolePolicy:RolePolicy').map((p) => [p.name, p.inputs.policy]);
    for (const attachment of ofType(stack, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')) {
      const arn = attachment.inputs.policyArn as string;
      expect(declared.has(arn), `${attachment.name} attaches ${arn}, a policy this stack does not declare`).to.equal(true);
      documents.push([attachment.name, declared.get(arn)]);
    }
    for (const [name, document] of documents) {
      for (const statement of policyOf(document).Statement) {
        if (statement.Effect !== 'Allow') continue;
        expect(statement.Resource, name).not.to.include('*');
        for (const action of statement.Action) expect(action, name).not.to.match(/\*/);
      }
    }
  });

  it('tags every taggable resource with project and stack', () => {
    const taggable = stack.resources.filter((r) => 'tags' in r.inputs);
    expect(taggable.length).to.be.above(10);
    for (const resource of taggable) expect(resource.inputs.tags, resource.name).to.deep.include({ project: 'chartlake', stack: 'unit' });
  });

  it('keeps the Spotify client secret in Secrets Manager: the extract gets its ARN only, no environment or output holds the value', () => {
    const secret = named(stack, 'aws:secretsmanager/secretVersion:SecretVersion', '-spotify-client-secret-value').inputs;
    expect(secret.secretId).to.equal('chartlake-unit-spotify-client-secret-id');
    // The value reaches the engine as a secret (encrypted in the state).
    expect((secret.secretString as Record<string, unknown>)[SECRET_SIG_KEY]).to.equal(SECRET_SIG);
    const extractEnv = (named(stack, 'aws:lambda/function:Function', '-extract').inputs.environment as { variables: Record<string, string> }).variables;
    expect(extractEnv).to.include({
      SPOTIFY_CLIENT_ID: 'test-client-id',
      CHARTLAKE_SPOTIFY_CLIENT_SECRET_ARN: `arn:aws:secretsmanager:${TEST_REGION}:123456789012:secret:chartlake-unit-spotify-client-secret-AbCdEf`,
    });
    for (const fn of ofType(stack, 'aws:lambda/function:Function')) expect(JSON.stringify(fn.inputs), fn.name).not.to.include(TEST_CLIENT_SECRET);
    expect(JSON.stringify(stack.outputs)).not.to.include(TEST_CLIENT_SECRET);
    expect(stack.secretOutputs).to.deep.equal([]);
  });

  it('exports where to query: buckets, database, workgroup, results location, crawler, named query ids, console URL', () => {
    expect(stack.outputs).to.deep.include({
      lakeBucket: 'chartlake-unit-lake',
      resultsBucket: 'chartlake-unit-athena-results',
      glueDatabase: 'chartlake_unit',
      athenaWorkgroup: 'chartlake-unit',
      athenaResultsLocation: 's3://chartlake-unit-athena-results/results/',
      crawlerName: 'chartlake-unit-transformed',
      athenaConsoleUrl: `https://${TEST_REGION}.console.aws.amazon.com/athena/home?region=${TEST_REGION}#/query-editor`,
    });
    expect(Object.keys(stack.outputs.namedQueryIds as object)).to.deep.equal(listSavedAnalyses().map((a) => a.name));
  });
});
