/**
 * The sources layer logs through whatever the caller hands it: the project's `Logger` (`src/log`) or a plain
 * function `(level, message, fields) => void`. Every line passes the run's redactor first, so a secret can only
 * reach a log by a bug in the redactor, never by a forgotten call site.
 */
import type { LogLevel, Logger } from '../log';
import type { Redactor } from './redact';

export type { LogLevel } from '../log';
export type LogFunction = (level: LogLevel, message: string, fields: Record<string, unknown>) => void;
export type SourceLogger = Logger | LogFunction;

/** What the layer's modules call. */
export type Log = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

export function makeLog(logger: SourceLogger | undefined, redactor: Redactor): Log {
  if (!logger) return () => undefined;
  const write: LogFunction = typeof logger === 'function' ? logger : (level, message, fields) => logger.log(level, message, fields);
  return (level, message, fields = {}) => write(level, redactor.redact(message), redactor.redactFields(fields));
}
