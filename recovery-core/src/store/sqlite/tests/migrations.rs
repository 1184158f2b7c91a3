//! Upgrades: a file left by an older version opens to exactly the schema of a new file.

use std::path::Path;

use rusqlite::Connection;

use super::*;
use crate::config::SqliteOptions;
use crate::model::team::{Level, Membership, Scope, TeamStatus};

/// The schema as SQLite keeps it: every table, index and trigger (type, name, table and its
/// SQL with whitespace normalised), with the version pragmas.
#[derive(Debug, PartialEq)]
struct Schema {
    objects: Vec<[String; 4]>,
    version: u32,
    application_id: i32,
}

fn schema(path: &Path) -> Schema {
    let conn = Connection::open(path).unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY type, name",
        )
        .unwrap();
    let objects = stmt
        .query_map([], |row| {
            let sql: String = row.get(3)?;
            Ok([
                row.get(0)?,
                row.get(1)?,
                row.get(2)?,
                sql.split_whitespace().collect::<Vec<_>>().join(" "),
            ])
        })
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    Schema {
        objects,
        version: conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap(),
        application_id: conn
            .pragma_query_value(None, "application_id", |r| r.get(0))
            .unwrap(),
    }
}

#[test]
fn every_older_version_upgrades_to_the_fresh_schema() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("fresh.sqlite");
    drop(SqliteStore::open(&fresh, &SqliteOptions::default()).unwrap());
    let expected = schema(&fresh);
    assert_eq!(expected.version, SqliteStore::SCHEMA_VERSION);
    assert_eq!(expected.application_id, SqliteStore::APPLICATION_ID);
    assert!(
        expected
            .objects
            .iter()
            .any(|o| o[0] == "table" && o[1] == "item_versions")
    );

    for version in 1..=SqliteStore::SCHEMA_VERSION {
        let old = dir.path().join(format!("v{version}.sqlite"));
        SqliteStore::create_at_version(&old, version).unwrap();
        assert_eq!(schema(&old).version, version);
        drop(SqliteStore::open(&old, &SqliteOptions::default()).unwrap());
        assert_eq!(schema(&old), expected, "upgraded from version {version}");
    }
}

#[test]
fn a_v1_file_with_data_opens_with_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    SqliteStore::create_at_version(&path, 1).unwrap();
    // Rows as version 1 of the library wrote them, through SQL only.
    let (person, item) = ([1u8; 16], [2u8; 16]);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO people (id, role, display_name, registered_at) VALUES (?1, 'service-user', 'Anna', 1700000000123456789)",
            [&person],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO items (id, owner, kind, version, created_at, updated_at, updated_by, removed, body)
             VALUES (?1, ?2, 'what-matters', 1, 1700000000000000001, 1700000000000000001, ?2, 0,
                     '{\"kind\":\"what-matters\",\"content\":{\"text\":\"My dog\"}}')",
            [&item, &person],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    let owner = UserId::from_uuid(uuid::Uuid::from_bytes(person));
    let found = read(&store, |tx| {
        tx.item(ItemId::from_uuid(uuid::Uuid::from_bytes(item)))
    })
    .unwrap();
    assert_eq!(found.owner, owner);
    assert_eq!(
        found.body,
        ItemBody::WhatMatters(WhatMatters {
            text: "My dog".to_owned()
        })
    );
    assert_eq!(
        found.created_at,
        DateTime::from_timestamp_nanos(1_700_000_000_000_000_001)
    );
    assert_eq!(
        read(&store, |tx| tx.item_history(found.id)),
        vec![found.clone()]
    );
    assert_eq!(
        read(&store, |tx| tx.person(owner))
            .unwrap()
            .registered_at
            .timestamp_subsec_nanos(),
        123_456_789
    );
    // The tables of later versions are there and work.
    let team = Membership {
        id: MembershipId::new(),
        service_user: owner,
        provider: UserId::new(),
        status: TeamStatus::Proposed,
        invited_at: at(1, 0),
        accepted_at: None,
        ended: None,
    };
    write(&store, |tx| tx.insert_membership(&team));
    assert_eq!(read(&store, |tx| tx.membership(team.id)), Some(team));
    assert_eq!(read(&store, |tx| tx.last_access()), None);
}

