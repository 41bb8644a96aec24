import type { FeatureRow } from './features';

/** `week` + `days` as `YYYY-MM-DD` (UTC calendar arithmetic). */
export function addDays(week: string, days: number): string {
  const date = new Date(`${week}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

export function targetWeekOf(week: string, horizon: number): string {
  return addDays(week, 7 * horizon);
}

/** The features of one chart, indexed by week and by (week, song). */
export class ChartHistory {
  readonly weeks: string[];
  private readonly byWeek = new Map<string, FeatureRow[]>();
  private readonly byKey = new Map<string, FeatureRow>();

  constructor(readonly rows: readonly FeatureRow[]) {
    for (const row of rows) {
      const list = this.byWeek.get(row.week) ?? [];
      list.push(row);
      this.byWeek.set(row.week, list);
      this.byKey.set(`${row.week}|${row.song_id}`, row);
    }
    this.weeks = [...this.byWeek.keys()].sort();
  }

  has(week: string): boolean {
    return this.byWeek.has(week);
  }

  week(week: string): FeatureRow[] {
    return this.byWeek.get(week) ?? [];
  }

  find(week: string, songId: string): FeatureRow | undefined {
    return this.byKey.get(`${week}|${songId}`);
  }
}

/** A training or evaluation example: a song at its origin week and, h weeks later, where it was (or null: off the chart). */
export interface Example {
  row: FeatureRow;
  targetWeek: string;
  target: FeatureRow | null;
}

/**
 * Training examples for `horizon` whose target week is at most `throughWeek`: everything the model may learn from
 * when it forecasts from origin `throughWeek`. Only origins with their whole 4-week lag window inside the lake are
 * used, so "off the chart" in a lag always means off the chart, never "before the lake began".
 */
export function trainingExamples(history: ChartHistory, horizon: number, throughWeek: string): Example[] {
  const examples: Example[] = [];
  for (const week of history.weeks) {
    const targetWeek = targetWeekOf(week, horizon);
    if (targetWeek > throughWeek) break;
    if (!history.has(targetWeek)) continue;
    for (const row of history.week(week)) {
      if (row.history_weeks < 4) continue;
      examples.push({ row, targetWeek, target: history.find(targetWeek, row.song_id) ?? null });
    }
  }
  return examples;
}
