-- The notification outbox (issue 10): every notification an alert version causes is written
-- in the same transaction as that version, before anything is sent; senders then claim due
-- rows, deliver them and mark them. The idempotency key (alert id, alert version, event kind,
-- recipient, channel) is UNIQUE: replaying the same alert version never enqueues twice, and
-- the key travels with the delivery (Message-ID, Idempotency-Key) so a receiver can drop the
-- re-send that follows a crash between sending and marking.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 400),
  alert_id text NOT NULL,
  alert_version integer NOT NULL CHECK (alert_version >= 1),
  event text NOT NULL CHECK (event IN ('opened', 'level_raised', 'escalated', 'outbreak_ended')),
  recipient text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('email', 'sms', 'webhook')),
  -- E-mail address, phone number or webhook URL, as routed when enqueued.
  address text NOT NULL,
  lang text NOT NULL CHECK (lang IN ('vi', 'en')),
  -- What the channel renders (the alert message input, alerts/messages.ts).
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  -- Claims so far (a claim counts as an attempt: a crash mid-delivery still counts).
  attempts integer NOT NULL DEFAULT 0,
  enqueued_at timestamptz NOT NULL,
  -- When a sender may next claim it: a claim pushes it one lease ahead, so a sender that dies
  -- holding it gives it back when the lease runs out.
  next_attempt_at timestamptz NOT NULL,
  last_error text,
  delivered_at timestamptz,
  CONSTRAINT outbox_idempotency UNIQUE (idempotency_key)
);

CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
CREATE INDEX outbox_alert ON outbox (alert_id, alert_version);
