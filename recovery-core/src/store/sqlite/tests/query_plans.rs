//! Every query the portal makes is served by an index: `EXPLAIN QUERY PLAN` shows a `SEARCH`
//! through the expected index and never a full `SCAN` of a table.

use rusqlite::params_from_iter;

use super::*;
use crate::store::ItemQuery;
use crate::store::sqlite::toolbox::items_sql;

/// The plan's lines for `sql` with `values` bound.
fn plan(store: &SqliteStore, sql: &str, values: Vec<rusqlite::types::Value>) -> Vec<String> {
    let conn = store.conn.lock().unwrap();
    let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
    stmt.query_map(params_from_iter(values), |row| row.get::<_, String>(3))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

fn assert_searches(lines: &[String], table: &str, index: &str, what: &str) {
    let on_table: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains(&format!(" {table} ")))
        .collect();
    assert!(
        !on_table.is_empty(),
        "{what}: no step reads {table}: {lines:?}"
    );
    for line in on_table {
        assert!(
            line.starts_with(&format!("SEARCH {table} USING ")),
            "{what}: {line}"
        );
        assert!(line.contains(index), "{what}: expected {index}, got {line}");
    }
    assert!(
        !lines.iter().any(|l| l.starts_with("SCAN")),
        "{what}: a full scan in {lines:?}"
    );
}

/// Asserts that a join takes exactly these steps (each given by the start of its plan line)
/// and that no step scans a table or sorts in a temporary b-tree.
fn assert_join_steps(lines: &[String], steps: &[&str]) {
    for step in steps {
        assert!(
            lines.iter().any(|l| l.starts_with(step)),
            "missing {step:?} in {lines:?}"
        );
    }
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with("SCAN") || l.contains("TEMP B-TREE")),
        "{lines:?}"
    );
}

#[test]
fn every_item_query_shape_the_portal_uses_searches_an_index() {
    let store = SqliteStore::open_in_memory().unwrap();
    let owner = UserId::new();
    let housing = DomainRef::Catalogue("housing".to_owned());
    let own = DomainRef::Own(DomainId::new());
    let parent = GoalId::new().item();
    let base = || ItemQuery::owner(owner);
    let shapes: Vec<(&str, ItemQuery, &str)> = vec![
        (
            "a list of one kind",
            base().kind(ItemKind::Goal),
            "items_by_owner_kind",
        ),
        (
            "the newest of one kind",
            base().kind(ItemKind::CrisisPlan).newest(1),
            "items_by_owner_kind",
        ),
        (
            "recent completions",
            base().kind(ItemKind::ActivityCompletion).newest(5),
            "items_by_owner_kind",
        ),
        (
            "the dashboard's kinds",
            base().kinds(&[
                ItemKind::WhatMatters,
                ItemKind::Goal,
                ItemKind::Activity,
                ItemKind::Medication,
                ItemKind::NetworkPerson,
                ItemKind::CrisisPlan,
                ItemKind::Measure,
            ]),
            "items_by_owner_kind",
        ),
        ("every item of an owner", base(), "items_by_owner_kind"),
        (
            "history-aware list",
            ItemQuery {
                include_removed: true,
                ..base().kind(ItemKind::Diary)
            },
            "items_by_owner_kind",
        ),
        (
            "created since",
            ItemQuery {
                created_since: Some(at(1, 0)),
                ..base().kind(ItemKind::Registration)
            },
            "items_by_owner_kind",
        ),
        (
            "latest status of a domain",
            base()
                .kind(ItemKind::Status)
                .domain(housing.clone())
                .newest(1),
            "items_by_owner_domain",
        ),
        (
            "status entries of a domain",
            ItemQuery {
                newest_first: true,
                ..base().kind(ItemKind::Status).domain(own.clone())
            },
            "items_by_owner_domain",
        ),
        (
            "goals of a domain",
            base().kind(ItemKind::Goal).domain(housing),
            "items_by_owner_domain",
        ),
        (
            "a domain in use",
            base().domain(own).newest(1),
            "items_by_owner_domain",
        ),
        (
            "a goal's activities",
            base().kind(ItemKind::Activity).parent(parent),
            "items_by_owner_parent",
        ),
        (
            "a measure's registrations",
            base().kind(ItemKind::Registration).parent(parent),
            "items_by_owner_parent",
        ),
        (
            "an activity's completions",
            base().kind(ItemKind::ActivityCompletion).parent(parent),
            "items_by_owner_parent",
        ),
        (
            "anything under a parent",
            base().parent(parent),
            "items_by_owner_parent",
        ),
    ];
    for (what, query, index) in shapes {
        let (sql, values) = items_sql(&query);
        assert_searches(&plan(&store, &sql, values), "items", index, what);
    }
}

