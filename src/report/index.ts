export { buildReport, CHART_TITLES, PATTERNS } from './report';
export type { BuildReportOptions, BuiltReport } from './report';
export { writeReport, REPORT_FILE } from './write';
export { loadReportData, resolveRange } from './data';
export { movement, escape } from './page';
export type * from './types';
