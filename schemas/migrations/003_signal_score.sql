-- Detector-specific standardised statistic beside the p-value.
ALTER TABLE signals ADD COLUMN IF NOT EXISTS score Nullable(Float64);
