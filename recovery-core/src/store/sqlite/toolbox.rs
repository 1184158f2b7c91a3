//! Toolbox items: the current `items` table and its `item_versions` history.
//!
//! The history rows are written by triggers on `items` (see `001_init.sql`), so one statement
//! writes both tables or neither.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::encoding::{
    body_to_sql, json_from_sql, time_bound, time_from_sql, time_to_sql, uuid_at,
};
use super::error::{about, store_error};
use super::transaction::SqliteTx;
use crate::model::ids::{ItemId, UserId};
use crate::model::toolbox::ItemRecord;
use crate::store::{ItemQuery, StoreError, ToolboxTx};

/// The columns every item read selects, in the order [`ItemRow::read`] expects.
const ITEM_COLUMNS: &str = "id, owner, version, created_at, updated_at, updated_by, removed, body";

/// Version 1 of an item; the `items_keep_first_version` trigger copies it into the history.
pub(super) const INSERT_ITEM: &str = "\
    INSERT INTO items (id, owner, kind, domain, parent, version, created_at, updated_at, \
                       updated_by, removed, body) \
    VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?7, ?8, ?9, ?10)";

/// The next version of an item; `items_keep_next_version` copies it into the history. The
/// WHERE clause is the whole rule of an update: the next version of an item whose owner, kind
/// and creation time are unchanged. Anything else updates no row.
pub(super) const UPDATE_ITEM: &str = "\
    UPDATE items \
    SET domain = ?1, parent = ?2, version = ?3, updated_at = ?4, updated_by = ?5, removed = ?6, \
        body = ?7 \
    WHERE id = ?8 AND version = ?9 AND owner = ?10 AND kind = ?11 AND created_at = ?12";

/// The latest version of one item.
pub(super) const SELECT_ITEM: &str = "\
    SELECT id, owner, version, created_at, updated_at, updated_by, removed, body \
    FROM items WHERE id = ?1";

/// Every version of an item; owner and created_at never change, so they come from `items`.
pub(super) const SELECT_HISTORY: &str = "\
    SELECT v.item, i.owner, v.version, i.created_at, v.updated_at, v.updated_by, v.removed, \
           v.body \
    FROM item_versions AS v JOIN items AS i ON i.id = v.item \
    WHERE v.item = ?1 \
    ORDER BY v.version";

