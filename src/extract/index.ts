export { handleExtract, existingRaw, DEFAULT_CHART } from './handler';
export type { ExtractEvent, ExtractContext, ExtractResult } from './handler';
export { importChartsCsv } from './import-csv';
export type { ImportedCsv } from './import-csv';
export { dueChartWeek, overdueAt, WeekNotPublishedError, isWeekNotPublished } from './due-week';
