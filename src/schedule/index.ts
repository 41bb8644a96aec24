export { parseCron, nextFire, crontabFields, systemdOnCalendar, CronSyntaxError } from './cron';
export type { CronSchedule } from './cron';
export { catchUp, weeksToCatchUp } from './catch-up';
export type { WeekWorker, WeekRun, WeekOutcome, CatchUpOptions, CatchUpResult } from './catch-up';
export { pipelineWorker } from './worker';
export type { PipelineParts } from './worker';
export { runScheduler, realSleepUntil } from './scheduler';
export type { SchedulerOptions } from './scheduler';
