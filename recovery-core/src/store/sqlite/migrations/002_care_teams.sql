-- Schema version 2: care teams, the grants inside them, providers' proposals and comments.
-- Encodings as in 001_init.sql; enums by their stable kebab-case names.
-- Shipped: never edit this file (MIGRATIONS.md).

-- One provider's place in one service user's care team.
CREATE TABLE memberships (
    id           BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    service_user BLOB    NOT NULL CHECK (length(service_user) = 16),
    provider     BLOB    NOT NULL CHECK (length(provider) = 16),
    status       TEXT    NOT NULL,
    invited_at   INTEGER NOT NULL,
    accepted_at  INTEGER,
    -- Both set exactly when the membership was declined or ended.
    ended_at     INTEGER,
    ended_by     BLOB    CHECK (ended_by IS NULL OR length(ended_by) = 16),
    CHECK ((ended_at IS NULL) = (ended_by IS NULL))
) STRICT;

-- A service user's team (and one provider in it), oldest invitation first.
CREATE INDEX memberships_by_service_user ON memberships (service_user, provider, invited_at, id);
-- A provider's caseload, oldest invitation first.
CREATE INDEX memberships_by_provider ON memberships (provider, invited_at, id);

-- What a service user shares with one member: one row per scope. The foreign key is the rule
-- that a grant belongs to an existing membership.
CREATE TABLE grants (
    membership BLOB    NOT NULL REFERENCES memberships (id),
    scope      TEXT    NOT NULL,
    level      TEXT    NOT NULL,
    expires_at INTEGER,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (membership, scope)
) STRICT, WITHOUT ROWID;

-- A provider's proposal of a goal or activity; content is serde_json of ProposalContent.
CREATE TABLE proposals (
    id          BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    owner       BLOB    NOT NULL CHECK (length(owner) = 16),
    provider    BLOB    NOT NULL CHECK (length(provider) = 16),
    content     TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    proposed_at INTEGER NOT NULL,
    decided_at  INTEGER,
    accepted_as BLOB    CHECK (accepted_as IS NULL OR length(accepted_as) = 16)
) STRICT;

-- A service user's proposals, and a provider's, optionally in one state, oldest first.
CREATE INDEX proposals_by_owner ON proposals (owner, status, proposed_at, id);
CREATE INDEX proposals_by_provider ON proposals (provider, status, proposed_at, id);

-- A provider's comment on a toolbox item.
CREATE TABLE comments (
    id         BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    owner      BLOB    NOT NULL CHECK (length(owner) = 16),
    item       BLOB    NOT NULL CHECK (length(item) = 16),
    author     BLOB    NOT NULL CHECK (length(author) = 16),
    text       TEXT    NOT NULL,
    written_at INTEGER NOT NULL
) STRICT;

-- The comments on one item, oldest first.
CREATE INDEX comments_by_item ON comments (item, written_at, id);