#[test]
fn point_reads_and_writes_use_primary_keys() {
    use crate::store::sqlite::people::SELECT_PERSON;
    use crate::store::sqlite::toolbox::{SELECT_HISTORY, SELECT_ITEM, UPDATE_ITEM};
    use rusqlite::types::Value;

    let store = SqliteStore::open_in_memory().unwrap();
    let id = || Value::Blob(vec![7; 16]);
    assert_searches(
        &plan(&store, SELECT_PERSON, vec![id()]),
        "people",
        "PRIMARY KEY",
        "a person",
    );
    assert_searches(
        &plan(&store, SELECT_ITEM, vec![id()]),
        "items",
        "sqlite_autoindex_items_1",
        "an item",
    );
    let update = vec![Value::Null; 7]
        .into_iter()
        .chain([
            id(),
            Value::Integer(1),
            id(),
            Value::Null,
            Value::Integer(0),
        ])
        .collect();
    assert_searches(
        &plan(&store, UPDATE_ITEM, update),
        "items",
        "sqlite_autoindex_items_1",
        "an update",
    );

    let lines = plan(&store, SELECT_HISTORY, vec![id()]);
    assert_join_steps(
        &lines,
        &[
            "SEARCH v USING INDEX sqlite_autoindex_item_versions_1 (item=?)",
            "SEARCH i USING INDEX sqlite_autoindex_items_1 (id=?)",
        ],
    );
}

#[test]
fn every_team_and_access_log_query_the_portal_uses_searches_an_index() {
    use crate::model::team::{ProposalStatus, Scope};
    use crate::store::sqlite::audit::{ACCESS_RANGE, LAST_ACCESS, access_entries_sql};
    use crate::store::sqlite::team::{
        SELECT_COMMENTS, SELECT_GRANTS, SELECT_MEMBERSHIP, SELECT_PROPOSAL, memberships_sql,
        proposals_sql,
    };
    use crate::store::{AccessQuery, MembershipQuery, ProposalQuery};
    use rusqlite::types::Value;

    let store = SqliteStore::open_in_memory().unwrap();
    let (user, provider) = (UserId::new(), UserId::new());
    let id = || Value::Blob(vec![7; 16]);

    let memberships = [
        (
            "a service user's team",
            MembershipQuery {
                service_user: Some(user),
                provider: None,
            },
            "memberships_by_service_user",
        ),
        (
            "one member of a team",
            MembershipQuery {
                service_user: Some(user),
                provider: Some(provider),
            },
            "memberships_by_service_user",
        ),
        (
            "a provider's caseload",
            MembershipQuery {
                service_user: None,
                provider: Some(provider),
            },
            "memberships_by_provider",
        ),
    ];
    for (what, query, index) in memberships {
        let (sql, values) = memberships_sql(&query);
        assert_searches(&plan(&store, &sql, values), "memberships", index, what);
    }

    let pending = Some(ProposalStatus::Pending);
    let proposals = [
        (
            "a provider's pending proposals",
            ProposalQuery {
                owner: None,
                provider: Some(provider),
                status: pending,
            },
            "proposals_by_provider",
        ),
        (
            "a provider's proposals",
            ProposalQuery {
                owner: None,
                provider: Some(provider),
                status: None,
            },
            "proposals_by_provider",
        ),
        (
            "a service user's proposals",
            ProposalQuery {
                owner: Some(user),
                provider: None,
                status: None,
            },
            "proposals_by_owner",
        ),
        (
            "a service user's pending proposals",
            ProposalQuery {
                owner: Some(user),
                provider: None,
                status: pending,
            },
            "proposals_by_owner",
        ),
    ];
    for (what, query, index) in proposals {
        let (sql, values) = proposals_sql(&query);
        assert_searches(&plan(&store, &sql, values), "proposals", index, what);
    }

    assert_searches(
        &plan(&store, SELECT_MEMBERSHIP, vec![id()]),
        "memberships",
        "sqlite_autoindex_memberships_1",
        "a membership",
    );
    assert_searches(
        &plan(&store, SELECT_PROPOSAL, vec![id()]),
        "proposals",
        "sqlite_autoindex_proposals_1",
        "a proposal",
    );
    assert_searches(
        &plan(&store, SELECT_GRANTS, vec![id()]),
        "grants",
        "PRIMARY KEY",
        "a membership's grants",
    );
    assert_searches(
        &plan(&store, SELECT_COMMENTS, vec![id()]),
        "comments",
        "comments_by_item",
        "an item's comments",
    );

    let page = AccessQuery {
        subject: user,
        party: None,
        scope: None,
        from: None,
        until: None,
        before_seq: None,
        limit: 50,
    };
    let pages = [
        ("the newest page", page.clone()),
        (
            "the next page",
            AccessQuery {
                before_seq: Some(100),
                ..page.clone()
            },
        ),
        (
            "a filtered page",
            AccessQuery {
                party: Some(provider),
                scope: Some(Scope::Diary),
                from: Some(at(1, 0)),
                until: Some(at(2, 0)),
                before_seq: Some(100),
                ..page
            },
        ),
    ];
    for (what, query) in pages {
        let (sql, values) = access_entries_sql(&query);
        let lines = plan(&store, &sql, values);
        assert_searches(&lines, "access_log", "access_log_by_subject", what);
        assert!(
            !lines.iter().any(|l| l.contains("TEMP B-TREE")),
            "{what}: {lines:?}"
        );
    }
    let lines = plan(
        &store,
        ACCESS_RANGE,
        vec![Value::Integer(0), Value::Integer(500)],
    );
    assert_searches(
        &lines,
        "access_log",
        "INTEGER PRIMARY KEY",
        "a range of the chain",
    );
    let lines = plan(&store, LAST_ACCESS, vec![]);
    assert_searches(
        &lines,
        "access_log",
        "INTEGER PRIMARY KEY",
        "the last entry",
    );
}

