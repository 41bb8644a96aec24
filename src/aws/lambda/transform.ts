import { GlueClient } from '@aws-sdk/client-glue';
import { registerPartitions, type Registration } from '../partitions';
import { jsonLogger, type Logger } from '../../log';
import { DuckDb } from '../../query/duckdb';
import { decodeEventKey, type ObjectStore, type S3Event, type S3EventRecord } from '../../store';
import { handleTransform } from '../../transform/handler';
import { cachedUnlessRejected, duckTempDirectory, ENV, lakeStore, lambdaTmp, optional, required } from './environment';

/** The SQS event Lambda hands a queue-triggered function (the fields used here). */
export interface SqsEvent {
  Records: { messageId: string; body: string }[];
}

/** With `ReportBatchItemFailures`, only these messages return to the queue; the others are deleted. */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

export interface LambdaContextLike {
  getRemainingTimeInMillis(): number;
}

/** What a batch did (logged; the Lambda returns only the batch response). */
export interface TransformBatchResult extends SqsBatchResponse {
  records: number;
  written: string[];
  rejected: { rawKey: string; report: string }[];
  registration?: Registration;
}

/**
 * How long a transform may wait for another run's week lock: well inside the time the function has left, so
 * a busy week fails (and its message returns to the queue) instead of the function timing out mid-write.
 */
export function lockWaitMs(remainingMs: number): number {
  return Math.max(0, Math.min(Math.floor(remainingMs / 3), remainingMs - 120_000));
}

export interface TransformBatchDeps {
  store: ObjectStore;
  duck: () => Promise<DuckDb>;
  glue?: { client: GlueClient; database: string; crawler: string };
  workDir: string;
  log: Logger;
  /** The transform handler (a test wraps it to count calls). */
  transform?: typeof handleTransform;
}

/**
 * One SQS batch of object-created notifications: ONE S3 event of all its records, one `handleTransform`, then
 * the partitions it wrote registered in Glue. A raw object refused by the quality gates is done (its report is
 * in quarantine/; retrying cannot help); any other failure returns the messages to the queue (a rewrite is
 * idempotent), and after the queue's maxReceiveCount they go to the dead-letter queue.
 */
export async function transformBatch(event: SqsEvent, context: LambdaContextLike, deps: TransformBatchDeps): Promise<TransformBatchResult> {
  const { log } = deps;
  // One record per object key (S3 delivers at least once, and an object uploaded twice is one transform), and
  // the messages that named it.
  const recordOf = new Map<string, S3EventRecord>();
  const messagesOf = new Map<string, Set<string>>();
  const failed = new Set<string>();
  for (const message of event.Records ?? []) {
    let body: { Records?: S3EventRecord[]; Event?: string };
    try {
      body = JSON.parse(message.body) as typeof body;
    } catch {
      log.log('error', 'queue message is not an S3 event', { message: message.messageId });
      failed.add(message.messageId);
      continue;
    }
    if (body.Event === 's3:TestEvent') continue; // sent once when the notification is configured
    for (const record of body.Records ?? []) {
      const key = `${record.s3.bucket.name}/${decodeEventKey(record.s3.object.key)}`;
      if (!recordOf.has(key)) recordOf.set(key, record);
      messagesOf.set(key, (messagesOf.get(key) ?? new Set()).add(message.messageId));
    }
  }
  const records = [...recordOf.values()];
  const result: TransformBatchResult = { batchItemFailures: [], records: records.length, written: [], rejected: [] };
  const all = () => [...messagesOf.values()].flatMap((ids) => [...ids]);
  try {
    if (records.length > 0) {
      const s3Event: S3Event = { Records: records };
      const lock = { waitMs: lockWaitMs(context.getRemainingTimeInMillis()) };
      const transformed = await (deps.transform ?? handleTransform)(s3Event, { store: deps.store, duck: await deps.duck(), workDir: deps.workDir, log, lock });
      result.written = transformed.files;
      // A refused raw object is quarantined and done; the rest of the batch was transformed all the same.
      for (const error of transformed.refused) {
        log.log('error', 'raw object rejected', { raw: error.rawKey, report: error.quarantineKey, failures: error.failures.length });
        result.rejected.push({ rawKey: error.rawKey, report: error.quarantineKey });
      }
      if (deps.glue && result.written.length > 0) {
        result.registration = await registerPartitions(deps.glue.client, deps.glue, result.written, log);
      }
    }
  } catch (error) {
    log.log('error', 'transform batch failed; its messages return to the queue', { problem: (error as Error).message, records: records.length });
    for (const id of all()) failed.add(id);
  }
  result.batchItemFailures = [...failed].map((itemIdentifier) => ({ itemIdentifier }));
  log.log('info', 'transform batch', {
    records: result.records,
    written: result.written.length,
    rejected: result.rejected.length,
    returned_to_queue: failed.size,
  });
  return result;
}

const openDuck = cachedUnlessRejected(() => {
  const memoryMb = Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? 0);
  return DuckDb.open({
    tempDirectory: duckTempDirectory(lambdaTmp()),
    // Leave a quarter of the function's memory to Node and the S3 client.
    ...(memoryMb > 0 ? { memoryLimit: `${Math.floor(memoryMb * 0.75)}MB` } : {}),
  });
});

/** The transform Lambda, triggered by the object-created queue with ReportBatchItemFailures. */
export async function handler(event: SqsEvent, context: LambdaContextLike): Promise<SqsBatchResponse> {
  const workDir = lambdaTmp();
  const crawler = optional(ENV.crawlerName);
  const glue = crawler ? { client: new GlueClient({ endpoint: optional(ENV.glueEndpoint) }), database: required(ENV.glueDatabase), crawler } : undefined;
  try {
    const result = await transformBatch(event, context, { store: lakeStore(), duck: openDuck, glue, workDir, log: jsonLogger() });
    return { batchItemFailures: result.batchItemFailures };
  } finally {
    glue?.client.destroy();
  }
}
