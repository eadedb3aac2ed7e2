-- Signals and alerts come from daily or weekly series, per commune or per province.
ALTER TABLE signals ADD COLUMN IF NOT EXISTS granularity LowCardinality(String) DEFAULT 'day';
ALTER TABLE signals ADD COLUMN IF NOT EXISTS area_level LowCardinality(String) DEFAULT 'commune';
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS granularity LowCardinality(String) DEFAULT 'day';
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS area_level LowCardinality(String) DEFAULT 'commune';
