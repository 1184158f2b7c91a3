-- Schema version 1: people, and toolbox items with their full history.
--
-- Encodings (see docs/adr/0002-sqlite-store.md):
--   ids    16-byte BLOBs (the UUID's bytes, so BLOB order is UUID order);
--   times  INTEGER nanoseconds since 1970-01-01T00:00:00Z, exact for chrono's DateTime<Utc>
--          from 1677 to 2262;
--   bodies TEXT holding serde_json of ItemBody.
-- Shipped: never edit this file; add 002_....sql instead (MIGRATIONS.md).

CREATE TABLE people (
    id            BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    role          TEXT    NOT NULL,
    display_name  TEXT    NOT NULL,
    -- Both set exactly when the person is a provider.
    profession    TEXT,
    organisation  TEXT,
    registered_at INTEGER NOT NULL,
    CHECK ((profession IS NULL) = (organisation IS NULL))
) STRICT, WITHOUT ROWID;

-- The latest version of every item. kind, domain and parent repeat what the body says so
-- that every ItemQuery filter is an indexed column.
CREATE TABLE items (
    id         BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    owner      BLOB    NOT NULL REFERENCES people (id),
    kind       TEXT    NOT NULL,
    domain     TEXT,
    parent     BLOB    CHECK (parent IS NULL OR length(parent) = 16),
    version    INTEGER NOT NULL CHECK (version >= 1),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by BLOB    NOT NULL REFERENCES people (id),
    removed    INTEGER NOT NULL CHECK (removed IN (0, 1)),
    body       TEXT    NOT NULL
) STRICT;

-- Every version of every item, the latest included. owner, kind and created_at never change
-- between versions, so they are read from items.
CREATE TABLE item_versions (
    item       BLOB    NOT NULL REFERENCES items (id),
    version    INTEGER NOT NULL CHECK (version >= 1),
    updated_at INTEGER NOT NULL,
    updated_by BLOB    NOT NULL REFERENCES people (id),
    removed    INTEGER NOT NULL CHECK (removed IN (0, 1)),
    body       TEXT    NOT NULL,
    PRIMARY KEY (item, version)
) STRICT;

-- An owner's items of some kinds, oldest or newest first (lists, the dashboard, newest(1)).
CREATE INDEX items_by_owner_kind ON items (owner, kind, created_at, id);
-- An owner's items in one life domain, of one kind or any (status per domain, domain in use).
CREATE INDEX items_by_owner_domain ON items (owner, domain, kind, created_at, id)
    WHERE domain IS NOT NULL;
-- An owner's items under one parent, of one kind or any (a goal's activities, a measure's
-- registrations). The owner leads so that the planner, which has no statistics, prefers this
-- index to items_by_owner_kind whenever a parent is given.
CREATE INDEX items_by_owner_parent ON items (owner, parent, kind, created_at, id)
    WHERE parent IS NOT NULL;

-- The history is written by the same statement that writes the current row, so the two
-- tables cannot disagree: if the history row fails, the whole insert or update fails.
CREATE TRIGGER items_keep_first_version AFTER INSERT ON items
BEGIN
    INSERT INTO item_versions (item, version, updated_at, updated_by, removed, body)
    VALUES (NEW.id, NEW.version, NEW.updated_at, NEW.updated_by, NEW.removed, NEW.body);
END;

CREATE TRIGGER items_keep_next_version AFTER UPDATE ON items
BEGIN
    INSERT INTO item_versions (item, version, updated_at, updated_by, removed, body)
    VALUES (NEW.id, NEW.version, NEW.updated_at, NEW.updated_by, NEW.removed, NEW.body);
END;
