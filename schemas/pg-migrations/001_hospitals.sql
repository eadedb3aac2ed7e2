-- Hospitals that send events, and their API keys (issue 9). Keys are stored only as the
-- SHA-256 of the key (hex); the key itself is shown once, when issued.
CREATE TABLE hospitals (
  id text PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 64),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  province_code text CHECK (province_code ~ '^[0-9]{2}$'),
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);

-- One current key per hospital (retired_at NULL); a rotated key keeps retired_at, and is
-- accepted for the grace period after it; a revoked hospital's keys are all refused.
CREATE TABLE hospital_keys (
  key_hash char(64) PRIMARY KEY CHECK (key_hash ~ '^[0-9a-f]{64}$'),
  hospital_id text NOT NULL REFERENCES hospitals (id),
  key_prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  retired_at timestamptz
);

CREATE UNIQUE INDEX hospital_keys_one_current ON hospital_keys (hospital_id) WHERE retired_at IS NULL;
