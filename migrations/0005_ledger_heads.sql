-- Signed tree heads of the ledger (issue 6 §1). A log gets a public uuid — its id in the API, in
-- signed heads and in exports (ledger_logs.id stays the internal name: 'kamae-audit',
-- 'org:<uuid>:operations') — and an owner: an organisation, or none for Kamae's global logs, which
-- only admins of a supervisor read.
ALTER TABLE ledger_logs
  ADD COLUMN uuid uuid NOT NULL DEFAULT gen_random_uuid(),
  ADD COLUMN owner_org_id uuid REFERENCES organisations (id);
ALTER TABLE ledger_logs ADD CONSTRAINT ledger_logs_uuid_key UNIQUE (uuid);
CREATE INDEX ledger_logs_by_owner ON ledger_logs (owner_org_id);

-- Every Ed25519 key that ever signed a head, kept after rotation so that old heads stay verifiable.
-- key_id = the first 16 bytes of SHA-256 of the raw 32-byte public key, in hex. A key signs heads
-- from valid_from until a newer key is registered (valid_until); a verifier refuses a head whose
-- timestamp lies outside its key's validity.
CREATE TABLE ledger_keys (
  key_id text PRIMARY KEY CHECK (key_id ~ '^[0-9a-f]{32}$'),
  algorithm text NOT NULL CHECK (algorithm = 'Ed25519'),
  public_key bytea NOT NULL UNIQUE CHECK (octet_length(public_key) = 32),
  valid_from timestamptz NOT NULL,
  valid_until timestamptz,
  CONSTRAINT ledger_key_validity CHECK (valid_until IS NULL OR valid_until >= valid_from)
);

-- Signed tree heads: the signature covers the RFC 8785 canonical JSON of
-- { keyId, logId (the log's uuid), rootHash (base64), timestamp (ms since the epoch), treeSize }.
-- timestamp_ms is kept as signed (an integer), so the signed bytes can be rebuilt exactly.
CREATE TABLE ledger_heads (
  id bigserial PRIMARY KEY,
  log_id text NOT NULL REFERENCES ledger_logs (id),
  tree_size bigint NOT NULL CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32),
  timestamp_ms bigint NOT NULL CHECK (timestamp_ms >= 0),
  key_id text NOT NULL REFERENCES ledger_keys (key_id),
  signature bytea NOT NULL CHECK (octet_length(signature) = 64),
  -- One head per size and key: signing again at an unchanged size is a no-op.
  CONSTRAINT ledger_heads_once UNIQUE (log_id, tree_size, key_id)
);
CREATE INDEX ledger_heads_latest ON ledger_heads (log_id, tree_size DESC, timestamp_ms DESC);
