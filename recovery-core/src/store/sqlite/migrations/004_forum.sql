-- Schema version 4: the peer-support forum, and the reason code of moderation actions in the
-- access log. Encodings as in 001_init.sql; enums by their stable kebab-case names.
-- Shipped: never edit this file (MIGRATIONS.md).

-- A moderation action's reason code (never the moderator's note); NULL for every other entry.
ALTER TABLE access_log ADD COLUMN moderation_reason TEXT;

-- A person's forum membership. `person` is never shown in the forum; `pseudonym_key` and
-- `pseudonym_shape` are the pseudonym's two confusable-folded forms, each unique, so that
-- look-alikes collide here too.
CREATE TABLE forum_members (
    id              BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    person          BLOB    NOT NULL UNIQUE CHECK (length(person) = 16),
    pseudonym       TEXT    NOT NULL,
    pseudonym_key   TEXT    NOT NULL UNIQUE,
    pseudonym_shape TEXT    NOT NULL UNIQUE,
    joined_at       INTEGER NOT NULL,
    approved_posts  INTEGER NOT NULL CHECK (approved_posts >= 0),
    warnings        INTEGER NOT NULL CHECK (warnings >= 0),
    suspensions     INTEGER NOT NULL CHECK (suspensions >= 0),
    -- The current or last suspension: from set, until NULL means permanent.
    suspended_from  INTEGER,
    suspended_until INTEGER,
    CHECK (suspended_from IS NOT NULL OR suspended_until IS NULL)
) STRICT;

-- A thread. `opening` names its first post, inserted right after it.
CREATE TABLE forum_threads (
    id            BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    category      TEXT    NOT NULL,
    title         TEXT    NOT NULL,
    author        BLOB    NOT NULL CHECK (length(author) = 16),
    opening       BLOB    NOT NULL CHECK (length(opening) = 16),
    created_at    INTEGER NOT NULL,
    last_post_at  INTEGER NOT NULL,
    posts         INTEGER NOT NULL CHECK (posts >= 0),
    -- Both set exactly while a moderator has locked it.
    locked_at     INTEGER,
    locked_reason TEXT,
    CHECK ((locked_at IS NULL) = (locked_reason IS NULL))
) STRICT;

-- Every thread, newest activity first, and one category's.
CREATE INDEX forum_threads_by_activity ON forum_threads (last_post_at, id);
CREATE INDEX forum_threads_by_category ON forum_threads (category, last_post_at, id);

-- A post. `state` is visible | held | hidden-by-flags | hidden-by-moderator | deleted;
-- `state_at` is when it was hidden or deleted; `hidden_*` hold a moderator's reason and note.
-- `review_*` are set while it waits in the review queue, `review_key` being
-- Review::queue_key: the queue's order as one sortable string.
CREATE TABLE forum_posts (
    id                  BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    thread              BLOB    NOT NULL REFERENCES forum_threads (id),
    author              BLOB    NOT NULL CHECK (length(author) = 16),
    body                TEXT    NOT NULL,
    state               TEXT    NOT NULL,
    state_at            INTEGER,
    hidden_reason       TEXT,
    hidden_note         TEXT,
    created_at          INTEGER NOT NULL,
    edited_at           INTEGER,
    moderator_edit_at   INTEGER,
    moderator_edit_note TEXT,
    version             INTEGER NOT NULL CHECK (version >= 1),
    crisis_text         INTEGER NOT NULL CHECK (crisis_text IN (0, 1)),
    review_crisis       INTEGER CHECK (review_crisis IN (0, 1)),
    review_flaggers     INTEGER CHECK (review_flaggers >= 0),
    review_since        INTEGER,
    review_key          TEXT,
    CHECK ((state_at IS NULL) = (state IN ('visible', 'held'))),
    CHECK ((hidden_reason IS NULL) = (state <> 'hidden-by-moderator')),
    CHECK ((hidden_reason IS NULL) = (hidden_note IS NULL)),
    CHECK ((moderator_edit_at IS NULL) = (moderator_edit_note IS NULL)),
    CHECK ((review_key IS NULL) = (review_since IS NULL)),
    CHECK ((review_key IS NULL) = (review_crisis IS NULL)),
    CHECK ((review_key IS NULL) = (review_flaggers IS NULL))
) STRICT;

-- A thread's posts, oldest first, paged by (created_at, id).
CREATE INDEX forum_posts_by_thread ON forum_posts (thread, created_at, id);
-- A member's newest posts (rate limits).
CREATE INDEX forum_posts_by_author ON forum_posts (author, created_at);
-- The review queue in its order; only posts waiting in it.
CREATE INDEX forum_posts_review_queue ON forum_posts (review_key) WHERE review_key IS NOT NULL;

-- Earlier versions of edited posts. `replaced_by` is NULL for the author, else the moderator.
CREATE TABLE forum_post_versions (
    post        BLOB    NOT NULL REFERENCES forum_posts (id),
    version     INTEGER NOT NULL CHECK (version >= 1),
    body        TEXT    NOT NULL,
    written_at  INTEGER NOT NULL,
    replaced_at INTEGER NOT NULL,
    replaced_by BLOB    CHECK (replaced_by IS NULL OR length(replaced_by) = 16),
    PRIMARY KEY (post, version)
) STRICT, WITHOUT ROWID;

-- Flags: one per member per post, ever (the primary key is the rule).
CREATE TABLE forum_flags (
    post    BLOB    NOT NULL REFERENCES forum_posts (id),
    flagger BLOB    NOT NULL CHECK (length(flagger) = 16),
    reason  TEXT    NOT NULL,
    note    TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    cleared INTEGER NOT NULL CHECK (cleared IN (0, 1)),
    PRIMARY KEY (post, flagger)
) STRICT, WITHOUT ROWID;

-- A member's newest flags (rate limits).
CREATE INDEX forum_flags_by_flagger ON forum_flags (flagger, at);

-- Moderator actions with their notes. `until` is set for a suspension that ends by itself.
CREATE TABLE forum_moderation (
    id        BLOB    NOT NULL PRIMARY KEY CHECK (length(id) = 16),
    at        INTEGER NOT NULL,
    moderator BLOB    NOT NULL CHECK (length(moderator) = 16),
    member    BLOB    NOT NULL CHECK (length(member) = 16),
    action    TEXT    NOT NULL,
    until     INTEGER,
    reason    TEXT,
    note      TEXT    NOT NULL,
    post      BLOB    CHECK (post IS NULL OR length(post) = 16),
    thread    BLOB    CHECK (thread IS NULL OR length(thread) = 16),
    CHECK (until IS NULL OR action = 'suspend')
) STRICT;

-- The actions about one member, oldest first.
CREATE INDEX forum_moderation_by_member ON forum_moderation (member, at, id);
