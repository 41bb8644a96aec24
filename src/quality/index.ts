export { readLakeState, listRuns, listQuarantine, listRaw } from './lake-state';
export type { LakeState, RunRecord, QuarantineRecord, RawRecord } from './lake-state';
export { findGaps, qualityReport } from './report';
export type { Gap, GapReason, GapOptions, QualityReport, QuarantinedWeek } from './report';
export { isThursday, addDays, thursdayOnOrAfter, chartWeeksBetween } from './weeks';
