export { handleTransform, transformRawObjects } from './handler';
export type { TransformContext, TransformedWeek, TransformResult, WeekWarning } from './handler';
export { RawObjectRejected } from './errors';
export type { CheckFailure } from './errors';
export { TABLES, CHART_TABLES, LINEAGE_TABLE } from './tables';
export type * from './tables';
export { CHARTS_CSV_COLUMNS, MAX_RAW_OBJECT_BYTES, parseChartsCsvName, chartsCsvHeaderProblem } from './csv-file';
export { readLineage } from './lineage';
export type { LineageRecord } from './lineage';
