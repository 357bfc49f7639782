-- Foundation: organisations, identity, sessions, audit trail, catalogs, assessments.
-- Every tenant-owned row carries org_id (DESIGN.md §3).

CREATE TABLE organisations (
  id uuid PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('institution', 'supervisor', 'isac')),
  name_ja text NOT NULL,
  name_en text NOT NULL,
  sector text CHECK (sector IN ('regional_bank', 'major_bank', 'shinkin', 'credit_union', 'securities',
                                'insurance', 'crypto_exchange', 'payment', 'other')),
  size_band text CHECK (size_band IN ('small', 'medium', 'large')),
  created_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT institution_has_sector_and_size
    CHECK ((kind = 'institution') = (sector IS NOT NULL AND size_band IS NOT NULL))
);

CREATE TABLE users (
  id uuid PRIMARY KEY,
  email text NOT NULL,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  locale text NOT NULL DEFAULT 'ja' CHECK (locale IN ('ja', 'en')),
  totp_secret text,
  totp_pending_secret text,
  totp_enabled_at timestamptz,
  totp_last_step bigint,
  failed_login_count integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));

CREATE TABLE recovery_codes (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code_hash text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

CREATE TABLE memberships (
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('admin', 'editor', 'approver', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_org ON memberships (org_id);

CREATE TABLE sessions (
  id text PRIMARY KEY, -- sha256 of the cookie token: a database leak yields no usable session
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  active_org_id uuid REFERENCES organisations (id) ON DELETE SET NULL,
  csrf_token text NOT NULL,
  mfa_verified boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE invitations (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  email text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'editor', 'approver', 'viewer')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by uuid REFERENCES users (id),
  revoked_at timestamptz
);
CREATE INDEX invitations_org ON invitations (org_id);

CREATE TABLE audit_events (
  id bigserial PRIMARY KEY,
  occurred_at timestamptz NOT NULL,
  actor_user_id uuid,
  org_id uuid,
  action text NOT NULL,
  target_type text NOT NULL,
  target_id text NOT NULL,
  before_digest text,
  after_digest text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_events_org_time ON audit_events (org_id, occurred_at);

CREATE TABLE catalogs (
  id uuid PRIMARY KEY,
  key text NOT NULL,
  version text NOT NULL,
  title_ja text NOT NULL,
  title_en text NOT NULL,
  content jsonb NOT NULL,
  digest text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (key, version)
);

CREATE TABLE catalog_items (
  catalog_id uuid NOT NULL REFERENCES catalogs (id) ON DELETE CASCADE,
  ref text NOT NULL,
  position integer NOT NULL,
  section_ref text NOT NULL,
  top_section_ref text NOT NULL,
  class text NOT NULL CHECK (class IN ('basic', 'desirable')),
  sectors text[],
  sizes text[],
  PRIMARY KEY (catalog_id, ref)
);

CREATE TABLE assessments (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  catalog_id uuid NOT NULL REFERENCES catalogs (id),
  lineage_id uuid NOT NULL, -- shared by every version of one assessment
  version integer NOT NULL,
  title text NOT NULL,
  status text NOT NULL CHECK (status IN ('draft', 'in_review', 'approved')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  review_requested_by uuid REFERENCES users (id),
  review_requested_at timestamptz,
  returned_by uuid REFERENCES users (id),
  returned_at timestamptz,
  return_comment text,
  approved_by uuid REFERENCES users (id),
  approved_at timestamptz,
  approval_comment text,
  locked_at timestamptz,
  UNIQUE (lineage_id, version)
);
CREATE INDEX assessments_org ON assessments (org_id);

CREATE TABLE assessment_answers (
  assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
  item_ref text NOT NULL,
  in_scope boolean NOT NULL,        -- false: outside the institution's sector / size, until brought in
  value integer,                    -- an option value of the item's scale; null = unanswered
  not_applicable boolean NOT NULL DEFAULT false,
  na_reason text,
  comment text,
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz,
  PRIMARY KEY (assessment_id, item_ref),
  CONSTRAINT na_needs_reason CHECK (NOT not_applicable OR (na_reason IS NOT NULL AND length(trim(na_reason)) > 0)),
  CONSTRAINT na_has_no_value CHECK (NOT (not_applicable AND value IS NOT NULL))
);

CREATE TABLE blobs (
  sha256 text PRIMARY KEY,
  size_bytes bigint NOT NULL,
  media_type text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE evidence (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  assessment_id uuid NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
  item_ref text NOT NULL,
  sha256 text NOT NULL REFERENCES blobs (sha256),
  filename text NOT NULL,
  media_type text NOT NULL,
  size_bytes bigint NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  uploaded_at timestamptz NOT NULL
);
CREATE INDEX evidence_assessment ON evidence (assessment_id, item_ref);

CREATE TABLE remediation_actions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  lineage_id uuid NOT NULL, -- a plan spans every version of its assessment
  title text NOT NULL,
  description text,
  owner text,
  due_date date,
  status text NOT NULL CHECK (status IN ('open', 'in_progress', 'done', 'cancelled')),
  item_refs text[] NOT NULL DEFAULT '{}',
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE INDEX remediation_actions_lineage ON remediation_actions (org_id, lineage_id);