#[test]
fn a_v2_file_with_a_care_team_opens_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v2.sqlite");
    SqliteStore::create_at_version(&path, 2).unwrap();
    let (membership, user, provider) = ([3u8; 16], [4u8; 16], [5u8; 16]);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO memberships (id, service_user, provider, status, invited_at, accepted_at)
             VALUES (?1, ?2, ?3, 'active', 1700000000000000000, 1700000000000000500)",
            [&membership, &user, &provider],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO grants (membership, scope, level, granted_at)
             VALUES (?1, 'domain/catalogue:housing', 'suggest', 1700000000000000600)",
            [&membership],
        )
        .unwrap();
    }
    let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    let id = MembershipId::from_uuid(uuid::Uuid::from_bytes(membership));
    let found = read(&store, |tx| tx.membership(id)).unwrap();
    assert_eq!(found.status, TeamStatus::Active);
    assert_eq!(
        found.accepted_at,
        Some(DateTime::from_timestamp_nanos(1_700_000_000_000_000_500))
    );
    let grants = read(&store, |tx| tx.grants(id));
    assert_eq!(grants.len(), 1);
    assert_eq!(
        grants[0].scope,
        Scope::Domain(DomainRef::Catalogue("housing".to_owned()))
    );
    assert_eq!(grants[0].level, Level::Suggest);
}

#[test]
fn a_v4_file_with_a_care_team_opens_and_takes_a_conversation() {
    use crate::{Actor, NewConversation, NewMessage, Portal, PortalConfig};

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v4.sqlite");
    SqliteStore::create_at_version(&path, 4).unwrap();
    // A service user and a provider in an active team, as version 4 of the library wrote them.
    let (user, provider, membership) = ([6u8; 16], [7u8; 16], [8u8; 16]);
    {
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "INSERT INTO people (id, role, display_name, registered_at)
             VALUES (?1, 'service-user', 'Anna', 1700000000000000000)",
            [&user],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO people (id, role, display_name, profession, organisation, registered_at)
             VALUES (?1, 'provider', 'Nils', 'psychiatrist', 'DPS', 1700000000000000000)",
            [&provider],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO memberships (id, service_user, provider, status, invited_at, accepted_at)
             VALUES (?1, ?2, ?3, 'active', 1700000000000000000, 1700000000000000500)",
            [&membership, &user, &provider],
        )
        .unwrap();
    }
    let portal = Portal::open(&path, PortalConfig::default()).unwrap();
    let anna = Actor::new(UserId::from_uuid(uuid::Uuid::from_bytes(user)));
    let nils = Actor::new(UserId::from_uuid(uuid::Uuid::from_bytes(provider)));
    let started = portal
        .start_conversation(
            &anna,
            NewConversation {
                with: vec![nils.id],
                subject: String::new(),
                message: NewMessage::text("Hello"),
            },
        )
        .unwrap();
    assert_eq!(
        started.conversation.providers[0].membership,
        MembershipId::from_uuid(uuid::Uuid::from_bytes(membership))
    );
    assert_eq!(portal.unread_counts(&nils).unwrap().total, 1);
    drop(portal);
    assert_eq!(schema(&path).version, SqliteStore::SCHEMA_VERSION);
}

#[test]
fn reopening_a_current_database_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let anna = service_user("Anna");
    {
        let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
        write(&store, |tx| tx.insert_person(&anna));
    }
    let first = schema(&path);
    let bytes = std::fs::read(&path).unwrap();
    for _ in 0..3 {
        let store = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
        assert_eq!(read(&store, |tx| tx.person(anna.id)), Some(anna.clone()));
    }
    assert_eq!(schema(&path), first);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "opening a current file writes nothing"
    );
}

#[test]
fn opening_one_new_file_from_many_threads_migrates_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let opened: Vec<Result<SqliteStore, StoreError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| SqliteStore::open(&path, &SqliteOptions::default())))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for store in &opened {
        assert!(store.is_ok(), "{store:?}");
    }
    drop(opened);
    assert_eq!(schema(&path).version, SqliteStore::SCHEMA_VERSION);
}

#[test]
fn create_at_version_refuses_an_existing_database_and_unknown_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    drop(SqliteStore::open(&path, &SqliteOptions::default()).unwrap());
    assert!(matches!(
        SqliteStore::create_at_version(&path, 1),
        Err(StoreError::Conflict { .. })
    ));
    let beyond = dir.path().join("beyond.sqlite");
    assert!(matches!(
        SqliteStore::create_at_version(&beyond, SqliteStore::SCHEMA_VERSION + 1),
        Err(StoreError::TooNew { .. })
    ));
}
