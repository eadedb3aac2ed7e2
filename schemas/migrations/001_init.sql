-- Accepted hospital events after classification, one row per event identity
-- (hospital_id, event_id). A replayed or resent event is inserted again and merged away;
-- readers that need exact rows use FINAL. patient_key is the HMAC pseudonym, never the raw id.
CREATE TABLE IF NOT EXISTS events (
  hospital_id      LowCardinality(String),
  event_id         String,
  schema           LowCardinality(String),
  occurred_at      DateTime64(3, 'UTC'),
  day              Date,
  commune_code     LowCardinality(String),
  patient_key      String,
  sex              LowCardinality(String),
  age_years        Nullable(UInt8),
  setting          LowCardinality(String),
  diagnoses        Array(String),
  chief_complaint  String,
  temperature_c    Nullable(Float32),
  test_code        LowCardinality(String),
  result           LowCardinality(String),
  syndromes        Array(LowCardinality(String)),
  received_at      DateTime64(3, 'UTC'),
  log_offset       UInt64
) ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(day)
ORDER BY (hospital_id, event_id);

-- Daily counts per (syndrome, commune, local day). The state is the exact set of event
-- identities (uniqExact hashes both columns to 128 bits), so inserting the same event twice,
-- by a resend or a replay after a crash, can never count it twice.
CREATE TABLE IF NOT EXISTS syndrome_counts (
  syndrome      LowCardinality(String),
  commune_code  LowCardinality(String),
  day           Date,
  events        AggregateFunction(uniqExact, String, String)
) ENGINE = AggregatingMergeTree
PARTITION BY toYear(day)
ORDER BY (syndrome, commune_code, day);

-- Besides the syndromes, every event also counts in a denominator series: `_visits` for
-- encounters and `_tests` for lab results (ESSENCE-style percentages; never alerted on).
CREATE MATERIALIZED VIEW IF NOT EXISTS syndrome_counts_mv TO syndrome_counts AS
SELECT arrayJoin(arrayPushBack(syndromes, if(schema = 'ews.lab.v1', '_tests', '_visits'))) AS syndrome,
       commune_code, day,
       uniqExactState(toString(hospital_id), event_id) AS events
FROM events
GROUP BY syndrome, commune_code, day;

-- Everything that was refused: a body that could not be read or an event that failed
-- validation, with the reason and the raw payload (size-capped).
CREATE TABLE IF NOT EXISTS dead_letters (
  id             UUID,
  received_at    DateTime64(3, 'UTC'),
  source         LowCardinality(String),
  reason_code    LowCardinality(String),
  reason         String,
  event_id       String,
  hospital_id    String,
  details        String,
  raw            String,
  raw_bytes      UInt32,
  raw_truncated  Bool
) ENGINE = MergeTree
PARTITION BY toYYYYMM(received_at)
ORDER BY (received_at, id);

-- Detector output for evaluated (series, day). Re-evaluation of a day replaces the row.
CREATE TABLE IF NOT EXISTS signals (
  syndrome      LowCardinality(String),
  commune_code  LowCardinality(String),
  day           Date,
  algorithm     LowCardinality(String),
  observed      Float64,
  expected      Nullable(Float64),
  upperbound    Nullable(Float64),
  p_value       Nullable(Float64),
  alarm         Bool,
  level         LowCardinality(String),
  params        String,
  detected_at   DateTime64(3, 'UTC')
) ENGINE = ReplacingMergeTree(detected_at)
PARTITION BY toYYYYMM(day)
ORDER BY (syndrome, commune_code, day, algorithm);

-- Alerts: one row per version; FINAL gives each alert's latest state.
CREATE TABLE IF NOT EXISTS alerts (
  alert_id       String,
  commune_code   LowCardinality(String),
  syndrome       LowCardinality(String),
  status         LowCardinality(String),
  level          LowCardinality(String),
  algorithm      LowCardinality(String),
  first_day      Date,
  last_day       Date,
  observed       Float64,
  expected       Nullable(Float64),
  threshold      Nullable(Float64),
  p_value        Nullable(Float64),
  signal_count   UInt32,
  opened_at      DateTime64(3, 'UTC'),
  updated_at     DateTime64(3, 'UTC'),
  version        UInt64
) ENGINE = ReplacingMergeTree(version)
ORDER BY alert_id;

-- One row per detection run (scheduled or triggered by changed counts).
CREATE TABLE IF NOT EXISTS detection_runs (
  run_id            String,
  trigger           LowCardinality(String),
  started_at        DateTime64(3, 'UTC'),
  finished_at       DateTime64(3, 'UTC'),
  series_evaluated  UInt32,
  signals           UInt32,
  alarms            UInt32,
  errors            UInt32,
  error_message     String
) ENGINE = MergeTree
ORDER BY started_at;
