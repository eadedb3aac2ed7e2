-- The alert lifecycle (issue 10): one alert per event with its evidence, worked through the
-- WHO EWARS steps (schemas/alert-lifecycle.ts). Every change advances `version` by one and
-- is written only if the row still has the version it was read at (optimistic concurrency:
-- a stale version is a CONFLICT), so an officer's step and the grouping of new evidence
-- never overwrite each other. Each lifecycle step is a row of alert_steps and an audit_log
-- row, written in the transaction of the change.
CREATE TABLE lifecycle_alerts (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  -- `<family>|<area level>:<area code>`: what suppression and routing key on.
  criterion text NOT NULL,
  family text NOT NULL,
  area_level text NOT NULL CHECK (area_level IN ('commune', 'cluster', 'province')),
  area_code text NOT NULL,
  -- Every commune the evidence names; the provinces of the area (its code for a province
  -- alert, those of its communes): jurisdiction filters run on these two.
  communes text[] NOT NULL,
  provinces text[] NOT NULL,
  first_day date NOT NULL,
  last_day date NOT NULL CHECK (last_day >= first_day),
  level text NOT NULL CHECK (level IN ('yellow', 'red')),
  level_since timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('open', 'verified', 'discarded', 'monitoring', 'risk_assessed', 'risk_characterised', 'closed')),
  -- EvidenceItem[]: read and written whole with the alert (grouping replaces items in place).
  evidence jsonb NOT NULL,
  risk_assessment jsonb,
  risk_characterisation jsonb,
  -- The risk level of the characterisation (low … very_high), for filters and the inbox.
  risk_level text CHECK (risk_level IN ('low', 'moderate', 'high', 'very_high')),
  outcome jsonb,
  outbreak_end jsonb,
  closed_at timestamptz,
  merged_into text REFERENCES lifecycle_alerts (id),
  opened_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  version integer NOT NULL CHECK (version >= 1),
  CONSTRAINT lifecycle_alerts_closed CHECK ((status IN ('closed', 'discarded')) = (closed_at IS NOT NULL)),
  CONSTRAINT lifecycle_alerts_merged CHECK (merged_into IS NULL OR status = 'closed')
);
CREATE INDEX lifecycle_alerts_status ON lifecycle_alerts (status, closed_at);
CREATE INDEX lifecycle_alerts_opened ON lifecycle_alerts (opened_at DESC, id DESC);

-- One row per lifecycle step: who took the alert from which status to which, when, with
-- what notes and inputs; `version` is the alert's version after the step (one step per version).
CREATE TABLE alert_steps (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id text NOT NULL REFERENCES lifecycle_alerts (id),
  from_status text NOT NULL,
  to_status text NOT NULL,
  action text NOT NULL CHECK (action ~ '^[a-z_]{1,32}$'),
  actor text NOT NULL,
  at timestamptz NOT NULL,
  version integer NOT NULL,
  notes text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  CONSTRAINT alert_steps_one_per_version UNIQUE (alert_id, version)
);
