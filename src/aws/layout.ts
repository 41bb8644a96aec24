/** How the AWS stack lays the lake out for Glue and S3 notifications (index.ts uses these; tests assert them). */

/**
 * Tables live at s3://<lake>/transformed/<table>/chart=<alias>/year=<YYYY>/ (lake-wide ones at
 * transformed/<table>/): level 1 is the bucket, 2 `transformed`, 3 the table folder, so every table folder
 * becomes one table and the `name=value` folders below it its partition keys.
 */
export const CRAWLER_CONFIGURATION = {
  Version: 1.0,
  Grouping: { TableLevelConfiguration: 3 },
  CrawlerOutput: { Partitions: { AddOrUpdateBehavior: 'InheritFromTable' } },
};

/** Lineage records and song identity's state lie beside the tables and are not tables. Relative to `transformed/`. */
export const CRAWLER_EXCLUSIONS = ['_lineage/**', '_song_identity/**'];

/** S3 allows one prefix and one suffix per notification rule: JSON envelopes and CSV exports are two rules on raw/. */
export const RAW_SUFFIXES = ['.json', '.csv'];

/** The crawler's own run: weekly, after the publication window, to follow schema changes (partitions are registered as written). */
export const CRAWLER_SCHEDULE = 'cron(0 6 ? * WED *)';

/** An object-created message the transform failed on this many times goes to the dead-letter queue. */
export const TRANSFORM_MAX_RECEIVES = 5;
