/**
 * AWS EventBridge cron expressions, `cron(minutes hours day-of-month month day-of-week year)`, evaluated in UTC
 * as EventBridge evaluates them, so the local scheduler fires when the AWS rule would.
 * Supported: `*`, `?`, lists `a,b`, ranges `a-b`, steps `*\/n` and `a-b/n`, month names JAN-DEC, day names SUN-SAT
 * (day-of-week 1 = Sunday), `L` (last day of the month), `nL`/`FRIL` not supported, `d#n` (n-th weekday of the month).
 */

export interface CronSchedule {
  expression: string;
  minutes: Set<number>;
  hours: Set<number>;
  /** Undefined = any (`?` or `*`). */
  daysOfMonth?: Set<number>;
  lastDayOfMonth: boolean;
  months: Set<number>;
  /** 1 = Sunday ... 7 = Saturday (EventBridge numbering). Undefined = any. */
  daysOfWeek?: Set<number>;
  /** `[weekday 1-7, n]`: the n-th such weekday of the month (`6#3` = third Friday). */
  nthWeekday?: [number, number];
  years?: Set<number>;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export class CronSyntaxError extends Error {
  constructor(expression: string, problem: string) {
    super(`schedule ${JSON.stringify(expression)}: ${problem} (expected an EventBridge cron expression such as cron(0 12 ? * FRI *))`);
    this.name = 'CronSyntaxError';
  }
}

export function parseCron(expression: string): CronSchedule {
  const match = /^\s*cron\((.*)\)\s*$/i.exec(expression);
  if (!match) throw new CronSyntaxError(expression, 'not of the form cron(...)');
  const fields = match[1].trim().split(/\s+/);
  if (fields.length !== 6) throw new CronSyntaxError(expression, `${fields.length} fields; EventBridge cron has 6 (minutes hours day-of-month month day-of-week year)`);
  const [min, hour, dom, month, dow, year] = fields;
  const fail = (problem: string): never => {
    throw new CronSyntaxError(expression, problem);
  };
  if ((dom === '?') === (dow === '?')) fail('exactly one of day-of-month and day-of-week must be "?"');

  const schedule: CronSchedule = {
    expression,
    minutes: field(min, 0, 59, [], 'minutes', fail),
    hours: field(hour, 0, 23, [], 'hours', fail),
    months: field(month, 1, 12, MONTHS, 'month', fail),
    lastDayOfMonth: false,
  };
  if (dom !== '?' && dom !== '*') {
    if (dom === 'L') schedule.lastDayOfMonth = true;
    else if (/W/i.test(dom)) fail('day-of-month "W" (nearest weekday) is not supported by the local scheduler');
    else schedule.daysOfMonth = field(dom, 1, 31, [], 'day-of-month', fail);
  }
  if (dow !== '?' && dow !== '*') {
    const nth = /^([A-Z]{3}|\d)#([1-5])$/i.exec(dow);
    if (nth) schedule.nthWeekday = [single(nth[1], 1, 7, DAYS, 'day-of-week', fail), Number(nth[2])];
    else if (/L/i.test(dow)) fail('day-of-week "L" is not supported by the local scheduler');
    else schedule.daysOfWeek = field(dow, 1, 7, DAYS, 'day-of-week', fail);
  }
  if (year !== '*') schedule.years = field(year, 1970, 2199, [], 'year', fail);
  return schedule;
}

function single(text: string, lo: number, hi: number, names: string[], what: string, fail: (p: string) => never): number {
  const named = names.indexOf(text.toUpperCase());
  const value = named >= 0 ? named + 1 : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value < lo || value > hi) fail(`${what} value "${text}" is outside ${lo}-${hi}`);
  return value;
}

