-- Issue 6 §2 and §3: Kamae's audit trail in the ledger, and institutions' own operation logs.

-- Appends write ledger_entries and ledger_nodes in bulk under the log's head lock. A foreign key
-- to ledger_logs costs a lookup and a row lock on the head row for every entry and node written
-- (a fifth of a batch's time on PostgreSQL); entries and nodes are only ever written by the
-- append that holds that row, and `kamae ledger audit` checks them against the head.
ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_log_id_fkey;
ALTER TABLE ledger_nodes DROP CONSTRAINT IF EXISTS ledger_nodes_log_id_fkey;

-- The global log of the audit trail; no owner: admins of a supervisor read it. Empty root = SHA-256('').
INSERT INTO ledger_logs (id, tree_size, root_hash) VALUES ('kamae-audit', 0, sha256(''::bytea))
  ON CONFLICT (id) DO NOTHING;

-- The deployment's audit salt: the key of the HMAC-SHA-256 digests that stand for user ids, target
-- ids and details in the audit log's entries. Made once here (two random uuids: 244 random bits)
-- and never changed; it stays in the database, so whoever reads the ledger without the database
-- cannot link a digest to a user. backfill_until: the audit events recorded before this migration,
-- which the sequencer puts in the log in id order (backfilled_through: how far it got).
CREATE TABLE ledger_audit_settings (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  salt bytea NOT NULL CHECK (octet_length(salt) = 32),
  backfill_until bigint NOT NULL,
  backfilled_through bigint NOT NULL DEFAULT 0
);
INSERT INTO ledger_audit_settings (salt, backfill_until)
  SELECT decode(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 'hex'),
         coalesce((SELECT max(id) FROM audit_events), 0);

-- Where each audit event sits in the 'kamae-audit' log (set when the sequencer appends it).
ALTER TABLE audit_events ADD COLUMN ledger_index bigint CHECK (ledger_index >= 0);

-- Entries waiting for their place in a log: written in the transaction of the change they record
-- (they commit or roll back with it), given indices in batches by the sequencer, then deleted.
-- Deliberately no foreign key to ledger_logs: it would take a share lock on the log's head row in
-- every recording transaction, the one row the sequencer locks.
CREATE TABLE ledger_pending (
  id bigserial PRIMARY KEY,
  log_id text NOT NULL,
  entry bytea NOT NULL,
  audit_event_id bigint,
  queued_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_pending_by_log ON ledger_pending (log_id, id);
CREATE INDEX ledger_pending_by_audit_event ON ledger_pending (audit_event_id) WHERE audit_event_id IS NOT NULL;

-- Every call that appended an institution's operation records: its idempotency key, the digest of
-- its records (SHA-256 over their leaf hashes), where they went and the signed head of their
-- receipts. A retried call with the same key finds its batch here.
CREATE TABLE ledger_operation_batches (
  id bigserial PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id),
  log_id text NOT NULL REFERENCES ledger_logs (id),
  idempotency_key text CHECK (idempotency_key ~ '^[\x21-\x7e]{1,255}$'),
  request_digest bytea NOT NULL CHECK (octet_length(request_digest) = 32),
  first_index bigint NOT NULL CHECK (first_index >= 0),
  record_count integer NOT NULL CHECK (record_count BETWEEN 1 AND 10000),
  head_id bigint NOT NULL REFERENCES ledger_heads (id),
  appended_by uuid REFERENCES users (id),
  appended_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT ledger_operation_batches_key UNIQUE (org_id, idempotency_key)
);
