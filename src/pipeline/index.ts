export { LocalPipeline, extractThenSettle } from './local';
export type { ExtractedWeek } from './local';
export { TransformRouter } from './router';
export type { RoutedResult } from './router';
