-- Schema version 5: secure messaging (conversations, messages, attachments, read state) and
-- the change feed that messaging and proposals write to.
-- Encodings as in 001_init.sql; enums by their stable kebab-case names.
-- Shipped: never edit this file (MIGRATIONS.md).

CREATE TABLE conversations (
    id              BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    service_user    BLOB    NOT NULL REFERENCES people (id),
    subject         TEXT    NOT NULL,
    started_by      BLOB    NOT NULL REFERENCES people (id),
    started_at      INTEGER NOT NULL,
    -- The seq of the last message (0 before the first) and when it was sent: kept here so
    -- that unread counts are a subtraction, not a count of messages.
    last_seq        INTEGER NOT NULL CHECK (last_seq >= 0),
    last_message_at INTEGER NOT NULL
) STRICT;

-- Who takes part in a conversation, and how far each has read.
CREATE TABLE conversation_participants (
    conversation BLOB    NOT NULL REFERENCES conversations (id),
    person       BLOB    NOT NULL REFERENCES people (id),
    -- The provider's care-team membership that let them in; NULL for the service user.
    membership   BLOB    REFERENCES memberships (id),
    -- 0 for the service user, then the providers in the order named.
    position     INTEGER NOT NULL CHECK (position >= 0),
    read_seq     INTEGER NOT NULL CHECK (read_seq >= 0),
    PRIMARY KEY (conversation, person),
    UNIQUE (conversation, position)
) STRICT, WITHOUT ROWID;

-- A person's conversations with their read state (inbox, unread counts), without touching
-- the table: every column those queries read from it is in the index.
CREATE INDEX participants_by_person
    ON conversation_participants (person, conversation, membership, read_seq);

-- Messages, numbered from 1 in each conversation. attachments is serde_json of the
-- AttachmentInfo list, so a page of messages is one read of one table.
CREATE TABLE messages (
    id           BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    conversation BLOB    NOT NULL REFERENCES conversations (id),
    seq          INTEGER NOT NULL CHECK (seq >= 1),
    author       BLOB    NOT NULL REFERENCES people (id),
    body         TEXT    NOT NULL,
    sent_at      INTEGER NOT NULL,
    attachments  TEXT    NOT NULL
) STRICT;

-- A conversation's messages newest first, paged by seq; also the rule that seq is unique.
CREATE UNIQUE INDEX messages_by_conversation ON messages (conversation, seq);

-- Snapshots of toolbox items attached to messages; snapshot is serde_json of Snapshot.
CREATE TABLE attachments (
    id           BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    message      BLOB    NOT NULL REFERENCES messages (id),
    -- The message's conversation, repeated so that a read needs no join.
    conversation BLOB    NOT NULL CHECK (length(conversation) = 16),
    owner        BLOB    NOT NULL REFERENCES people (id),
    position     INTEGER NOT NULL CHECK (position >= 0),
    kind         TEXT    NOT NULL,
    source       BLOB    CHECK (source IS NULL OR length(source) = 16),
    taken_at     INTEGER NOT NULL,
    snapshot     TEXT    NOT NULL
) STRICT;

-- A message's attachments in order; also what SQLite's foreign-key checks on messages use.
CREATE INDEX attachments_by_message ON attachments (message, position);

-- Messages and snapshots are immutable: what was sent stays as it was sent.
CREATE TRIGGER messages_immutable BEFORE UPDATE ON messages
BEGIN
    SELECT RAISE(ABORT, 'messages are immutable');
END;

CREATE TRIGGER attachments_immutable BEFORE UPDATE ON attachments
BEGIN
    SELECT RAISE(ABORT, 'attachments are immutable');
END;

-- The change feed: every change once, numbered in commit order (the rowid, never reused
-- because rows are never deleted), and the people whose feeds it goes into.
CREATE TABLE changes (
    seq          INTEGER NOT NULL PRIMARY KEY CHECK (seq >= 1),
    at           INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    -- The message or proposal.
    target       BLOB    NOT NULL CHECK (length(target) = 16),
    -- The message's conversation; NULL for proposals and decisions.
    conversation BLOB    CHECK (conversation IS NULL OR length(conversation) = 16)
) STRICT;

-- One person's feed, in order: the primary key is the index.
CREATE TABLE change_recipients (
    recipient BLOB    NOT NULL CHECK (length(recipient) = 16),
    seq       INTEGER NOT NULL REFERENCES changes (seq),
    PRIMARY KEY (recipient, seq)
) STRICT, WITHOUT ROWID;