#[test]
fn every_messaging_and_feed_query_the_portal_uses_searches_an_index() {
    use crate::store::sqlite::feed::{CHANGES_FOR, INSERT_CHANGE, INSERT_RECIPIENT, LAST_CHANGE};
    use crate::store::sqlite::messaging::{
        ADVANCE_CONVERSATION, INSERT_ATTACHMENT, INSERT_CONVERSATION, INSERT_MESSAGE,
        INSERT_PARTICIPANT, SELECT_ATTACHMENT, SELECT_CONVERSATION, SELECT_MESSAGE,
        SELECT_MESSAGES_BEFORE, SELECT_NEWEST_MESSAGES, SELECT_PARTICIPANTS, SELECT_PARTICIPATIONS,
        SELECT_READ_SEQ, SET_READ_SEQ,
    };
    use rusqlite::types::Value;

    let store = SqliteStore::open_in_memory().unwrap();
    let id = || Value::Blob(vec![7; 16]);
    let n = Value::Integer;

    let point_reads = [
        (
            "a conversation",
            SELECT_CONVERSATION,
            "conversations",
            "sqlite_autoindex_conversations_1",
        ),
        (
            "a message",
            SELECT_MESSAGE,
            "messages",
            "sqlite_autoindex_messages_1",
        ),
        (
            "an attachment",
            SELECT_ATTACHMENT,
            "attachments",
            "sqlite_autoindex_attachments_1",
        ),
    ];
    for (what, sql, table, index) in point_reads {
        assert_searches(&plan(&store, sql, vec![id()]), table, index, what);
    }

    // A conversation's participants come in position order straight from an index.
    let lines = plan(&store, SELECT_PARTICIPANTS, vec![id()]);
    assert_searches(
        &lines,
        "conversation_participants",
        "sqlite_autoindex_conversation_participants_2",
        "a conversation's participants",
    );
    let lines_read = plan(&store, SELECT_READ_SEQ, vec![id(), id()]);
    assert_searches(
        &lines_read,
        "conversation_participants",
        "PRIMARY KEY",
        "a read mark",
    );

    // Pages of messages: newest first through messages_by_conversation, no sorting.
    for (what, sql, values) in [
        ("the newest page", SELECT_NEWEST_MESSAGES, vec![id(), n(50)]),
        (
            "an older page",
            SELECT_MESSAGES_BEFORE,
            vec![id(), n(50), n(1000)],
        ),
    ] {
        let lines = plan(&store, sql, values);
        assert_searches(&lines, "messages", "messages_by_conversation", what);
        assert!(
            !lines.iter().any(|l| l.contains("TEMP B-TREE")),
            "{what}: {lines:?}"
        );
    }

    // The inbox and the unread counts: the person's index covers the participants' columns,
    // and each conversation is one primary-key step.
    let lines = plan(&store, SELECT_PARTICIPATIONS, vec![id()]);
    assert_join_steps(
        &lines,
        &[
            "SEARCH p USING COVERING INDEX participants_by_person (person=?)",
            "SEARCH c USING INDEX sqlite_autoindex_conversations_1 (id=?)",
        ],
    );

    // Writes find their rows by key.
    let lines = plan(&store, ADVANCE_CONVERSATION, vec![id(), n(2), n(0)]);
    assert_searches(
        &lines,
        "conversations",
        "sqlite_autoindex_conversations_1",
        "advancing",
    );
    let lines = plan(&store, SET_READ_SEQ, vec![id(), id(), n(1)]);
    assert!(
        !lines.iter().any(|l| l.starts_with("SCAN")),
        "setting a mark: {lines:?}"
    );
    // Inserts scan nothing, not even for foreign-key checks.
    let text = || Value::Text("x".into());
    let inserts = [
        (
            "a new conversation",
            INSERT_CONVERSATION,
            vec![id(), id(), text(), id(), n(0)],
        ),
        (
            "a new participant",
            INSERT_PARTICIPANT,
            vec![id(), id(), id(), n(1)],
        ),
        (
            "a new message",
            INSERT_MESSAGE,
            vec![id(), id(), n(1), id(), text(), n(0), text()],
        ),
        (
            "a new attachment",
            INSERT_ATTACHMENT,
            vec![id(), id(), id(), id(), n(0), text(), id(), n(0), text()],
        ),
        (
            "a new change",
            INSERT_CHANGE,
            vec![n(0), text(), id(), id()],
        ),
        ("a change's recipient", INSERT_RECIPIENT, vec![id(), n(1)]),
        (
            "a new membership (participants refer to memberships)",
            crate::store::sqlite::team::INSERT_MEMBERSHIP,
            vec![
                id(),
                id(),
                id(),
                text(),
                n(0),
                n(0),
                Value::Null,
                Value::Null,
            ],
        ),
        (
            "a new person (conversations refer to people)",
            crate::store::sqlite::people::INSERT_PERSON,
            vec![id(), text(), text(), Value::Null, Value::Null, n(0)],
        ),
    ];
    for (what, sql, values) in inserts {
        let lines = plan(&store, sql, values);
        assert!(
            !lines.iter().any(|l| l.starts_with("SCAN")),
            "{what}: {lines:?}"
        );
    }

    // A feed page: the recipient's primary key in seq order, each change by its rowid.
    let lines = plan(&store, CHANGES_FOR, vec![id(), n(0), n(200)]);
    assert_join_steps(
        &lines,
        &[
            "SEARCH r USING PRIMARY KEY (recipient=? AND seq>?)",
            "SEARCH c USING INTEGER PRIMARY KEY (rowid=?)",
        ],
    );
    let lines = plan(&store, LAST_CHANGE, vec![]);
    assert!(
        !lines.iter().any(|l| l.starts_with("SCAN")),
        "the last change: {lines:?}"
    );
}

