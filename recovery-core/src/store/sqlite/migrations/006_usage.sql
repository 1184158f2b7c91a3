-- Schema version 6: the usage log, for reports to researchers (DESIGN 5 "Usage log and
-- reports"). Ids, roles, module and action names only: never what anyone wrote.
-- Encodings as in 001_init.sql; enums by their stable names.
-- Shipped: never edit this file (MIGRATIONS.md).

CREATE TABLE usage_events (
    seq          INTEGER NOT NULL PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        BLOB    NOT NULL CHECK (length(actor) = 16),
    role         TEXT    NOT NULL,
    module       TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    -- The service user the event concerns (an entry's owner, a conversation's or team's
    -- service user); NULL for visits and forum posts.
    subject      BLOB    CHECK (subject IS NULL OR length(subject) = 16),
    -- The conversation of a message.
    conversation BLOB    CHECK (conversation IS NULL OR length(conversation) = 16),
    -- The scope of a share.
    scope        TEXT
) STRICT;

-- Visits, people and postings of one module and role in a period: one range of the index,
-- no sorting (a report asks for each pair in turn).
CREATE INDEX usage_by_module ON usage_events (module, role, at, action, actor);
-- One action's events in a period (messages, goals, shares, joins, a role's postings).
CREATE INDEX usage_by_action ON usage_events (action, at, role, actor, subject);

-- People of a role registered before a moment (the denominators of a report).
CREATE INDEX people_by_role ON people (role, registered_at);

-- The log is append-only.
CREATE TRIGGER usage_events_append_only_update BEFORE UPDATE ON usage_events
BEGIN
    SELECT RAISE(ABORT, 'the usage log is append-only');
END;

CREATE TRIGGER usage_events_append_only_delete BEFORE DELETE ON usage_events
BEGIN
    SELECT RAISE(ABORT, 'the usage log is append-only');
END;
