/**
 * Keeps secrets (client secret, Basic credentials, access tokens, the charts session token) out of every log
 * line, error message and envelope. Each run has its own redactor; the values are also registered with the
 * project-wide redaction in `src/log` so other layers' loggers hide them too.
 */
import { registerSecret } from '../log';

const MASK = '***';

export class Redactor {
  private readonly secrets = new Set<string>();

  add(value: string | undefined): void {
    if (!value || value.length < 4) return;
    this.secrets.add(value);
    registerSecret(value);
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(MASK);
    return out
      .replace(/\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${MASK}`)
      .replace(/((?:access_token|client_secret|refresh_token|token)=)[^&\s"']+/gi, `$1${MASK}`);
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
