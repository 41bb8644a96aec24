import { expect } from 'chai';
import { listSavedAnalyses } from '../../src/query';
import type { PolicyDocument } from '../../src/aws/policies';
import { loadStack, named, ofType, TEST_CLIENT_SECRET, TEST_REGION, type LoadedStack } from './stack-harness';

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

  it('schedules the extract weekly after Spotify publishes, one target per configured chart, with retries and a dead letter queue', () => {
    const rule = named(stack, 'aws:cloudwatch/eventRule:EventRule', '-weekly').inputs;
    expect(rule.scheduleExpression).to.equal('cron(0 12 ? * FRI *)');
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
      ['chartlake-unit-transform', 2, { onFailure: { destination: queueArn } }],
    ]);
    const queuePolicy = policyOf(named(stack, 'aws:sqs/queuePolicy:QueuePolicy', '-dead-letters-policy').inputs.policy);
    expect(queuePolicy.Statement[0].Condition).to.deep.equal({ ArnEquals: { 'aws:SourceArn': `arn:aws:events:${TEST_REGION}:123456789012:rule/chartlake-unit-weekly` } });
    const invoke = named(stack, 'aws:lambda/permission:Permission', '-weekly-invoke').inputs;
    expect(invoke).to.include({ principal: 'events.amazonaws.com', function: 'chartlake-unit-extract' });
  });

  it('runs both Lambdas on nodejs22.x with memory and timeout from config, HOME and scratch on /tmp, logs with retention', () => {
    const extract = named(stack, 'aws:lambda/function:Function', '-extract').inputs;
    const transform = named(stack, 'aws:lambda/function:Function', '-transform').inputs;
    expect([extract.runtime, extract.memorySize, extract.timeout, extract.handler]).to.deep.equal(['nodejs22.x', 512, 300, '__index.handler']);
    expect([transform.runtime, transform.memorySize, transform.timeout]).to.deep.equal(['nodejs22.x', 3008, 300]);
    const env = (transform.environment as { variables: Record<string, string> }).variables;
    expect(env).to.include({ HOME: '/tmp', CHARTLAKE_TMP: '/tmp', CHARTLAKE_LAKE_BUCKET: 'chartlake-unit-lake', CHARTLAKE_CRAWLER_NAME: 'chartlake-unit-transformed' });
    expect(env).not.to.have.property('CHARTLAKE_S3_ENDPOINT');
    for (const fn of ['extract', 'transform']) {
      const logs = named(stack, 'aws:cloudwatch/logGroup:LogGroup', `-${fn}-logs`).inputs;
      expect(logs).to.include({ name: `/aws/lambda/chartlake-unit-${fn}`, retentionInDays: 30 });
      expect(named(stack, 'aws:lambda/function:Function', `-${fn}`).inputs.loggingConfig).to.deep.include({ logGroup: `/aws/lambda/chartlake-unit-${fn}` });
    }
  });

  it('subscribes the transform to object-created events of raw/*.json and raw/*.csv', () => {
    const notification = named(stack, 'aws:s3/bucketNotification:BucketNotification', '-raw-created').inputs;
    expect(notification.bucket).to.equal('chartlake-unit-lake-id');
    const rules = notification.lambdaFunctions as Record<string, unknown>[];
    expect(rules.map((r) => [r.filterPrefix, r.filterSuffix, r.events, r.lambdaFunctionArn])).to.deep.equal([
      ['raw/', '.json', ['s3:ObjectCreated:*'], `arn:aws:lambda:${TEST_REGION}:123456789012:function:chartlake-unit-transform`],
      ['raw/', '.csv', ['s3:ObjectCreated:*'], `arn:aws:lambda:${TEST_REGION}:123456789012:function:chartlake-unit-transform`],
    ]);
    const permission = named(stack, 'aws:lambda/permission:Permission', '-raw-created-invoke').inputs;
    expect(permission).to.include({ principal: 's3.amazonaws.com', sourceArn: 'arn:aws:s3:::chartlake-unit-lake', sourceAccount: '123456789012' });
  });

  it('crawls transformed/ into one Glue table per table folder, partitions from chart= and week=, lineage excluded', () => {
    const database = named(stack, 'aws:glue/catalogDatabase:CatalogDatabase', '-db').inputs;
    expect(database.name).to.equal('chartlake_unit');
    const crawler = named(stack, 'aws:glue/crawler:Crawler', '-crawler').inputs;
    expect(crawler.databaseName).to.equal('chartlake_unit');
    expect(crawler.s3Targets).to.deep.equal([{ path: 's3://chartlake-unit-lake/transformed/', exclusions: ['_lineage/**'] }]);
    expect(crawler.schemaChangePolicy).to.deep.equal({ updateBehavior: 'UPDATE_IN_DATABASE', deleteBehavior: 'LOG' });
    expect(JSON.parse(crawler.configuration as string)).to.deep.include({ Grouping: { TableLevelConfiguration: 3 } });
    expect(crawler.role).to.equal('arn:aws:iam::123456789012:role/chartlake-unit-crawler');
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
    expect(actionsOn(policyOf(named(stack, 'aws:iam/rolePolicy:RolePolicy', '-extract-policy').inputs.policy))).to.deep.equal([
      { actions: ['s3:PutObject'], resources: [`${lake}/raw/*`] },
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${lake}/cache/*`] },
      { actions: ['s3:ListBucket'], resources: [lake], condition: { StringLike: { 's3:prefix': ['raw/*', 'cache/*'] } } },
      { actions: ['sqs:SendMessage'], resources: [dlq] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logs('extract')] },
    ]);
    expect(actionsOn(policyOf(named(stack, 'aws:iam/rolePolicy:RolePolicy', '-transform-policy').inputs.policy))).to.deep.equal([
      { actions: ['s3:GetObject'], resources: [`${lake}/raw/*`] },
      { actions: ['s3:DeleteObject', 's3:PutObject'], resources: [`${lake}/transformed/*`, `${lake}/quarantine/*`] },
      { actions: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], resources: [`${lake}/locks/*`] },
      { actions: ['s3:ListBucket'], resources: [lake], condition: { StringLike: { 's3:prefix': ['locks/*'] } } },
      { actions: ['glue:StartCrawler'], resources: [`arn:aws:glue:${TEST_REGION}:123456789012:crawler/chartlake-unit-transformed`] },
      { actions: ['sqs:SendMessage'], resources: [dlq] },
      { actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logs('transform')] },
    ]);
    expect(actionsOn(policyOf(named(stack, 'aws:iam/rolePolicy:RolePolicy', '-crawler-s3').inputs.policy))).to.deep.equal([
      { actions: ['s3:GetObject'], resources: [`${lake}/transformed/*`] },
      { actions: ['s3:ListBucket'], resources: [lake], condition: { StringLike: { 's3:prefix': ['transformed/*', 'transformed/'] } } },
    ]);
    // No Allow statement anywhere with a `*` resource; the only `*` is the Principal of the TLS-only Deny.
    for (const policy of ofType(stack, 'aws:iam/rolePolicy:RolePolicy')) {
      for (const statement of policyOf(policy.inputs.policy).Statement) expect(statement.Resource, policy.name).not.to.include('*');
    }
    // One role per Lambda, assumable by Lambda only; none of the CallbackFunction's default full-access policies.
    const roles = ofType(stack, 'aws:iam/role:Role');
    expect(roles.map((r) => r.name).sort()).to.deep.equal(['chartlake-unit-crawler', 'chartlake-unit-extract-role', 'chartlake-unit-transform-role']);
    expect(ofType(stack, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((a) => a.inputs.policyArn)).to.deep.equal([
      'arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole',
    ]);
  });

  it('tags every taggable resource with project and stack', () => {
    const taggable = stack.resources.filter((r) => 'tags' in r.inputs);
    expect(taggable.length).to.be.above(10);
    for (const resource of taggable) expect(resource.inputs.tags, resource.name).to.deep.include({ project: 'chartlake', stack: 'unit' });
  });

  it('hands the Spotify secret to the extract only, and no stack output holds it', () => {
    // The engine receives the extract's environment as a secret (Pulumi's secret signature), so the state
    // encrypts it; Lambda encrypts environment variables at rest.
    const environment = named(stack, 'aws:lambda/function:Function', '-extract').inputs.environment as Record<string, unknown>;
    expect(environment[SECRET_SIG_KEY]).to.equal(SECRET_SIG);
    const extractEnv = (environment.value as { variables: Record<string, string> }).variables;
    expect(extractEnv).to.include({ SPOTIFY_CLIENT_ID: 'test-client-id', SPOTIFY_CLIENT_SECRET: TEST_CLIENT_SECRET });
    const transformEnv = JSON.stringify(named(stack, 'aws:lambda/function:Function', '-transform').inputs.environment);
    expect(transformEnv).not.to.include(TEST_CLIENT_SECRET);
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
