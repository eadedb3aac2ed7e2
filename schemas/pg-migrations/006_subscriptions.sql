-- Subscriptions (issue 10): what each user of the store is notified of, stored and editable
-- (PUT /v1/me/subscription, /v1/admin/users/:username/subscription, ews users subscribe).
-- A user without a row keeps the default: an officer hears of every syndrome from yellow on
-- their e-mail and phone; other roles hear of nothing.
CREATE TABLE subscriptions (
  user_id uuid PRIMARY KEY REFERENCES users (id),
  -- Syndrome families of interest; empty = every one.
  syndromes text[] NOT NULL DEFAULT '{}',
  min_level text NOT NULL DEFAULT 'yellow' CHECK (min_level IN ('yellow', 'red')),
  -- Channels to use: e-mail and SMS go to the user's e-mail and phone, webhook to webhook_url.
  channels text[] NOT NULL CHECK (channels <@ ARRAY['email', 'sms', 'webhook']::text[]),
  webhook_url text CHECK (webhook_url ~ '^https?://' AND length(webhook_url) <= 2000),
  -- A province (or national) head: the target of the escalation of unacknowledged red alerts.
  head boolean NOT NULL DEFAULT false,
  -- false: notified of nothing, the choices kept for when it is switched on again.
  active boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL,
  CONSTRAINT subscriptions_webhook CHECK (NOT ('webhook' = ANY (channels)) OR webhook_url IS NOT NULL)
);
