-- Self-assessment workflow: the note the author sends with a request for review (起票者から承認者への
-- コメント). Kept on the version itself, not in the audit trail, which stores only digests of what changed.
ALTER TABLE assessments ADD COLUMN review_comment text;
