-- Incident reporting to the supervisor (issue 4): 第一報 / 続報 / 最終報 (initial / intermediate / final).
-- An incident belongs to one institution (org_id). Every submitted report is an immutable version
-- (incident_reports: full content as JSON plus indexed columns); the next report is prepared as a
-- draft (incident_drafts), which no supervisor ever reads. Supervisors see the incidents of the
-- institutions in their jurisdiction (supervision_links), once a report has been submitted.

-- Which supervisor (FSA, a Local Finance Bureau, …) receives what from which institution. An
-- institution may be supervised by more than one supervisor.
CREATE TABLE supervision_links (
  supervisor_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  institution_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  linked_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (supervisor_org_id, institution_org_id),
  CONSTRAINT supervision_link_not_self CHECK (supervisor_org_id <> institution_org_id)
);
CREATE INDEX supervision_links_institution ON supervision_links (institution_org_id);

CREATE TABLE incidents (
  id uuid PRIMARY KEY,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  reference text NOT NULL,              -- INC-<year>-<n>, per institution
  created_by uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- What the latest SUBMITTED report says (never the draft): the supervisor's inbox filters on these.
  latest_version integer NOT NULL DEFAULT 0,
  latest_report_id uuid,
  latest_phase text CHECK (latest_phase IN ('initial', 'intermediate', 'final')),
  title text,
  category text,
  severity text,                        -- computed by the rule set; a supervisor's override is kept apart
  detected_at timestamptz,
  first_submitted_at timestamptz,
  last_submitted_at timestamptz,
  closed_at timestamptz,                -- when the final report was submitted
  -- The next report owed and when (deadline policy at the time of the last change).
  next_due_phase text CHECK (next_due_phase IN ('initial', 'intermediate', 'final')),
  next_due_at timestamptz,
  UNIQUE (org_id, reference),
  CONSTRAINT submitted_incident_is_complete
    CHECK (latest_version = 0 OR (latest_report_id IS NOT NULL AND latest_phase IS NOT NULL AND category IS NOT NULL
                                  AND severity IS NOT NULL AND detected_at IS NOT NULL AND first_submitted_at IS NOT NULL))
);
CREATE INDEX incidents_org ON incidents (org_id, updated_at);
CREATE INDEX incidents_submitted ON incidents (org_id, last_submitted_at) WHERE latest_version > 0;
CREATE INDEX incidents_next_due ON incidents (next_due_at) WHERE next_due_at IS NOT NULL;

CREATE TABLE incident_reports (
  id uuid PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  version integer NOT NULL CHECK (version >= 1),
  phase text NOT NULL CHECK (phase IN ('initial', 'intermediate', 'final')),
  category text NOT NULL,
  severity text NOT NULL,
  detected_at timestamptz NOT NULL,
  submitted_at timestamptz NOT NULL,
  submitted_by uuid NOT NULL REFERENCES users (id),
  due_at timestamptz,                   -- the deadline this report answered
  content jsonb NOT NULL,               -- the full report as submitted
  content_digest text NOT NULL,         -- sha256 of its RFC 8785 canonical JSON
  classification jsonb NOT NULL,        -- the rule set's verdict at submission: severity and criteria met
  UNIQUE (incident_id, version)
);
CREATE INDEX incident_reports_org ON incident_reports (org_id, submitted_at);
CREATE INDEX incident_reports_category ON incident_reports (category, severity);

-- A submitted report never changes (issue 4 §1: every submitted report is an immutable version).
CREATE FUNCTION incident_reports_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'incident reports are immutable once submitted';
END
$$;
CREATE TRIGGER incident_reports_no_update BEFORE UPDATE ON incident_reports
  FOR EACH ROW EXECUTE FUNCTION incident_reports_are_immutable();

ALTER TABLE incidents ADD CONSTRAINT incidents_latest_report
  FOREIGN KEY (latest_report_id) REFERENCES incident_reports (id) DEFERRABLE INITIALLY DEFERRED;

-- The next report, being written: one per incident, the institution's own.
CREATE TABLE incident_drafts (
  incident_id uuid PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  phase text NOT NULL CHECK (phase IN ('initial', 'intermediate', 'final')),
  content jsonb NOT NULL,
  updated_by uuid NOT NULL REFERENCES users (id),
  updated_at timestamptz NOT NULL
);

-- Files in the content-addressed blob store (the same as evidence). report_id is null while the file
-- waits for the next submission; it is set when that report is submitted, and never changes after.
CREATE TABLE incident_attachments (
  id uuid PRIMARY KEY,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  report_id uuid REFERENCES incident_reports (id) ON DELETE CASCADE,
  sha256 text NOT NULL REFERENCES blobs (sha256),
  filename text NOT NULL,
  media_type text NOT NULL,
  size_bytes bigint NOT NULL,
  uploaded_by uuid NOT NULL REFERENCES users (id),
  uploaded_at timestamptz NOT NULL
);
CREATE INDEX incident_attachments_incident ON incident_attachments (incident_id, uploaded_at);

-- Receipt of a submitted report, per supervisor (several may receive the same report).
CREATE TABLE incident_acknowledgements (
  report_id uuid NOT NULL REFERENCES incident_reports (id) ON DELETE CASCADE,
  supervisor_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  acknowledged_by uuid NOT NULL REFERENCES users (id),
  acknowledged_at timestamptz NOT NULL,
  comment text,
  PRIMARY KEY (report_id, supervisor_org_id)
);
CREATE INDEX incident_acknowledgements_incident ON incident_acknowledgements (incident_id, supervisor_org_id);

-- A supervisor's own severity, kept alongside the computed one, always with a reason.
CREATE TABLE incident_severity_overrides (
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  supervisor_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  severity text NOT NULL,
  reason text NOT NULL CHECK (length(trim(reason)) > 0),
  overridden_by uuid NOT NULL REFERENCES users (id),
  overridden_at timestamptz NOT NULL,
  PRIMARY KEY (incident_id, supervisor_org_id)
);

-- Requests for information and answers: one thread per incident and supervisor.
CREATE TABLE incident_messages (
  id uuid PRIMARY KEY,
  seq bigserial NOT NULL,               -- order of posting, also within one millisecond
  incident_id uuid NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  institution_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  supervisor_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  author_org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
  author_user_id uuid NOT NULL REFERENCES users (id),
  body text NOT NULL CHECK (length(trim(body)) > 0),
  created_at timestamptz NOT NULL,
  CONSTRAINT message_author_is_a_party CHECK (author_org_id IN (institution_org_id, supervisor_org_id))
);
CREATE INDEX incident_messages_thread ON incident_messages (incident_id, supervisor_org_id, seq);
