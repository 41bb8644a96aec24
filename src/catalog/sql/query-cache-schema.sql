-- The query cache's own bookkeeping, in the cache database attached as chartlake_cache (CACHE_ALIAS in
-- query-cache.ts): which tables it holds with which columns, each chart's fingerprint when it was last synced, and
-- every partition file loaded (so a changed or deleted one is reloaded or dropped).
CREATE TABLE IF NOT EXISTS chartlake_cache._cache_tables (table_name VARCHAR PRIMARY KEY, columns VARCHAR);

CREATE TABLE IF NOT EXISTS chartlake_cache._cache_charts (
  table_name VARCHAR,
  chart VARCHAR,
  fingerprint VARCHAR,
  PRIMARY KEY (table_name, chart)
);

CREATE TABLE IF NOT EXISTS chartlake_cache._cache_partitions (
  table_name VARCHAR,
  chart VARCHAR,
  week DATE,
  key VARCHAR,
  size BIGINT,
  last_modified VARCHAR,
  PRIMARY KEY (table_name, key)
);
