-- Which version of the syndrome definitions (schemas/code-tables/definitions/vN.json) classified
-- each event, written by the count processor, so a change of definition is traceable in the
-- counts: `SELECT definitions_version, count() FROM events FINAL WHERE has(syndromes, 'ili') …`.
-- Rows stored before this migration hold '' (classified by the tables before versioning, which
-- v1 took over unchanged). Idempotent.
ALTER TABLE events ADD COLUMN IF NOT EXISTS definitions_version String DEFAULT '';
