/**
 * IAM policy documents of the stack, as plain functions of ARNs so the tests can read them. Every statement
 * names its resources; none is `*`.
 */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Principal?: Record<string, string | string[]>;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement: statements });

/** Trust policy: only the named AWS service may assume the role. */
export function assumeRolePolicy(service: 'lambda.amazonaws.com' | 'glue.amazonaws.com'): { Version: '2012-10-17'; Statement: object[] } {
  return { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Principal: { Service: service } }] };
}

function logs(logGroupArn: string): PolicyStatement {
  return { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroupArn}:*`] };
}

/** The Glue resources one database's tables live under (Glue checks the catalog, the database and the table). */
export interface GlueArns {
  region: string;
  account: string;
  database: string;
}
function glueResources(a: GlueArns): string[] {
  const base = `arn:aws:glue:${a.region}:${a.account}`;
  return [`${base}:catalog`, `${base}:database/${a.database}`, `${base}:table/${a.database}/*`];
}

/**
 * Extract: write raw/, keep its entity cache in cache/, hold the week's extract lock in locks/ (a doubled
 * schedule delivery waits for it), list only those prefixes, read the one Spotify secret, report failures to the DLQ.
 */
export function extractPolicy(a: { lakeArn: string; logGroupArn: string; deadLetterArn: string; secretArn?: string }): PolicyDocument {
  return doc(
    { Sid: 'WriteRaw', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${a.lakeArn}/raw/*`] },
    { Sid: 'EntityCache', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${a.lakeArn}/cache/*`] },
    { Sid: 'WeekLocks', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${a.lakeArn}/locks/*`] },
    {
      Sid: 'ListRawCacheLocks',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [a.lakeArn],
      Condition: { StringLike: { 's3:prefix': ['raw/*', 'cache/*', 'locks/*'] } },
    },
    ...(a.secretArn ? [{ Sid: 'SpotifySecret', Effect: 'Allow' as const, Action: ['secretsmanager:GetSecretValue'], Resource: [a.secretArn] }] : []),
    { Sid: 'FailureDestination', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [a.deadLetterArn] },
    logs(a.logGroupArn),
  );
}

/**
 * Transform: consume the object-created queue, read raw/, replace transformed/ partitions, write or clear
 * quarantine/ reports (clearing looks first, so no delete marker is left for a report that never existed), hold
 * the week's lock object in locks/, register the partitions it wrote in the Glue tables, start the crawler when a
 * table does not exist yet.
 */
export function transformPolicy(
  a: { lakeArn: string; crawlerArn: string; logGroupArn: string; queueArn: string } & GlueArns,
): PolicyDocument {
  return doc(
    { Sid: 'ObjectCreatedQueue', Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'], Resource: [a.queueArn] },
    { Sid: 'ReadRaw', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${a.lakeArn}/raw/*`] },
    {
      Sid: 'WriteTransformed',
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
      Resource: [`${a.lakeArn}/transformed/*`, `${a.lakeArn}/quarantine/*`],
    },
    { Sid: 'WeekLocks', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${a.lakeArn}/locks/*`] },
    {
      Sid: 'ListRawLocksQuarantineTransformed',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [a.lakeArn],
      Condition: { StringLike: { 's3:prefix': ['raw/*', 'locks/*', 'quarantine/*', 'transformed/*'] } },
    },
    { Sid: 'RegisterPartitions', Effect: 'Allow', Action: ['glue:GetTable', 'glue:BatchCreatePartition'], Resource: glueResources(a) },
    { Sid: 'StartCrawler', Effect: 'Allow', Action: ['glue:StartCrawler'], Resource: [a.crawlerArn] },
    logs(a.logGroupArn),
  );
}

/**
 * Crawler (instead of the AWSGlueServiceRole managed policy, which allows glue:* and more on `*`): read
 * transformed/, create and update the tables and partitions of its one database, write its own logs.
 */
export function crawlerPolicy(a: { lakeArn: string } & GlueArns): PolicyDocument {
  const logGroup = `arn:aws:logs:${a.region}:${a.account}:log-group:/aws-glue/crawlers`;
  return doc(
    { Sid: 'ReadTransformed', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${a.lakeArn}/transformed/*`] },
    {
      Sid: 'ListTransformed',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [a.lakeArn],
      Condition: { StringLike: { 's3:prefix': ['transformed/*', 'transformed/'] } },
    },
    // The crawler asks where the bucket is before it lists it (part of what AWSGlueServiceRole granted on `*`).
    { Sid: 'BucketLocation', Effect: 'Allow', Action: ['s3:GetBucketLocation'], Resource: [a.lakeArn] },
    {
      Sid: 'Catalog',
      Effect: 'Allow',
      Action: [
        'glue:GetDatabase',
        'glue:GetTable',
        'glue:GetTables',
        'glue:CreateTable',
        'glue:UpdateTable',
        'glue:GetPartition',
        'glue:GetPartitions',
        'glue:BatchGetPartition',
        'glue:CreatePartition',
        'glue:BatchCreatePartition',
        'glue:UpdatePartition',
        'glue:BatchUpdatePartition',
      ],
      Resource: glueResources(a),
    },
    { Sid: 'CrawlerLogGroup', Effect: 'Allow', Action: ['logs:CreateLogGroup'], Resource: [logGroup] },
    { Sid: 'CrawlerLogs', Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [`${logGroup}:*`] },
  );
}

/** Refuses any request to the bucket that is not over TLS. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
  return doc({
    Sid: 'DenyInsecureTransport',
    Effect: 'Deny',
    Principal: { AWS: '*' },
    Action: ['s3:*'],
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
}

/** EventBridge may put undeliverable schedule events into the dead-letter queue (only from this rule). */
export function deadLetterQueuePolicy(a: { queueArn: string; ruleArn: string }): PolicyDocument {
  return doc({
    Sid: 'EventBridgeDeadLetters',
    Effect: 'Allow',
    Principal: { Service: 'events.amazonaws.com' },
    Action: ['sqs:SendMessage'],
    Resource: [a.queueArn],
    Condition: { ArnEquals: { 'aws:SourceArn': a.ruleArn } },
  });
}

/** S3 may send the lake's object-created events to the transform's queue (only from this bucket and account). */
export function objectCreatedQueuePolicy(a: { queueArn: string; bucketArn: string; account: string }): PolicyDocument {
  return doc({
    Sid: 'LakeObjectCreated',
    Effect: 'Allow',
    Principal: { Service: 's3.amazonaws.com' },
    Action: ['sqs:SendMessage'],
    Resource: [a.queueArn],
    Condition: { ArnEquals: { 'aws:SourceArn': a.bucketArn }, StringEquals: { 'aws:SourceAccount': a.account } },
  });
}
