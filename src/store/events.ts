/**
 * S3 "object created" event records, exactly the shape S3 notifications hand to a Lambda, so the local
 * runner and the deployed transform read the same event.
 */
export interface S3EventRecord {
  eventVersion: string;
  eventSource: 'aws:s3';
  awsRegion: string;
  eventTime: string;
  eventName: string;
  s3: {
    s3SchemaVersion: string;
    configurationId: string;
    bucket: { name: string; arn: string };
    /** `key` is URL-encoded the way S3 encodes it: spaces become `+`, other reserved bytes `%XX`. */
    object: { key: string; size: number; eTag?: string; sequencer?: string };
  };
}

export interface S3Event {
  Records: S3EventRecord[];
}

/**
 * Encodes an object key as S3 does in notifications: form encoding (as Java's URLEncoder: only letters, digits
 * and `.-*_` stay; space → `+`), with `/` kept.
 */
export function encodeEventKey(key: string): string {
  return key
    .split('/')
    .map((part) =>
      encodeURIComponent(part)
        .replace(/[!'()~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/%20/g, '+'),
    )
    .join('/');
}

/** Decodes a key taken from an S3 event record. */
export function decodeEventKey(encoded: string): string {
  return decodeURIComponent(encoded.replace(/\+/g, ' '));
}

export function objectCreatedEvent(
  bucket: string,
  key: string,
  size: number,
  eTag?: string,
  now: Date = new Date(),
): S3Event {
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: process.env.AWS_REGION ?? 'local',
        eventTime: now.toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'chartlake-raw-created',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeEventKey(key), size, ...(eTag ? { eTag } : {}) },
        },
      },
    ],
  };
}

/** The keys an event names, decoded. */
export function eventKeys(event: S3Event): string[] {
  return (event.Records ?? []).map((record) => decodeEventKey(record.s3.object.key));
}
