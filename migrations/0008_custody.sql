-- Cold-wallet withdrawal control for crypto-asset exchanges (issue 6 §4). Kamae holds no keys: it
-- records the request, its independent verification, the m-of-n approvals bound to the request's
-- digest, the execution and the reconciliation, and every step goes to the audit trail (and so to
-- the ledger). Amounts are decimal strings in normal form (src/modules/custody/decimal.ts), never
-- floats.

-- The exchange's policy: m-of-n and business hours (Japan time). One row per exchange, once set.
CREATE TABLE custody_policies (
  org_id uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
  approvals_required integer NOT NULL CHECK (approvals_required BETWEEN 1 AND 10),
  approvers_total integer NOT NULL CHECK (approvers_total BETWEEN 1 AND 20),
  business_days integer[] NOT NULL,
  business_start text NOT NULL CHECK (business_start ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  business_end text NOT NULL CHECK (business_end ~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$'),
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL,
  CONSTRAINT custody_policy_m_of_n CHECK (approvals_required <= approvers_total)
);

-- Limits per asset: largest single withdrawal, largest total of a Japan-time day, alert threshold.
CREATE TABLE custody_asset_limits (
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  asset text NOT NULL,
  single_max text NOT NULL CHECK (single_max ~ '^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$'),
  daily_max text NOT NULL CHECK (daily_max ~ '^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$'),
  alert_threshold text CHECK (alert_threshold ~ '^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$'),
  PRIMARY KEY (org_id, asset)
);

-- Proposed changes of the allow-list; pending until m distinct approvers approve them.
CREATE TABLE custody_allow_list_changes (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('add', 'remove')),
  asset text NOT NULL,
  address text NOT NULL,
  label text NOT NULL,
  entry_id uuid,
  reason text NOT NULL DEFAULT '',
  digest text NOT NULL,
  approvals_required integer NOT NULL CHECK (approvals_required >= 1),
  status text NOT NULL CHECK (status IN ('pending', 'applied', 'cancelled')),
  proposed_by uuid NOT NULL REFERENCES users (id),
  proposed_at timestamptz NOT NULL,
  decided_at timestamptz,
  cancelled_by uuid REFERENCES users (id),
  CONSTRAINT custody_change_entry CHECK ((kind = 'remove') = (entry_id IS NOT NULL))
);
CREATE INDEX custody_allow_list_changes_org ON custody_allow_list_changes (org_id, proposed_at DESC);
-- One pending change per address and asset at a time.
CREATE UNIQUE INDEX custody_allow_list_changes_pending ON custody_allow_list_changes (org_id, asset, address) WHERE status = 'pending';

CREATE TABLE custody_allow_list_change_approvals (
  change_id uuid NOT NULL REFERENCES custody_allow_list_changes (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  approver_id uuid NOT NULL REFERENCES users (id),
  digest text NOT NULL,
  approved_at timestamptz NOT NULL,
  PRIMARY KEY (change_id, approver_id)
);

-- The allow-list: destination addresses per asset, each added (and removed) by an applied change.
CREATE TABLE custody_allow_list_entries (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  asset text NOT NULL,
  address text NOT NULL,
  label text NOT NULL,
  added_by uuid NOT NULL REFERENCES users (id),
  added_at timestamptz NOT NULL,
  added_by_change uuid NOT NULL REFERENCES custody_allow_list_changes (id),
  removed_at timestamptz,
  removed_by_change uuid REFERENCES custody_allow_list_changes (id)
);
CREATE UNIQUE INDEX custody_allow_list_entries_active ON custody_allow_list_entries (org_id, asset, address) WHERE removed_at IS NULL;

CREATE TABLE custody_requests (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  reference text NOT NULL,
  status text NOT NULL CHECK (status IN ('requested', 'verified', 'approved', 'executed', 'reconciled', 'mismatch', 'cancelled')),
  asset text NOT NULL,
  amount text NOT NULL CHECK (amount ~ '^(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$' AND amount <> '0'),
  destination_address text NOT NULL,
  purpose text NOT NULL,
  -- sha256 of the RFC 8785 canonical JSON of the material fields (digests.ts); approvals bind to it.
  digest text NOT NULL,
  revision integer NOT NULL DEFAULT 1,
  approvals_required integer NOT NULL CHECK (approvals_required >= 1),
  requested_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  codes_sent integer NOT NULL DEFAULT 0,
  destination_approved_by uuid REFERENCES users (id),
  destination_approved_at timestamptz,
  destination_comment text,
  verified_by uuid REFERENCES users (id),
  verified_at timestamptz,
  approved_at timestamptz,
  executed_by uuid REFERENCES users (id),
  executed_at timestamptz,
  transaction_id text,
  execution_note text,
  reconciled_by uuid REFERENCES users (id),
  reconciled_at timestamptz,
  observed_amount text,
  observed_address text,
  observed_transaction_id text,
  reconciliation_differences text[],
  reconciliation_note text,
  cancelled_by uuid REFERENCES users (id),
  cancelled_at timestamptz,
  cancel_reason text,
  UNIQUE (org_id, reference)
);
CREATE INDEX custody_requests_org ON custody_requests (org_id, created_at DESC);
CREATE INDEX custody_requests_daily ON custody_requests (org_id, asset, created_at);

-- Approvals, each bound to the digest it approved; a change of the request voids them (voided_at).
CREATE TABLE custody_request_approvals (
  id uuid PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES custody_requests (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  approver_id uuid NOT NULL REFERENCES users (id),
  digest text NOT NULL,
  comment text,
  outside_hours boolean NOT NULL,
  approved_at timestamptz NOT NULL,
  voided_at timestamptz
);
-- The same approver counts once: one live approval per person and request.
CREATE UNIQUE INDEX custody_request_approvals_once ON custody_request_approvals (request_id, approver_id) WHERE voided_at IS NULL;

-- The live confirmation code of a request's verification: only a salted hash, bound to the digest.
CREATE TABLE custody_confirmation_codes (
  request_id uuid PRIMARY KEY REFERENCES custody_requests (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  verifier_id uuid NOT NULL REFERENCES users (id),
  digest text NOT NULL,
  salt text NOT NULL,
  code_hash text NOT NULL,
  expires_at timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  sent_at timestamptz NOT NULL
);

-- Every step of a request, an allow-list change or the policy, with the digest of what it acted on
-- and the digest of the step record itself (the after-digest of its audit event and ledger entry).
CREATE TABLE custody_steps (
  seq bigserial PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  subject_type text NOT NULL CHECK (subject_type IN ('request', 'allow_list_change', 'policy')),
  subject_id uuid NOT NULL,
  step text NOT NULL,
  actor_user_id uuid REFERENCES users (id),
  subject_digest text,
  step_digest text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX custody_steps_subject ON custody_steps (org_id, subject_id, seq);

-- Alerts for the exchange's admins: a new destination, an amount over threshold, an approval
-- outside business hours, a reconciliation mismatch, a code tried too often, a policy change.
CREATE TABLE custody_alerts (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('new_destination', 'amount_over_threshold', 'approval_outside_hours', 'reconciliation_mismatch', 'code_attempts_exceeded', 'policy_changed')),
  request_id uuid REFERENCES custody_requests (id) ON DELETE CASCADE,
  request_digest text,
  message_ja text NOT NULL,
  message_en text NOT NULL,
  raised_by uuid REFERENCES users (id),
  raised_at timestamptz NOT NULL,
  acknowledged_by uuid REFERENCES users (id),
  acknowledged_at timestamptz,
  acknowledgement_note text
);
CREATE INDEX custody_alerts_org ON custody_alerts (org_id, raised_at DESC);
