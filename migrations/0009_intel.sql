-- Threat-intelligence sharing (issue 5 §1–§3): the STIX 2.1 store, sharing under TLP 2.0 in ISACs and
-- sharing groups, the TAXII 2.1 server's collections, tokens and statuses, and the TAXII client's
-- subscriptions.

-- An ISAC (organisation kind 'isac') and its member institutions; the ISAC's admins manage the list.
CREATE TABLE intel_isac_members (
  isac_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  member_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  added_by uuid REFERENCES users (id),
  added_at timestamptz NOT NULL,
  PRIMARY KEY (isac_org_id, member_org_id),
  CONSTRAINT intel_isac_member_not_self CHECK (isac_org_id <> member_org_id)
);
CREATE INDEX intel_isac_members_member ON intel_isac_members (member_org_id);

-- A sharing group: a named set of organisations, managed by the admins of its owner (a member too).
CREATE TABLE intel_sharing_groups (
  id uuid PRIMARY KEY,
  owner_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name text NOT NULL,
  description text,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE TABLE intel_sharing_group_members (
  group_id uuid NOT NULL REFERENCES intel_sharing_groups (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL,
  PRIMARY KEY (group_id, org_id)
);
CREATE INDEX intel_sharing_group_members_org ON intel_sharing_group_members (org_id);

-- A TAXII collection belongs to a community: an ISAC (community_id = the ISAC's organisation id) or a
-- sharing group (community_id = the group's id). Its owner (the ISAC, or the group's owner) manages
-- it. The community's members read (and write) it when the flags say so; rights name anyone else.
CREATE TABLE intel_collections (
  id uuid PRIMARY KEY,
  community_kind text NOT NULL CHECK (community_kind IN ('isac', 'group')),
  community_id uuid NOT NULL,
  owner_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  title text NOT NULL,
  description text,
  default_tlp text NOT NULL CHECK (default_tlp IN ('red', 'amber+strict', 'amber', 'green', 'clear')),
  members_can_read boolean NOT NULL,
  members_can_write boolean NOT NULL,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX intel_collections_community ON intel_collections (community_id);
CREATE TABLE intel_collection_rights (
  collection_id uuid NOT NULL REFERENCES intel_collections (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  can_read boolean NOT NULL,
  can_write boolean NOT NULL,
  PRIMARY KEY (collection_id, org_id)
);
CREATE INDEX intel_collection_rights_org ON intel_collection_rights (org_id);

-- One act of sharing: an upload, a TAXII POST, a shared report, or a pull of a subscription. It
-- names the producer (kept even when the report is anonymous to members: never shown to others),
-- the label chosen, and (intel_share_recipients) the recipients TLP 2.0 reads:
-- 'org' (RED / AMBER+STRICT / AMBER recipient organisations), 'user' (RED: named people),
-- 'client' (AMBER: clients named by the producer or by a recipient organisation).
CREATE TABLE intel_shares (
  id uuid PRIMARY KEY,
  collection_id uuid NOT NULL REFERENCES intel_collections (id) ON DELETE CASCADE,
  producer_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  producer_user_id uuid REFERENCES users (id),
  via text NOT NULL CHECK (via IN ('upload', 'taxii', 'report', 'subscription')),
  tlp text NOT NULL CHECK (tlp IN ('red', 'amber+strict', 'amber', 'green', 'clear')),
  anonymous boolean NOT NULL DEFAULT false,
  subscription_id uuid,
  created_at timestamptz NOT NULL
);
CREATE INDEX intel_shares_producer ON intel_shares (producer_org_id, created_at);
CREATE TABLE intel_share_recipients (
  share_id uuid NOT NULL REFERENCES intel_shares (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('org', 'user', 'client')),
  org_id uuid REFERENCES organisations (id) ON DELETE CASCADE,
  user_id uuid REFERENCES users (id) ON DELETE CASCADE,
  named_by_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  added_at timestamptz NOT NULL,
  CONSTRAINT intel_share_recipient_target CHECK ((kind = 'user') = (user_id IS NOT NULL) AND (kind = 'user') = (org_id IS NULL))
);
CREATE UNIQUE INDEX intel_share_recipients_unique ON intel_share_recipients (share_id, kind, coalesce(org_id, user_id));
CREATE INDEX intel_share_recipients_org ON intel_share_recipients (org_id) WHERE org_id IS NOT NULL;
CREATE INDEX intel_share_recipients_user ON intel_share_recipients (user_id) WHERE user_id IS NOT NULL;

-- Every stored STIX object version, in one collection, with its JSON exactly as received. A version
-- is identified by `modified` (version_key: the timestamp padded so text order is time order); an
-- object without `modified` (SCOs, marking definitions) has one unversioned row (version_key '').
-- The same id and version shared by two producers are two rows: each keeps its own label and
-- recipients, and readers get one copy. date_added increases with seq inside a collection (the
-- ingest holds the collection's lock), so TAXII's "ordered by date added" is seq order.
-- No foreign keys on this table and the next: bulk ingest (TAXII POST, pulls) writes them by the
-- thousand; shares and collections are never deleted while their objects exist.
CREATE TABLE intel_objects (
  seq bigserial PRIMARY KEY,
  collection_id uuid NOT NULL,
  community_id uuid NOT NULL,
  share_id uuid NOT NULL,
  producer_org_id uuid NOT NULL,
  stix_id text NOT NULL,
  type text NOT NULL,
  spec_version text NOT NULL,
  version text NOT NULL,                -- what TAXII calls the version: modified, else created, else date added
  version_key text NOT NULL,
  created text,
  modified text,
  created_by_ref text,
  markings text[] NOT NULL DEFAULT '{}',
  tlp text NOT NULL CHECK (tlp IN ('red', 'amber+strict', 'amber', 'green', 'clear')),
  name text,                            -- name / value / pattern, for search
  revoked boolean NOT NULL DEFAULT false,
  date_added timestamptz NOT NULL,
  json text NOT NULL
);
CREATE UNIQUE INDEX intel_objects_version ON intel_objects (collection_id, stix_id, version_key, producer_org_id);
CREATE INDEX intel_objects_collection_seq ON intel_objects (collection_id, seq);
CREATE INDEX intel_objects_collection_added ON intel_objects (collection_id, date_added);
CREATE INDEX intel_objects_stix_id ON intel_objects (stix_id, version_key);
CREATE INDEX intel_objects_modified ON intel_objects (modified) WHERE modified IS NOT NULL;
CREATE INDEX intel_objects_type ON intel_objects (type, date_added);
CREATE INDEX intel_objects_created_by ON intel_objects (created_by_ref) WHERE created_by_ref IS NOT NULL;
CREATE INDEX intel_objects_markings ON intel_objects USING gin (markings);
CREATE INDEX intel_objects_tlp ON intel_objects (tlp, community_id);
CREATE INDEX intel_objects_producer ON intel_objects (producer_org_id, date_added);
CREATE INDEX intel_objects_share ON intel_objects (share_id);
CREATE INDEX intel_objects_added ON intel_objects (date_added);

-- The observables an indicator's pattern names (observablesOf): what matching looks up.
CREATE TABLE intel_observables (
  object_seq bigint NOT NULL,
  kind text NOT NULL,
  operator text NOT NULL,
  value text NOT NULL
);
CREATE INDEX intel_observables_object ON intel_observables (object_seq);
CREATE INDEX intel_observables_value ON intel_observables (kind, value);

-- Per-user API tokens for TAXII (HTTP Basic: the user's e-mail and the token). Only the SHA-256 of
-- the token is kept; it acts for one organisation, with the user's role there at the time of use.
CREATE TABLE intel_api_tokens (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  hint text NOT NULL,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX intel_api_tokens_user ON intel_api_tokens (user_id, created_at);

-- TAXII status resources of POSTed envelopes, readable by the organisation that posted.
CREATE TABLE intel_taxii_statuses (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  collection_id uuid NOT NULL REFERENCES intel_collections (id) ON DELETE CASCADE,
  status text NOT NULL CHECK (status IN ('complete', 'pending')),
  request_timestamp timestamptz NOT NULL,
  total_count integer NOT NULL,
  success_count integer NOT NULL,
  failure_count integer NOT NULL,
  pending_count integer NOT NULL,
  successes jsonb NOT NULL,
  failures jsonb NOT NULL,
  pendings jsonb NOT NULL
);

-- The TAXII client: a collection on another TAXII 2.1 server pulled into a local collection on a
-- schedule. The token is stored encrypted (AES-256-GCM, key id kept) and never returned by the API.
-- cursor: the X-TAXII-Date-Added-Last of the last page stored (the next pull's added_after), kept as
-- the server wrote it.
CREATE TABLE intel_subscriptions (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  title text NOT NULL,
  api_root_url text NOT NULL,
  remote_collection_id text NOT NULL,
  username text NOT NULL,
  token_ciphertext text NOT NULL,
  token_key_id text NOT NULL,
  collection_id uuid NOT NULL REFERENCES intel_collections (id) ON DELETE CASCADE,
  tlp text NOT NULL CHECK (tlp IN ('red', 'amber+strict', 'amber', 'green', 'clear')),
  interval_minutes integer NOT NULL CHECK (interval_minutes >= 1),
  active boolean NOT NULL DEFAULT true,
  cursor text,
  next_pull_at timestamptz NOT NULL,
  pulling_since timestamptz,
  last_pull_at timestamptz,
  last_result jsonb,
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX intel_subscriptions_org ON intel_subscriptions (org_id, created_at);
CREATE INDEX intel_subscriptions_due ON intel_subscriptions (next_pull_at) WHERE active;
