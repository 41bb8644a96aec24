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