impl ToolboxTx for SqliteTx<'_> {
    fn insert_item(&mut self, record: &ItemRecord) -> Result<(), StoreError> {
        if record.version != 1 {
            return Err(StoreError::Conflict {
                detail: format!("item {} exists or is not version 1", record.id),
            });
        }
        let columns = ItemColumns::of(record)?;
        self.conn()?
            .prepare_cached(INSERT_ITEM)
            .and_then(|mut s| {
                s.execute(params![
                    record.id.as_uuid().as_bytes(),
                    record.owner.as_uuid().as_bytes(),
                    record.kind().as_str(),
                    columns.domain,
                    columns.parent,
                    columns.created_at,
                    columns.updated_at,
                    record.updated_by.as_uuid().as_bytes(),
                    record.removed,
                    columns.body,
                ])
            })
            .map_err(|e| about(store_error(e), format_args!("item {}", record.id)))?;
        Ok(())
    }

    fn update_item(&mut self, record: &ItemRecord) -> Result<(), StoreError> {
        let conflict = || StoreError::Conflict {
            detail: format!("item {} version {} out of order", record.id, record.version),
        };
        let previous = record.version.checked_sub(1).ok_or_else(conflict)?;
        let columns = ItemColumns::of(record)?;
        let changed = self
            .conn()?
            .prepare_cached(UPDATE_ITEM)
            .and_then(|mut s| {
                s.execute(params![
                    columns.domain,
                    columns.parent,
                    record.version,
                    columns.updated_at,
                    record.updated_by.as_uuid().as_bytes(),
                    record.removed,
                    columns.body,
                    record.id.as_uuid().as_bytes(),
                    previous,
                    record.owner.as_uuid().as_bytes(),
                    record.kind().as_str(),
                    columns.created_at,
                ])
            })
            .map_err(|e| about(store_error(e), format_args!("item {}", record.id)))?;
        if changed == 1 {
            Ok(())
        } else {
            Err(conflict())
        }
    }

    fn item(&mut self, id: ItemId) -> Result<Option<ItemRecord>, StoreError> {
        let row = self
            .conn()?
            .prepare_cached(SELECT_ITEM)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], ItemRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        row.map(ItemRow::into_record).transpose()
    }

    fn items(&mut self, query: &ItemQuery) -> Result<Vec<ItemRecord>, StoreError> {
        let (sql, values) = items_sql(query);
        let rows = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), ItemRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(ItemRow::into_record).collect()
    }

    fn item_history(&mut self, id: ItemId) -> Result<Vec<ItemRecord>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(SELECT_HISTORY)
            .and_then(|mut s| {
                s.query_map([id.as_uuid().as_bytes()], ItemRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(ItemRow::into_record).collect()
    }
}

/// The SQL and parameters for an [`ItemQuery`]. Only the query's shape (which filters, how many
/// kinds, the order) is in the text, so each shape is prepared once and cached; every value is
/// a bound parameter. Each shape is served by an index (see the `EXPLAIN QUERY PLAN` test).
pub(super) fn items_sql(query: &ItemQuery) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {ITEM_COLUMNS} FROM items WHERE owner = ?");
    let mut values = vec![Value::Blob(query.owner.as_uuid().as_bytes().to_vec())];

    let mut kinds: Vec<&str> = query.kinds.iter().map(|k| k.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    match kinds.len() {
        0 => {}
        1 => sql.push_str(" AND kind = ?"),
        n => {
            sql.push_str(" AND kind IN (?");
            sql.push_str(&", ?".repeat(n - 1));
            sql.push(')');
        }
    }
    values.extend(kinds.into_iter().map(|k| Value::Text(k.to_owned())));

    if let Some(domain) = &query.domain {
        sql.push_str(" AND domain = ?");
        values.push(Value::Text(domain.to_string()));
    }
    if let Some(parent) = query.parent {
        sql.push_str(" AND parent = ?");
        values.push(Value::Blob(parent.as_uuid().as_bytes().to_vec()));
    }
    if !query.include_removed {
        sql.push_str(" AND removed = 0");
    }
    if let Some(since) = query.created_since {
        sql.push_str(" AND created_at >= ?");
        values.push(time_bound(since));
    }
    sql.push_str(if query.newest_first {
        " ORDER BY created_at DESC, id DESC"
    } else {
        " ORDER BY created_at, id"
    });
    if let Some(limit) = query.limit {
        sql.push_str(" LIMIT ?");
        values.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    (sql, values)
}

/// The columns of `items` that are derived from a record rather than copied.
struct ItemColumns {
    domain: Option<String>,
    parent: Option<[u8; 16]>,
    created_at: i64,
    updated_at: i64,
    body: String,
}

impl ItemColumns {
    fn of(record: &ItemRecord) -> Result<Self, StoreError> {
        Ok(Self {
            domain: record.body.domain().map(ToString::to_string),
            parent: record.body.parent().map(|p| *p.as_uuid().as_bytes()),
            created_at: time_to_sql(record.created_at, "created_at")?,
            updated_at: time_to_sql(record.updated_at, "updated_at")?,
            body: body_to_sql(&record.body, record.id)?,
        })
    }
}

/// One item version as read, before its body is parsed.
struct ItemRow {
    id: ItemId,
    owner: UserId,
    version: u32,
    created_at: i64,
    updated_at: i64,
    updated_by: UserId,
    removed: bool,
    body: String,
}

impl ItemRow {
    /// Reads [`ITEM_COLUMNS`] (or the history query's equivalent) from a row.
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: ItemId::from_uuid(uuid_at(row, 0)?),
            owner: UserId::from_uuid(uuid_at(row, 1)?),
            version: row.get(2)?,
            created_at: row.get(3)?,
            updated_at: row.get(4)?,
            updated_by: UserId::from_uuid(uuid_at(row, 5)?),
            removed: row.get(6)?,
            body: row.get(7)?,
        })
    }

    fn into_record(self) -> Result<ItemRecord, StoreError> {
        Ok(ItemRecord {
            body: json_from_sql(
                &self.body,
                format_args!("item {} version {}", self.id, self.version),
            )?,
            id: self.id,
            owner: self.owner,
            version: self.version,
            created_at: time_from_sql(self.created_at),
            updated_at: time_from_sql(self.updated_at),
            updated_by: self.updated_by,
            removed: self.removed,
        })
    }
}
