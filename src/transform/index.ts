export { handleTransform, transformRawObject } from './handler';
export type { TransformContext, TransformedWeek, Lineage } from './handler';
export { RawObjectRejected } from './errors';
export type { CheckFailure } from './errors';
export { TABLES } from './tables';
export type * from './tables';
export { CHARTS_CSV_COLUMNS, MAX_RAW_OBJECT_BYTES, parseChartsCsvName, chartsCsvHeaderProblem } from './csv-file';
export { transformRawBatch } from './batch';
export type { BatchResult, BatchOptions } from './batch';
