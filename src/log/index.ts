/**
 * Structured logging with secret redaction. Every layer logs through a `Logger` handed to it, so tests can
 * capture lines and the Lambda writes the same JSON lines to CloudWatch.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

const secrets = new Set<string>();

/** Registers a value that must never be printed (client secret, tokens); it is replaced by `***`. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join('***');
  // Authorization values and token-bearing query parameters, whatever their value.
  return out
    .replace(/\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***')
    .replace(/((?:access_token|client_secret|refresh_token|token)=)[^&\s"']+/gi, '$1***');
}

/** One JSON object per line: what `chartlake schedule` and the Lambdas print. */
export function jsonLogger(write: (line: string) => void = (line) => process.stdout.write(`${line}\n`), minLevel: LogLevel = 'info'): Logger {
  return {
    log(level, message, fields) {
      if (rank(level) < rank(minLevel)) return;
      write(redact(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields })));
    },
  };
}

/** Human-readable lines on stderr for the CLI (stdout stays for results). */
export function consoleLogger(minLevel: LogLevel = 'info', write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Logger {
  return {
    log(level, message, fields) {
      if (rank(level) < rank(minLevel)) return;
      const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields)}` : '';
      write(redact(`${level === 'info' ? '' : `${level}: `}${message}${extra}`));
    },
  };
}

/** Keeps lines in memory (tests). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    log(level, message, fields) {
      lines.push(redact(JSON.stringify({ level, message, ...fields })));
    },
  };
}

export const silentLogger: Logger = { log() {} };

function rank(level: LogLevel): number {
  return { debug: 0, info: 1, warn: 2, error: 3 }[level];
}
export { Progress } from './progress';