function field(text: string, lo: number, hi: number, names: string[], what: string, fail: (p: string) => never): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(',')) {
    const [range, stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(`${what} step "${stepText}" is not a positive number`);
    let from: number;
    let to: number;
    if (range === '*') [from, to] = [lo, hi];
    else if (range.includes('-')) {
      const [a, b] = range.split('-');
      [from, to] = [single(a, lo, hi, names, what, fail), single(b, lo, hi, names, what, fail)];
      if (from > to) fail(`${what} range "${range}" runs backwards`);
    } else {
      from = single(range, lo, hi, names, what, fail);
      to = stepText === undefined ? from : hi;
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

/** The first time strictly after `after` (to the minute, UTC) at which the schedule fires; undefined if never (EventBridge years end at 2199). */
export function nextFire(schedule: CronSchedule, after: Date): Date | undefined {
  const start = new Date(after.getTime());
  start.setUTCSeconds(0, 0);
  start.setUTCMinutes(start.getUTCMinutes() + 1);
  const day = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()));
  while (day.getUTCFullYear() <= 2199) {
    // Whole years and months that cannot match are skipped, so a far-off year costs no day-by-day walk.
    if (schedule.years && !schedule.years.has(day.getUTCFullYear())) {
      day.setTime(Date.UTC(day.getUTCFullYear() + 1, 0, 1));
      continue;
    }
    if (!schedule.months.has(day.getUTCMonth() + 1)) {
      day.setTime(Date.UTC(day.getUTCFullYear(), day.getUTCMonth() + 1, 1));
      continue;
    }
    if (!dayMatches(schedule, day)) {
      day.setUTCDate(day.getUTCDate() + 1);
      continue;
    }
    const sameDay = day.getTime() === Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
    for (const hour of [...schedule.hours].sort((a, b) => a - b)) {
      for (const minute of [...schedule.minutes].sort((a, b) => a - b)) {
        const at = new Date(day.getTime() + hour * 3_600_000 + minute * 60_000);
        if (!sameDay || at.getTime() >= start.getTime()) return at;
      }
    }
    day.setUTCDate(day.getUTCDate() + 1);
  }
  return undefined;
}

function dayMatches(schedule: CronSchedule, day: Date): boolean {
  if (schedule.years && !schedule.years.has(day.getUTCFullYear())) return false;
  if (!schedule.months.has(day.getUTCMonth() + 1)) return false;
  const date = day.getUTCDate();
  const weekday = day.getUTCDay() + 1;
  if (schedule.lastDayOfMonth) {
    const next = new Date(day.getTime());
    next.setUTCDate(date + 1);
    if (next.getUTCMonth() === day.getUTCMonth()) return false;
  }
  if (schedule.daysOfMonth && !schedule.daysOfMonth.has(date)) return false;
  if (schedule.daysOfWeek && !schedule.daysOfWeek.has(weekday)) return false;
  if (schedule.nthWeekday) {
    const [wanted, n] = schedule.nthWeekday;
    if (weekday !== wanted || Math.ceil(date / 7) !== n) return false;
  }
  return true;
}

/**
 * The same schedule as a crontab line's time fields (`m h dom mon dow`, day-of-week 0 = Sunday), for users who
 * prefer cron; undefined when crontab cannot say it (`L`, `#`, a year list).
 */
export function crontabFields(schedule: CronSchedule): string | undefined {
  if (schedule.lastDayOfMonth || schedule.nthWeekday || schedule.years) return undefined;
  const list = (values: Set<number>, lo: number, hi: number, shift = 0) =>
    values.size === hi - lo + 1 ? '*' : [...values].sort((a, b) => a - b).map((v) => v + shift).join(',');
  return [
    list(schedule.minutes, 0, 59),
    list(schedule.hours, 0, 23),
    schedule.daysOfMonth ? list(schedule.daysOfMonth, 1, 31) : '*',
    list(schedule.months, 1, 12),
    schedule.daysOfWeek ? list(schedule.daysOfWeek, 1, 7, -1) : '*',
  ].join(' ');
}

/** The same schedule as a systemd `OnCalendar=` value (UTC); undefined when it cannot say it. */
export function systemdOnCalendar(schedule: CronSchedule): string | undefined {
  if (schedule.lastDayOfMonth || schedule.nthWeekday) return undefined;
  const list = (values: Set<number>, lo: number, hi: number, pad: number) =>
    values.size === hi - lo + 1 ? '*' : [...values].sort((a, b) => a - b).map((v) => String(v).padStart(pad, '0')).join(',');
  const days = schedule.daysOfWeek ? `${[...schedule.daysOfWeek].sort((a, b) => a - b).map((d) => DAYS[d - 1][0] + DAYS[d - 1].slice(1).toLowerCase()).join(',')} ` : '';
  const years = schedule.years ? [...schedule.years].sort((a, b) => a - b).join(',') : '*';
  const dom = schedule.daysOfMonth ? list(schedule.daysOfMonth, 1, 31, 2) : '*';
  return `${days}${years}-${list(schedule.months, 1, 12, 2)}-${dom} ${list(schedule.hours, 0, 23, 2)}:${list(schedule.minutes, 0, 59, 2)}:00 UTC`;
}
