-- People (issue 9): users with a role and a jurisdiction, their API tokens, their sessions
-- and failed sign-ins. Secrets are stored only as hashes: passwords as argon2id (PHC
-- string), tokens and session ids as the SHA-256 of the value (hex).
CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{1,63}$'),
  role text NOT NULL CHECK (role IN ('officer', 'epidemiologist', 'data_manager', 'admin')),
  jurisdiction_level text NOT NULL CHECK (jurisdiction_level IN ('national', 'province', 'communes')),
  province_code text CHECK (province_code ~ '^[0-9]{2}$'),
  communes text[],
  email text CHECK (length(email) <= 254),
  phone text CHECK (length(phone) <= 32),
  lang text NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi', 'en')),
  -- NULL for people who sign in only through OpenID Connect.
  password_hash text CHECK (password_hash LIKE '$argon2id$%'),
  oidc_issuer text,
  oidc_subject text,
  created_at timestamptz NOT NULL,
  disabled_at timestamptz,
  CONSTRAINT users_jurisdiction CHECK (
    (jurisdiction_level = 'national' AND province_code IS NULL AND communes IS NULL)
    OR (jurisdiction_level = 'province' AND province_code IS NOT NULL AND communes IS NULL)
    OR (jurisdiction_level = 'communes' AND province_code IS NULL AND cardinality(communes) >= 1)
  ),
  CONSTRAINT users_oidc_pair CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
  CONSTRAINT users_oidc_unique UNIQUE (oidc_issuer, oidc_subject)
);

-- Per-user API tokens for automation (`ews_ut_…`), shown once; revocable.
CREATE TABLE user_tokens (
  token_hash char(64) PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id),
  token_prefix text NOT NULL,
  created_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX user_tokens_user ON user_tokens (user_id);

-- Web sessions: the cookie carries the id, the table only its hash. A session ends at
-- expires_at, or when unused for the idle timeout (last_seen_at).
CREATE TABLE sessions (
  id_hash char(64) PRIMARY KEY CHECK (id_hash ~ '^[0-9a-f]{64}$'),
  user_id uuid NOT NULL REFERENCES users (id),
  csrf_token text NOT NULL,
  via text NOT NULL CHECK (via IN ('session', 'oidc')),
  client_address text,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, by the username tried and the client's address: sign-ins are slowed
-- when either has failed repeatedly in the recent past.
CREATE TABLE sign_in_failures (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  username text NOT NULL,
  client_address text NOT NULL
);
CREATE INDEX sign_in_failures_username ON sign_in_failures (username, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (client_address, at);
