-- Schema version 3: the append-only, hash-chained access log.
-- Entries hold ids, scopes and names, never health text, and no foreign keys: the log must
-- outlive the people and items it names.
-- Shipped: never edit this file (MIGRATIONS.md).

CREATE TABLE access_log (
    -- The entry's position, from 1 without gaps (the rowid).
    seq         INTEGER NOT NULL PRIMARY KEY CHECK (seq >= 1),
    at          INTEGER NOT NULL,
    actor       BLOB    NOT NULL CHECK (length(actor) = 16),
    subject     BLOB    NOT NULL CHECK (length(subject) = 16),
    action      TEXT    NOT NULL,
    scope       TEXT,
    counterpart BLOB    CHECK (counterpart IS NULL OR length(counterpart) = 16),
    target      BLOB    CHECK (target IS NULL OR length(target) = 16),
    level       TEXT,
    -- 'allowed', or 'denied' with the reason.
    outcome     TEXT    NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    reason      TEXT,
    prev_hash   BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash        BLOB    NOT NULL CHECK (length(hash) = 32),
    CHECK ((outcome = 'denied') = (reason IS NOT NULL))
) STRICT;

-- The entries about one person, newest first, paged by seq.
CREATE INDEX access_log_by_subject ON access_log (subject, seq);

-- Append-only for the library and for anyone using SQL by mistake. Someone with the file can
-- drop these triggers; the hash chain (verify_access_log) is what shows such tampering.
CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;

CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'the access log is append-only');
END;
