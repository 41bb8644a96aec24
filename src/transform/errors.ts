export interface CheckFailure {
  check: string;
  detail: string;
}

/** A raw object that cannot become a chart week: unreadable, or failing a quality gate. Names the object. */
export class RawObjectRejected extends Error {
  constructor(
    readonly rawKey: string,
    readonly failures: CheckFailure[],
    readonly quarantineKey: string,
  ) {
    const checks = [...new Set(failures.map((failure) => failure.check))].join(', ');
    const shown = failures.slice(0, 5).map((failure) => `  - ${failure.check}: ${failure.detail}`).join('\n');
    const more = failures.length > 5 ? `\n  ... and ${failures.length - 5} more (see ${quarantineKey})` : '';
    super(`${rawKey} was refused (${checks}); nothing was written to transformed/:\n${shown}${more}`);
    this.name = 'RawObjectRejected';
  }
}
