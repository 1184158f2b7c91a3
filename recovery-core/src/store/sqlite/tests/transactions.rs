//! Transactions, connection settings and the errors of a shared file.

use std::sync::Arc;

use super::*;
use crate::config::SqliteOptions;
use crate::store::ItemQuery;

fn pragma<T: rusqlite::types::FromSql>(store: &SqliteStore, name: &str) -> T {
    store
        .conn
        .lock()
        .unwrap()
        .pragma_query_value(None, name, |row| row.get(0))
        .unwrap()
}

#[test]
fn store_is_send_and_sync() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<SqliteStore>();
}

#[test]
fn dropping_a_transaction_rolls_back_all_its_writes() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    let r = record(
        &anna,
        at(1, 0),
        ItemBody::WhatMatters(WhatMatters {
            text: "x".to_owned(),
        }),
    );
    {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        tx.insert_person(&anna).unwrap();
        tx.insert_item(&r).unwrap();
        assert_eq!(
            tx.item(r.id).unwrap().as_ref(),
            Some(&r),
            "visible inside the transaction"
        );
    }
    assert_eq!(read(&store, |tx| tx.person(anna.id)), None);
    assert_eq!(read(&store, |tx| tx.item(r.id)), None);
    assert_eq!(read(&store, |tx| tx.item_history(r.id)), vec![]);
    // The store is usable again, and the same writes now succeed.
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_item(&r)
    });
    assert_eq!(read(&store, |tx| tx.item(r.id)), Some(r));
}

#[test]
fn dropping_an_update_restores_the_previous_version_and_history() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    let v1 = record(
        &anna,
        at(1, 0),
        ItemBody::WhatMatters(WhatMatters {
            text: "one".to_owned(),
        }),
    );
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_item(&v1)
    });
    {
        let mut tx = store.transaction(TxMode::Write).unwrap();
        tx.update_item(&revised(&v1, anna.id, at(2, 0), v1.body.clone(), true))
            .unwrap();
    }
    assert_eq!(read(&store, |tx| tx.item(v1.id)).as_ref(), Some(&v1));
    assert_eq!(read(&store, |tx| tx.item_history(v1.id)), vec![v1]);
}

#[test]
fn a_panic_inside_a_transaction_rolls_back_and_leaves_the_store_usable() {
    let store = Arc::new(SqliteStore::open_in_memory().unwrap());
    let anna = service_user("Anna");
    let in_thread = Arc::clone(&store);
    let person = anna.clone();
    let outcome = std::thread::spawn(move || {
        let mut tx = in_thread.transaction(TxMode::Write).unwrap();
        tx.insert_person(&person).unwrap();
        panic!("the host's code panicked mid-transaction");
    })
    .join();
    assert!(outcome.is_err());
    assert!(
        store.conn.is_poisoned(),
        "the lock was held when the thread panicked"
    );

    assert_eq!(read(store.as_ref(), |tx| tx.person(anna.id)), None);
    write(store.as_ref(), |tx| tx.insert_person(&anna));
    assert_eq!(read(store.as_ref(), |tx| tx.person(anna.id)), Some(anna));
}

#[test]
fn a_failed_statement_keeps_the_transactions_earlier_writes() {
    let store = SqliteStore::open_in_memory().unwrap();
    let anna = service_user("Anna");
    let mut tx = store.transaction(TxMode::Write).unwrap();
    tx.insert_person(&anna).unwrap();
    assert!(matches!(
        tx.insert_person(&anna),
        Err(StoreError::Conflict { .. })
    ));
    tx.commit().unwrap();
    assert_eq!(read(&store, |tx| tx.person(anna.id)), Some(anna));
}

#[test]
fn writes_after_sqlite_rolled_the_transaction_back_are_refused() {
    use crate::store::sqlite::transaction::SqliteTx;
    use crate::store::{PeopleTx, Transaction};

    let store = SqliteStore::open_in_memory().unwrap();
    let (anna, bo) = (service_user("Anna"), service_user("Bo"));
    let mut tx = SqliteTx::begin(&store.conn, TxMode::Write, &store.damaged).unwrap();
    tx.insert_person(&anna).unwrap();
    // What SQLite does by itself after some errors (a full disk, an I/O error).
    tx.conn().unwrap().execute_batch("ROLLBACK").unwrap();
    let error = tx.insert_person(&bo).unwrap_err();
    assert!(
        matches!(error, StoreError::Backend { ref detail } if detail.contains("rolled back")),
        "{error:?}"
    );
    assert!(tx.person(anna.id).is_err());
    assert!(Box::new(tx).commit().is_err());
    assert_eq!(read(&store, |tx| tx.person(anna.id)), None);
    assert_eq!(
        read(&store, |tx| tx.person(bo.id)),
        None,
        "the refused write did not commit on its own"
    );
}

