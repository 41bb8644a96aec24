export { handleExtract, existingRaw, DEFAULT_CHART } from './handler';
export type { ExtractEvent, ExtractContext, ExtractResult } from './handler';
export { importChartsCsv } from './import-csv';
export type { ImportedCsv } from './import-csv';
export { dueChartWeek, overdueAt, WeekNotPublishedError, isWeekNotPublished } from './due-week';
export { handleEnrich } from './enrich';
export type { EnrichEvent, EnrichContext, EnrichResult } from './enrich';
export { readLakeWeeks, weeksToEnrich, parseCsv } from './lake-weeks';
export type { LakeWeek, LakeChartEntry, LakeWeekFilter } from './lake-weeks';
