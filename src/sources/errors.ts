/**
 * The one error type the sources layer throws. Its message is built here from redacted parts only: no got
 * error (whose `options` hold request headers) is ever attached as `cause` or copied whole.
 */

export type SourceErrorCode =
  | 'CONFIG'
  | 'CREDENTIALS'
  | 'CHARTS_TOKEN'
  | 'API_MODE'
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'HTTP'
  | 'NETWORK'
  | 'RETRY_BUDGET'
  | 'BAD_RESPONSE'
  /** Spotify's quota is spent for hours (429 `QUOTA_EXCEEDED`, or a long Retry-After): stop, resume later. */
  | 'QUOTA_EXCEEDED';

export class SpotifySourceError extends Error {
  override readonly name = 'SpotifySourceError';

  constructor(
    readonly code: SourceErrorCode,
    message: string,
    /** HTTP status of the answer that ended the attempt, when there was one. */
    readonly status?: number,
    /** For `QUOTA_EXCEEDED`: when the run may be resumed (now + Retry-After), when Spotify said. */
    readonly resumeAt?: Date,
  ) {
    super(message);
  }
}

export function isSourceError(error: unknown): error is SpotifySourceError {
  return error instanceof SpotifySourceError;
}
