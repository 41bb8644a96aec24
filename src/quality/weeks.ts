import { isIsoDate } from '../store';

/** Weekly charts are dated on the Thursday that ends the chart week. */
export function isThursday(week: string): boolean {
  return isIsoDate(week) && new Date(`${week}T00:00:00Z`).getUTCDay() === 4;
}

export function addDays(week: string, days: number): string {
  const date = new Date(`${week}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The first Thursday on or after `date`. */
export function thursdayOnOrAfter(date: string): string {
  let day = date;
  while (!isThursday(day)) day = addDays(day, 1);
  return day;
}

/** Every chart week (Thursday) from `from` to `to`, both included, in order. */
export function chartWeeksBetween(from: string, to: string): string[] {
  for (const [name, value] of [['from', from], ['to', to]] as const) {
    if (!isIsoDate(value)) throw new Error(`--${name} ${JSON.stringify(value)} is not a date YYYY-MM-DD`);
  }
  if (from > to) throw new Error(`--from ${from} is after --to ${to}`);
  const weeks: string[] = [];
  for (let week = thursdayOnOrAfter(from); week <= to; week = addDays(week, 7)) weeks.push(week);
  return weeks;
}
