-- Finalized daily counts for closed days (days older than the finalization horizon), written by
-- the count finalizer (processors/count/finalizer.ts) from `events` FINAL. Plain UInt32 counts
-- instead of the event-identity states of `syndrome_counts` (16 bytes per event per series,
-- incompressible): a trends read sums a few bytes per cell. `grain` says which strata a row
-- is grouped by ('total': none; 'age_band', 'sex', 'setting', 'hospital': that one;
-- 'age_band,sex'; 'all': every stratum); columns outside the grain hold ''. A day is
-- re-finalized with a higher version when events arrive for it later: reads take FINAL (the
-- row of the highest version per key), and a key that vanished is rewritten with n = 0.
CREATE TABLE IF NOT EXISTS daily_counts (
  grain         LowCardinality(String),
  series        LowCardinality(String),
  day           Date,
  commune_code  LowCardinality(String),
  age_band      LowCardinality(String),
  sex           LowCardinality(String),
  setting       LowCardinality(String),
  hospital_id   LowCardinality(String),
  n             UInt32,
  version       UInt64
) ENGINE = ReplacingMergeTree(version)
PARTITION BY toYear(day)
ORDER BY (grain, series, day, commune_code, age_band, sex, setting, hospital_id);

-- The days whose rows in `daily_counts` are complete (written after the rows: a crash between
-- leaves the day open, read from the live path, and the next run writes it again).
CREATE TABLE IF NOT EXISTS finalized_days (
  day      Date,
  version  UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY day;

-- The finalizer's memory between runs: the `events` parts it had seen before its last
-- complete run. A part not in the list holds rows inserted (or merged) since: the days it
-- covers are finalized again. One row; a lost row only means every finalized day is re-checked.
CREATE TABLE IF NOT EXISTS count_finalizer_state (
  id       UInt8,
  version  UInt64,
  parts    Array(String)
) ENGINE = ReplacingMergeTree(version)
ORDER BY id;
