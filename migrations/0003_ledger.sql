-- Tamper-evident ledger: append-only RFC 9162 Merkle logs (leaf = SHA-256(0x00 || entry),
-- node = SHA-256(0x01 || left || right)). One row per log holds its head; an append batch locks
-- that row once, writes its entries and the perfect subtrees they complete, and moves the head.

CREATE TABLE ledger_logs (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9:._-]{0,127}$'), -- 'kamae-audit', 'org:<uuid>:operations'
  tree_size bigint NOT NULL DEFAULT 0 CHECK (tree_size >= 0),
  root_hash bytea NOT NULL CHECK (octet_length(root_hash) = 32), -- MTH of the first tree_size entries
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Entries are kept as the exact bytes that were hashed: RFC 8785 canonical JSON in UTF-8. (jsonb
-- would normalise them, and the leaf hash could no longer be recomputed from what is stored.)
CREATE TABLE ledger_entries (
  log_id text NOT NULL REFERENCES ledger_logs (id),
  idx bigint NOT NULL CHECK (idx >= 0),
  leaf_hash bytea NOT NULL CHECK (octet_length(leaf_hash) = 32),
  entry bytea NOT NULL,
  appended_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (log_id, idx)
);
CREATE INDEX ledger_entries_by_leaf_hash ON ledger_entries (log_id, leaf_hash);

-- The hash of every complete perfect subtree of 2^level leaves (level >= 1; level 0 is
-- ledger_entries.leaf_hash), starting at leaf idx * 2^level: any proof is O(log n) lookups here.
CREATE TABLE ledger_nodes (
  log_id text NOT NULL REFERENCES ledger_logs (id),
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 63),
  idx bigint NOT NULL CHECK (idx >= 0),
  hash bytea NOT NULL CHECK (octet_length(hash) = 32),
  PRIMARY KEY (log_id, level, idx)
);
