export { buildReport, renderReport, CHART_TITLES, PATTERNS, DEFAULT_TOP, INDEX_PAGE } from './report';
export type { BuildReportOptions, BuiltReport } from './report';
export { writeReport, REPORT_FOLDER } from './write';
export { loadReportData, resolveRange } from './data';
export { movement, escape, artistLinks } from './page';
export { buildExplorer, monthlyTop, runsOf, timeline } from './explore';
export type { Explorer, SongProfile, ArtistProfile, TimelinePoint, Run, MonthTop } from './explore';
export { readable } from './units';
export type * from './types';