#[test]
fn every_usage_report_query_searches_an_index() {
    use crate::store::sqlite::usage::{
        INSERT_USAGE, INVOLVEMENT, MESSAGE_USAGE, MODULE_TALLY, POSTING_PEOPLE, REGISTERED,
        TEAM_PROVIDERS, TEAM_SCOPES,
    };
    use rusqlite::types::Value;

    let store = SqliteStore::open_in_memory().unwrap();
    let n = Value::Integer;
    let text = |s: &str| Value::Text(s.to_owned());
    let shapes = [
        (
            "module tally",
            MODULE_TALLY,
            vec![text("forum"), text("provider"), n(0), n(1)],
            "usage_events",
            "usage_by_module",
        ),
        (
            "messages",
            MESSAGE_USAGE,
            vec![n(0), n(1)],
            "usage_events",
            "usage_by_action",
        ),
        (
            "registered",
            REGISTERED,
            vec![text("provider"), n(1)],
            "people",
            "people_by_role",
        ),
        (
            "posting people",
            POSTING_PEOPLE,
            vec![text("provider"), n(0), n(1)],
            "usage_events",
            "usage_by_action",
        ),
        (
            "involvement",
            INVOLVEMENT,
            vec![n(1)],
            "usage_events",
            "usage_by_action",
        ),
        (
            "team providers",
            TEAM_PROVIDERS,
            vec![n(1)],
            "usage_events",
            "usage_by_action",
        ),
        (
            "team scopes",
            TEAM_SCOPES,
            vec![n(1)],
            "usage_events",
            "usage_by_action",
        ),
    ];
    for (what, sql, values, table, index) in shapes {
        // The involvement query's three counts sit in one constant row.
        let lines: Vec<String> = plan(&store, sql, values)
            .into_iter()
            .filter(|l| l != "SCAN CONSTANT ROW")
            .collect();
        assert_searches(&lines, table, index, what);
    }
    let lines = plan(
        &store,
        INSERT_USAGE,
        vec![
            n(0),
            Value::Blob(vec![7; 16]),
            text("a"),
            text("b"),
            text("c"),
            Value::Null,
            Value::Null,
            Value::Null,
        ],
    );
    assert!(!lines.iter().any(|l| l.starts_with("SCAN")), "{lines:?}");
}