#[test]
fn connection_runs_with_wal_foreign_keys_and_the_configured_sync_and_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let normal = SqliteStore::open(dir.path().join("a.sqlite"), &SqliteOptions::default()).unwrap();
    assert_eq!(pragma::<String>(&normal, "journal_mode"), "wal");
    assert_eq!(pragma::<i64>(&normal, "foreign_keys"), 1);
    assert_eq!(pragma::<i64>(&normal, "synchronous"), 1, "NORMAL");
    assert_eq!(pragma::<i64>(&normal, "busy_timeout"), 5_000);

    let options = SqliteOptions {
        synchronous_full: true,
        busy_timeout_ms: 250,
        ..SqliteOptions::default()
    };
    let full = SqliteStore::open(dir.path().join("b.sqlite"), &options).unwrap();
    assert_eq!(pragma::<i64>(&full, "synchronous"), 2, "FULL");
    assert_eq!(pragma::<i64>(&full, "busy_timeout"), 250);
    assert_eq!(full.path(), Some(dir.path().join("b.sqlite").as_path()));
    assert_eq!(SqliteStore::open_in_memory().unwrap().path(), None);
}

#[test]
fn a_second_writer_gets_busy_after_the_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let impatient = SqliteOptions {
        busy_timeout_ms: 0,
        ..SqliteOptions::default()
    };
    let first = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    let second = SqliteStore::open(&path, &impatient).unwrap();
    let anna = service_user("Anna");

    let mut holding = first.transaction(TxMode::Write).unwrap();
    holding.insert_person(&anna).unwrap();
    assert!(matches!(
        second.transaction(TxMode::Write).err(),
        Some(StoreError::Busy)
    ));
    // Readers are not blocked by the writer, and do not see its uncommitted work.
    assert_eq!(read(&second, |tx| tx.person(anna.id)), None);
    holding.commit().unwrap();

    write(&second, |tx| tx.insert_person(&service_user("Bo")));
    assert_eq!(read(&second, |tx| tx.person(anna.id)), Some(anna));
}

#[test]
fn a_full_database_fails_with_full_and_keeps_what_was_committed() {
    let dir = tempfile::tempdir().unwrap();
    let store =
        SqliteStore::open(dir.path().join("portal.sqlite"), &SqliteOptions::default()).unwrap();
    let anna = service_user("Anna");
    let kept = record(
        &anna,
        at(1, 0),
        ItemBody::WhatMatters(WhatMatters {
            text: "kept".to_owned(),
        }),
    );
    write(&store, |tx| {
        tx.insert_person(&anna)?;
        tx.insert_item(&kept)
    });
    {
        let conn = store.conn.lock().unwrap();
        let pages: i64 = conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        conn.pragma_update(None, "max_page_count", pages + 4)
            .unwrap();
    }

    let mut tx = store.transaction(TxMode::Write).unwrap();
    let mut outcome = Ok(());
    for i in 0..200 {
        let body = ItemBody::Diary(DiaryEntry {
            day: date(2),
            text: "x".repeat(4_000),
        });
        outcome = tx.insert_item(&record(&anna, at(2, i), body));
        if outcome.is_err() {
            break;
        }
    }
    assert!(matches!(outcome, Err(StoreError::Full)), "{outcome:?}");
    drop(tx);

    let items = read(&store, |tx| tx.items(&ItemQuery::owner(anna.id)));
    assert_eq!(items, vec![kept]);
    store.check_integrity().unwrap();
}

#[test]
fn a_read_transaction_sees_one_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("portal.sqlite");
    let reader = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    let writer = SqliteStore::open(&path, &SqliteOptions::default()).unwrap();
    let anna = service_user("Anna");

    let mut tx = reader.transaction(TxMode::Read).unwrap();
    assert_eq!(tx.person(anna.id).unwrap(), None);
    write(&writer, |tx| tx.insert_person(&anna));
    assert_eq!(
        tx.person(anna.id).unwrap(),
        None,
        "the snapshot began with the first read"
    );
    tx.commit().unwrap();
    assert_eq!(read(&reader, |tx| tx.person(anna.id)), Some(anna));
}
