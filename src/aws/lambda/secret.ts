import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { registerSecret } from '../../log';

/** A rotated secret reaches warm containers within this time (or at once, on a refused credential). */
export const SECRET_TTL_MS = 5 * 60_000;

/**
 * A Secrets Manager secret read at cold start and again after `ttlMs` or `invalidate()` (the credential was
 * refused: it may have been rotated), so rotation needs no redeploy. The value is registered for redaction
 * before anyone sees it; it never enters the function's configuration, a log line or a result.
 */
export class CachedSecret {
  private value: string | undefined;
  private readAt = 0;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly ttlMs = SECRET_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<string> {
    if (this.value === undefined || this.now() - this.readAt >= this.ttlMs) {
      const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
      if (!answer.SecretString) throw new Error(`the secret ${this.secretId} has no string value (set it with pulumi config set --secret spotifyClientSecret)`);
      registerSecret(answer.SecretString);
      this.value = answer.SecretString;
      this.readAt = this.now();
    }
    return this.value;
  }

  invalidate(): void {
    this.value = undefined;
  }
}
