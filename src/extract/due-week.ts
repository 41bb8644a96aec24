/**
 * Which chart week is due. A weekly chart covers Friday 00:00 to Thursday 23:59 and is published "after the
 * charting week ends globally": the week of Thursday T has ended everywhere (UTC-12) at Friday 12:00 UTC, so
 * that is the earliest moment it can be due. Spotify is often later (Friday evening, Saturday, sometimes days):
 * until the overdue moment a missing week is simply "not published yet"; from then on it is reported.
 */
const HOUR = 3600_000;
/** Friday 12:00 UTC after the chart's Thursday (00:00 UTC). */
const DUE_AFTER_MS = 36 * HOUR;
/** Tuesday 18:00 UTC after the chart's Thursday: five and a half days past the week's end. */
const OVERDUE_AFTER_MS = (5 * 24 + 18) * HOUR;

const thursday = (week: string) => Date.parse(`${week}T00:00:00Z`);

/** The Thursday that ended the latest complete chart week at `now` (UTC). */
export function dueChartWeek(now: Date): string {
  const day = new Date(now.getTime() - DUE_AFTER_MS);
  const date = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  while (date.getUTCDay() !== 4) date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** When a week not yet published stops being "late" and becomes a failure someone must look at. */
export function overdueAt(week: string): Date {
  return new Date(thursday(week) + OVERDUE_AFTER_MS);
}

/**
 * The due week is not published yet: a retryable failure (the next scheduled run, or a retry, tries again).
 * `overdue` once Spotify's usual delays are exhausted: the week may never come and a person should look.
 */
export class WeekNotPublishedError extends Error {
  override readonly name = 'WeekNotPublishedError';
  readonly retryable = true;
  readonly overdue: boolean;

  constructor(
    readonly chart: string,
    readonly week: string,
    /** The newest week the source serves, when it answered one. */
    readonly served: string | undefined,
    now: Date,
  ) {
    const overdue = now.getTime() >= overdueAt(week).getTime();
    super(
      `${chart} ${week} is not published yet (the source ${served ? `still serves ${served}` : 'has no chart for it'}); ` +
        (overdue
          ? `it is overdue since ${overdueAt(week).toISOString()}: check charts.spotify.com, and if the week exists import its CSV (chartlake import) or extract it with a charts token (chartlake run --week ${week})`
          : `a later run tries again (overdue from ${overdueAt(week).toISOString()})`),
    );
    this.overdue = overdue;
  }
}

export function isWeekNotPublished(error: unknown): error is WeekNotPublishedError {
  return error instanceof WeekNotPublishedError;
}
