/**
 * The AWS side, as index.ts (the Pulumi program) and the tests see it. The Lambdas' entry modules
 * (`lambda/extract.ts`, `lambda/transform.ts`) are not exported: the packages load them by path.
 */
export {
  buildLambdaCode,
  codeVersion,
  DEFAULT_ARCHITECTURE,
  dependencyClosure,
  duckDbBinding,
  duckDbBindingName,
  LAMBDA_PACKAGES,
  LAMBDA_RUNTIME,
  lambdaPackagePlan,
  UNZIPPED_LIMIT_BYTES,
  unzippedSize,
} from './lambda-package';
export type { DuckDbBindingOptions, LambdaArchitecture, LambdaName, LambdaPackagePlan } from './lambda-package';
export * from './policies';
export { CRAWLER_CONFIGURATION, CRAWLER_EXCLUSIONS, CRAWLER_SCHEDULE, RAW_SUFFIXES, TRANSFORM_MAX_RECEIVES } from './layout';
export { DEFAULT_SCHEDULE, readStackConfig } from './stack-config';
export type { ConfigReader, StackConfig } from './stack-config';
export { PartitionsNotRegisteredError, registerPartitions, writtenPartitions } from './partitions';
export type { Registration, WrittenPartition } from './partitions';
export { startCrawler } from './crawler';
export type { CrawlerStart } from './crawler';
export { ENV } from './lambda/environment';
