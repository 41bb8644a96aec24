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

/** Extract: write raw/, keep its entity cache in cache/, list only those two prefixes, report failures to the DLQ. */
export function extractPolicy(a: { lakeArn: string; logGroupArn: string; deadLetterArn: string }): PolicyDocument {
  return doc(
    { Sid: 'WriteRaw', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${a.lakeArn}/raw/*`] },
    { Sid: 'EntityCache', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${a.lakeArn}/cache/*`] },
    {
      Sid: 'ListRawAndCache',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [a.lakeArn],
      Condition: { StringLike: { 's3:prefix': ['raw/*', 'cache/*'] } },
    },
    { Sid: 'FailureDestination', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [a.deadLetterArn] },
    logs(a.logGroupArn),
  );
}

/**
 * Transform: read raw/, replace transformed/ partitions, write or clear quarantine/ reports, hold the week's lock
 * object in locks/ (reading a missing key answers 403 without ListBucket, so it may list that prefix), start one crawler.
 */
export function transformPolicy(a: { lakeArn: string; crawlerArn: string; logGroupArn: string; deadLetterArn: string }): PolicyDocument {
  return doc(
    { Sid: 'ReadRaw', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${a.lakeArn}/raw/*`] },
    {
      Sid: 'WriteTransformed',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:DeleteObject'],
      Resource: [`${a.lakeArn}/transformed/*`, `${a.lakeArn}/quarantine/*`],
    },
    { Sid: 'WeekLocks', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${a.lakeArn}/locks/*`] },
    {
      Sid: 'ListLocks',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [a.lakeArn],
      Condition: { StringLike: { 's3:prefix': ['locks/*'] } },
    },
    { Sid: 'StartCrawler', Effect: 'Allow', Action: ['glue:StartCrawler'], Resource: [a.crawlerArn] },
    { Sid: 'FailureDestination', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [a.deadLetterArn] },
    logs(a.logGroupArn),
  );
}

/** Crawler: read transformed/ (the AWSGlueServiceRole managed policy covers the catalog and its logs). */
export function crawlerS3Policy(a: { lakeArn: string }): PolicyDocument {
  return doc(
    { Sid: 'ReadTransformed', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${a.lakeArn}/transformed/*`] },
    {
      Sid: 'ListTransformed',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [a.lakeArn],
      Condition: { StringLike: { 's3:prefix': ['transformed/*', 'transformed/'] } },
    },
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

export const GLUE_SERVICE_ROLE_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AWSGlueServiceRole';
