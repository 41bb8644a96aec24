export { readLakeState, listRuns, listQuarantine, listRaw } from './lake-state';
export type { LakeState, RunRecord, QuarantineRecord, RawRecord } from './lake-state';
export { findGaps, qualityReport } from './report';
export type { Gap, GapReason, GapOptions, QualityReport, QuarantinedWeek, WarnedWeek, ShallowWeek, Disagreement } from './report';
export { isThursday, addDays, thursdayOnOrAfter, chartWeeksBetween } from './weeks';
