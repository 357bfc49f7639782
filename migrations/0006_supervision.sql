-- Supervision rounds (issue 3, 公助): a supervisor's self-assessment rounds and self-inspection
-- requests, what institutions submit to them, the follow-up exchange, and the feedback reports.
-- Also in-app notifications, which every module may send.

CREATE TABLE notifications (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind text NOT NULL,
  title_ja text NOT NULL,
  title_en text NOT NULL,
  body_ja text NOT NULL DEFAULT '',
  body_en text NOT NULL DEFAULT '',
  link text,
  created_at timestamptz NOT NULL
);
CREATE INDEX notifications_org_time ON notifications (org_id, created_at DESC);

-- Read per person: a notification goes to the organisation, each member marks it read for themselves.
CREATE TABLE notification_reads (
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  read_at timestamptz NOT NULL,
  PRIMARY KEY (notification_id, user_id)
);

CREATE TABLE supervision_rounds (
  id uuid PRIMARY KEY,
  supervisor_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('self_assessment', 'self_inspection')),
  title_ja text NOT NULL,
  title_en text NOT NULL,
  catalog_id uuid NOT NULL REFERENCES catalogs (id),
  -- 'criteria': the institutions of the jurisdiction in the sectors / size bands (null = all);
  -- 'list': exactly the institutions named.
  target_mode text NOT NULL CHECK (target_mode IN ('criteria', 'list')),
  target_sectors text[],
  target_sizes text[],
  target_org_ids uuid[],
  opens_at timestamptz NOT NULL,
  due_at timestamptz NOT NULL,
  instructions text NOT NULL DEFAULT '',
  carry_forward boolean NOT NULL DEFAULT true,
  k_anonymity integer NOT NULL DEFAULT 5 CHECK (k_anonymity BETWEEN 2 AND 100),
  status text NOT NULL CHECK (status IN ('draft', 'published', 'closed')),
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  published_at timestamptz,
  published_by uuid REFERENCES users (id),
  closed_at timestamptz,
  feedback_generated_at timestamptz,
  feedback_released_at timestamptz,
  feedback_released_by uuid REFERENCES users (id),
  CONSTRAINT round_due_after_open CHECK (due_at > opens_at)
);
CREATE INDEX supervision_rounds_supervisor ON supervision_rounds (supervisor_org_id, created_at DESC);

-- One row per target institution, made at publication. Sector and size band are frozen then, so
-- peer groups do not move while the round runs.
CREATE TABLE supervision_round_targets (
  round_id uuid NOT NULL REFERENCES supervision_rounds (id) ON DELETE CASCADE,
  institution_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  sector text NOT NULL,
  size_band text NOT NULL,
  state text NOT NULL DEFAULT 'not_started' CHECK (state IN ('not_started', 'in_progress', 'submitted', 'returned')),
  assessment_id uuid REFERENCES assessments (id) ON DELETE SET NULL,
  current_submission_id uuid,
  last_reminded_at timestamptz,
  PRIMARY KEY (round_id, institution_org_id)
);
CREATE INDEX supervision_round_targets_institution ON supervision_round_targets (institution_org_id);

CREATE TABLE supervision_submissions (
  id uuid PRIMARY KEY,
  round_id uuid NOT NULL REFERENCES supervision_rounds (id) ON DELETE CASCADE,
  institution_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  version integer NOT NULL,
  assessment_id uuid REFERENCES assessments (id) ON DELETE SET NULL,
  source text NOT NULL CHECK (source IN ('online', 'import')),
  -- The exact bytes (RFC 8785 canonical JSON) whose SHA-256 is `digest`: either side can re-check it.
  snapshot text NOT NULL,
  digest text NOT NULL,
  submitted_by uuid NOT NULL REFERENCES users (id),
  submitted_at timestamptz NOT NULL,
  late boolean NOT NULL,
  overall_score double precision,
  basic_compliance double precision,
  desirable_adoption double precision,
  -- One character per catalog item in catalog order: '1' in place, '0' assessed and not in place,
  -- '-' not assessed (out of scope or N/A). The analysis counts these instead of grouping item rows.
  item_flags text NOT NULL,
  UNIQUE (round_id, institution_org_id, version)
);

ALTER TABLE supervision_round_targets
  ADD CONSTRAINT supervision_round_targets_current_submission
  FOREIGN KEY (current_submission_id) REFERENCES supervision_submissions (id);

-- Scores per top-level section and per item of each submission, derived once at submission so the
-- sector analysis aggregates in the database instead of re-scoring thousands of snapshots.
CREATE TABLE supervision_section_scores (
  submission_id uuid NOT NULL REFERENCES supervision_submissions (id) ON DELETE CASCADE,
  section_ref text NOT NULL,
  score double precision,
  basic_compliance double precision,
  PRIMARY KEY (submission_id, section_ref)
);

CREATE TABLE supervision_item_results (
  submission_id uuid NOT NULL REFERENCES supervision_submissions (id) ON DELETE CASCADE,
  item_ref text NOT NULL,
  assessed boolean NOT NULL, -- in scope and not N/A
  score real NOT NULL,
  in_place boolean NOT NULL,
  PRIMARY KEY (submission_id, item_ref)
);

-- The follow-up exchange (フォローアップ): returns with comments, the institution's answers, reminders.
CREATE TABLE supervision_followups (
  id uuid PRIMARY KEY,
  round_id uuid NOT NULL REFERENCES supervision_rounds (id) ON DELETE CASCADE,
  institution_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  submission_id uuid REFERENCES supervision_submissions (id),
  kind text NOT NULL CHECK (kind IN ('return', 'response', 'reminder', 'submission')),
  author_org_id uuid NOT NULL REFERENCES organisations (id),
  author_user_id uuid REFERENCES users (id),
  body text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL
);
CREATE INDEX supervision_followups_thread ON supervision_followups (round_id, institution_org_id, created_at);

-- Feedback reports, frozen when generated: a late change to the round does not move a released report.
CREATE TABLE supervision_feedback (
  round_id uuid NOT NULL REFERENCES supervision_rounds (id) ON DELETE CASCADE,
  institution_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  report jsonb NOT NULL,
  pdf_ja_sha256 text,
  pdf_en_sha256 text,
  generated_at timestamptz NOT NULL,
  PRIMARY KEY (round_id, institution_org_id)
);

CREATE TABLE supervision_feedback_jobs (
  round_id uuid PRIMARY KEY REFERENCES supervision_rounds (id) ON DELETE CASCADE,
  state text NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  total integer NOT NULL,
  done integer NOT NULL DEFAULT 0,
  started_by uuid REFERENCES users (id),
  started_at timestamptz NOT NULL,
  finished_at timestamptz,
  error text
);
