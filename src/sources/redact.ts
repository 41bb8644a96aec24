/**
 * Keeps secrets (client secret, Basic credentials, access tokens, the charts session token) out of every log
 * line, error message and envelope, through the project-wide redaction of `src/log`, so other layers' loggers
 * hide them too.
 */
import { redact, registerSecret } from '../log';

const MASK = '***';

/** The secrets of one run, registered with the project-wide redaction that every logger applies. */
export class Redactor {
  add(value: string | undefined): void {
    registerSecret(value);
  }

  redact(text: string): string {
    return redact(text);
  }

  redactFields(fields: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      out[key] = typeof value === 'string' ? this.redact(value) : value;
    }
    return out;
  }
}

/** A URL fit for logs and envelopes: no user info, no token-bearing query parameters. */
export function publicUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    for (const name of [...parsed.searchParams.keys()]) {
      if (/token|secret|key|auth|code/i.test(name)) parsed.searchParams.set(name, MASK);
    }
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
