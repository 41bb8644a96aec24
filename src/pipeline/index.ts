export { LocalPipeline } from './local';
export { TransformRouter } from './router';
export type { RoutedResult } from './router';
