-- Schema 2 (issue 15, against MFA fatigue): wrong picks in choose mode in a row, which mute the
-- account after two. Approvals left unanswered need no column: they count as denials in
-- users.denials when a newer approval closes them.

ALTER TABLE users ADD COLUMN wrong_picks BIGINT NOT NULL DEFAULT 0;
