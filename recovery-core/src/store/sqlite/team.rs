//! Care teams: memberships, grants, proposals and comments (`002_care_teams.sql`).

use rusqlite::ToSql;
use rusqlite::types::Value;
use rusqlite::{OptionalExtension, Row, params, params_from_iter};

use super::encoding::{
    json_from_sql, json_to_sql, name_from_sql, name_to_sql, optional_uuid_at, time_from_sql,
    time_to_sql, uuid_at,
};
use super::error::{about, store_error, updated_one};
use super::transaction::SqliteTx;
use crate::model::ids::{CommentId, ItemId, MembershipId, ProposalId, UserId};
use crate::model::team::{Comment, Grant, Membership, Proposal, Scope};
use crate::store::{MembershipQuery, ProposalQuery, StoreError, TeamTx};

const MEMBERSHIP_COLUMNS: &str =
    "id, service_user, provider, status, invited_at, accepted_at, ended_at, ended_by";

/// A new membership.
pub(super) const INSERT_MEMBERSHIP: &str = "\
    INSERT INTO memberships (id, service_user, provider, status, invited_at, accepted_at, \
                             ended_at, ended_by) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// A membership's new state; its service user and provider never change.
pub(super) const UPDATE_MEMBERSHIP: &str = "\
    UPDATE memberships SET status = ?4, invited_at = ?5, accepted_at = ?6, ended_at = ?7, \
                           ended_by = ?8 \
    WHERE id = ?1 AND service_user = ?2 AND provider = ?3";

/// One membership by id.
pub(super) const SELECT_MEMBERSHIP: &str = "\
    SELECT id, service_user, provider, status, invited_at, accepted_at, ended_at, ended_by \
    FROM memberships WHERE id = ?1";

/// Sets the grant for a scope, replacing the one before.
pub(super) const PUT_GRANT: &str = "\
    INSERT INTO grants (membership, scope, level, expires_at, granted_at) \
    VALUES (?1, ?2, ?3, ?4, ?5) \
    ON CONFLICT (membership, scope) DO UPDATE \
    SET level = excluded.level, expires_at = excluded.expires_at, \
        granted_at = excluded.granted_at";

/// A membership's grants, by scope (byte order of the scope's string form, as Rust's).
pub(super) const SELECT_GRANTS: &str = "\
    SELECT membership, scope, level, expires_at, granted_at \
    FROM grants WHERE membership = ?1 ORDER BY scope";

const PROPOSAL_COLUMNS: &str =
    "id, owner, provider, content, status, proposed_at, decided_at, accepted_as";

/// A new proposal.
pub(super) const INSERT_PROPOSAL: &str = "\
    INSERT INTO proposals (id, owner, provider, content, status, proposed_at, decided_at, \
                           accepted_as) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// A proposal's new state; its owner, provider and content never change. The content is
/// compared as stored JSON, which serde_json writes the same way for equal values.
pub(super) const UPDATE_PROPOSAL: &str = "\
    UPDATE proposals SET status = ?5, proposed_at = ?6, decided_at = ?7, accepted_as = ?8 \
    WHERE id = ?1 AND owner = ?2 AND provider = ?3 AND content = ?4";

/// One proposal by id.
pub(super) const SELECT_PROPOSAL: &str = "\
    SELECT id, owner, provider, content, status, proposed_at, decided_at, accepted_as \
    FROM proposals WHERE id = ?1";

/// A new comment.
pub(super) const INSERT_COMMENT: &str = "\
    INSERT INTO comments (id, owner, item, author, text, written_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/// The comments on an item, oldest first.
pub(super) const SELECT_COMMENTS: &str = "\
    SELECT id, owner, item, author, text, written_at \
    FROM comments WHERE item = ?1 ORDER BY written_at, id";

impl TeamTx for SqliteTx<'_> {
    fn insert_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        let row = MembershipColumns::of(membership)?;
        self.conn()?
            .prepare_cached(INSERT_MEMBERSHIP)
            .and_then(|mut s| s.execute(row.params()))
            .map_err(|e| about(store_error(e), format_args!("membership {}", membership.id)))?;
        Ok(())
    }

    fn update_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        let row = MembershipColumns::of(membership)?;
        let changed = self
            .conn()?
            .prepare_cached(UPDATE_MEMBERSHIP)
            .and_then(|mut s| s.execute(row.params()))
            .map_err(|e| about(store_error(e), format_args!("membership {}", membership.id)))?;
        updated_one(changed, format_args!("membership {}", membership.id))
    }

    fn membership(&mut self, id: MembershipId) -> Result<Option<Membership>, StoreError> {
        let row = self
            .conn()?
            .prepare_cached(SELECT_MEMBERSHIP)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], MembershipRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        row.map(MembershipRow::into_membership).transpose()
    }

    fn memberships(&mut self, query: &MembershipQuery) -> Result<Vec<Membership>, StoreError> {
        let (sql, values) = memberships_sql(query);
        let rows = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), MembershipRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter()
            .map(MembershipRow::into_membership)
            .collect()
    }

    fn put_grant(&mut self, grant: &Grant) -> Result<(), StoreError> {
        let expires_at = grant
            .expires_at
            .map(|t| time_to_sql(t, "expires_at"))
            .transpose()?;
        let granted_at = time_to_sql(grant.granted_at, "granted_at")?;
        self.conn()?
            .prepare_cached(PUT_GRANT)
            .and_then(|mut s| {
                s.execute(params![
                    grant.membership.as_uuid().as_bytes(),
                    grant.scope.to_string(),
                    grant.level.as_str(),
                    expires_at,
                    granted_at,
                ])
            })
            .map_err(|e| {
                about(
                    store_error(e),
                    format_args!("membership {}", grant.membership),
                )
            })?;
        Ok(())
    }

    fn delete_grant(
        &mut self,
        membership: MembershipId,
        scope: &Scope,
    ) -> Result<bool, StoreError> {
        let deleted = self
            .conn()?
            .prepare_cached("DELETE FROM grants WHERE membership = ?1 AND scope = ?2")
            .and_then(|mut s| {
                s.execute(params![membership.as_uuid().as_bytes(), scope.to_string()])
            })
            .map_err(store_error)?;
        Ok(deleted > 0)
    }

    fn delete_grants(&mut self, membership: MembershipId) -> Result<usize, StoreError> {
        self.conn()?
            .prepare_cached("DELETE FROM grants WHERE membership = ?1")
            .and_then(|mut s| s.execute([membership.as_uuid().as_bytes()]))
            .map_err(store_error)
    }

    fn grants(&mut self, membership: MembershipId) -> Result<Vec<Grant>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(SELECT_GRANTS)
            .and_then(|mut s| {
                s.query_map([membership.as_uuid().as_bytes()], GrantRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(GrantRow::into_grant).collect()
    }

    fn insert_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError> {
        let row = ProposalColumns::of(proposal)?;
        self.conn()?
            .prepare_cached(INSERT_PROPOSAL)
            .and_then(|mut s| s.execute(row.params()))
            .map_err(|e| about(store_error(e), format_args!("proposal {}", proposal.id)))?;
        Ok(())
    }

    fn update_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError> {
        let row = ProposalColumns::of(proposal)?;
        let changed = self
            .conn()?
            .prepare_cached(UPDATE_PROPOSAL)
            .and_then(|mut s| s.execute(row.params()))
            .map_err(|e| about(store_error(e), format_args!("proposal {}", proposal.id)))?;
        updated_one(changed, format_args!("proposal {}", proposal.id))
    }

    fn proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, StoreError> {
        let row = self
            .conn()?
            .prepare_cached(SELECT_PROPOSAL)
            .and_then(|mut s| {
                s.query_row([id.as_uuid().as_bytes()], ProposalRow::read)
                    .optional()
            })
            .map_err(store_error)?;
        row.map(ProposalRow::into_proposal).transpose()
    }

    fn proposals(&mut self, query: &ProposalQuery) -> Result<Vec<Proposal>, StoreError> {
        let (sql, values) = proposals_sql(query);
        let rows = self
            .conn()?
            .prepare_cached(&sql)
            .and_then(|mut s| {
                s.query_map(params_from_iter(values), ProposalRow::read)?
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        rows.into_iter().map(ProposalRow::into_proposal).collect()
    }

    fn insert_comment(&mut self, comment: &Comment) -> Result<(), StoreError> {
        let written_at = time_to_sql(comment.written_at, "written_at")?;
        self.conn()?
            .prepare_cached(INSERT_COMMENT)
            .and_then(|mut s| {
                s.execute(params![
                    comment.id.as_uuid().as_bytes(),
                    comment.owner.as_uuid().as_bytes(),
                    comment.item.as_uuid().as_bytes(),
                    comment.author.as_uuid().as_bytes(),
                    comment.text,
                    written_at,
                ])
            })
            .map_err(|e| about(store_error(e), format_args!("comment {}", comment.id)))?;
        Ok(())
    }

    fn comments(&mut self, item: ItemId) -> Result<Vec<Comment>, StoreError> {
        self.conn()?
            .prepare_cached(SELECT_COMMENTS)
            .and_then(|mut s| {
                s.query_map([item.as_uuid().as_bytes()], |row| {
                    Ok(Comment {
                        id: CommentId::from_uuid(uuid_at(row, 0)?),
                        owner: UserId::from_uuid(uuid_at(row, 1)?),
                        item: ItemId::from_uuid(uuid_at(row, 2)?),
                        author: UserId::from_uuid(uuid_at(row, 3)?),
                        text: row.get(4)?,
                        written_at: time_from_sql(row.get(5)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)
    }
}

/// The SQL and parameters for a [`MembershipQuery`]; each filter the portal uses is served by
/// an index.
pub(super) fn memberships_sql(query: &MembershipQuery) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE 1");
    let mut values = Vec::new();
    if let Some(u) = query.service_user {
        sql.push_str(" AND service_user = ?");
        values.push(Value::Blob(u.as_uuid().as_bytes().to_vec()));
    }
    if let Some(p) = query.provider {
        sql.push_str(" AND provider = ?");
        values.push(Value::Blob(p.as_uuid().as_bytes().to_vec()));
    }
    sql.push_str(" ORDER BY invited_at, id");
    (sql, values)
}

/// The SQL and parameters for a [`ProposalQuery`].
pub(super) fn proposals_sql(query: &ProposalQuery) -> (String, Vec<Value>) {
    let mut sql = format!("SELECT {PROPOSAL_COLUMNS} FROM proposals WHERE 1");
    let mut values = Vec::new();
    if let Some(owner) = query.owner {
        sql.push_str(" AND owner = ?");
        values.push(Value::Blob(owner.as_uuid().as_bytes().to_vec()));
    }
    if let Some(provider) = query.provider {
        sql.push_str(" AND provider = ?");
        values.push(Value::Blob(provider.as_uuid().as_bytes().to_vec()));
    }
    if let Some(status) = query.status {
        sql.push_str(" AND status = ?");
        values.push(Value::Text(status.as_str().to_owned()));
    }
    sql.push_str(" ORDER BY proposed_at, id");
    (sql, values)
}

/// A membership's columns, encoded.
struct MembershipColumns {
    id: [u8; 16],
    service_user: [u8; 16],
    provider: [u8; 16],
    status: String,
    invited_at: i64,
    accepted_at: Option<i64>,
    ended_at: Option<i64>,
    ended_by: Option<[u8; 16]>,
}

impl MembershipColumns {
    fn of(m: &Membership) -> Result<Self, StoreError> {
        Ok(Self {
            id: m.id.as_uuid().into_bytes(),
            service_user: m.service_user.as_uuid().into_bytes(),
            provider: m.provider.as_uuid().into_bytes(),
            ended_by: m.ended.map(|(_, by)| by.as_uuid().into_bytes()),
            status: name_to_sql(m.status)?,
            invited_at: time_to_sql(m.invited_at, "invited_at")?,
            accepted_at: m
                .accepted_at
                .map(|t| time_to_sql(t, "accepted_at"))
                .transpose()?,
            ended_at: m
                .ended
                .map(|(t, _)| time_to_sql(t, "ended_at"))
                .transpose()?,
        })
    }

    /// The parameters of [`INSERT_MEMBERSHIP`] and [`UPDATE_MEMBERSHIP`], which number them
    /// alike.
    fn params(&self) -> [&dyn ToSql; 8] {
        [
            &self.id,
            &self.service_user,
            &self.provider,
            &self.status,
            &self.invited_at,
            &self.accepted_at,
            &self.ended_at,
            &self.ended_by,
        ]
    }
}

/// One `memberships` row as read.
struct MembershipRow {
    id: MembershipId,
    service_user: UserId,
    provider: UserId,
    status: String,
    invited_at: i64,
    accepted_at: Option<i64>,
    ended_at: Option<i64>,
    ended_by: Option<UserId>,
}

impl MembershipRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: MembershipId::from_uuid(uuid_at(row, 0)?),
            service_user: UserId::from_uuid(uuid_at(row, 1)?),
            provider: UserId::from_uuid(uuid_at(row, 2)?),
            status: row.get(3)?,
            invited_at: row.get(4)?,
            accepted_at: row.get(5)?,
            ended_at: row.get(6)?,
            ended_by: optional_uuid_at(row, 7)?.map(UserId::from_uuid),
        })
    }

    fn into_membership(self) -> Result<Membership, StoreError> {
        let status = name_from_sql(&self.status).ok_or_else(|| StoreError::Corrupt {
            detail: format!(
                "membership {}: stored status is not one this library knows",
                self.id
            ),
        })?;
        Ok(Membership {
            id: self.id,
            service_user: self.service_user,
            provider: self.provider,
            status,
            invited_at: time_from_sql(self.invited_at),
            accepted_at: self.accepted_at.map(time_from_sql),
            ended: self
                .ended_at
                .zip(self.ended_by)
                .map(|(t, by)| (time_from_sql(t), by)),
        })
    }
}

/// One `grants` row as read.
struct GrantRow {
    membership: MembershipId,
    scope: String,
    level: String,
    expires_at: Option<i64>,
    granted_at: i64,
}

impl GrantRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            membership: MembershipId::from_uuid(uuid_at(row, 0)?),
            scope: row.get(1)?,
            level: row.get(2)?,
            expires_at: row.get(3)?,
            granted_at: row.get(4)?,
        })
    }

    fn into_grant(self) -> Result<Grant, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt {
            detail: format!(
                "a grant of membership {}: stored {what} is not one this library knows",
                self.membership
            ),
        };
        Ok(Grant {
            membership: self.membership,
            scope: self.scope.parse().map_err(|_| corrupt("scope"))?,
            level: name_from_sql(&self.level).ok_or_else(|| corrupt("level"))?,
            expires_at: self.expires_at.map(time_from_sql),
            granted_at: time_from_sql(self.granted_at),
        })
    }
}

/// A proposal's columns, encoded.
struct ProposalColumns {
    id: [u8; 16],
    owner: [u8; 16],
    provider: [u8; 16],
    content: String,
    status: String,
    proposed_at: i64,
    decided_at: Option<i64>,
    accepted_as: Option<[u8; 16]>,
}

impl ProposalColumns {
    fn of(p: &Proposal) -> Result<Self, StoreError> {
        Ok(Self {
            id: p.id.as_uuid().into_bytes(),
            owner: p.owner.as_uuid().into_bytes(),
            provider: p.provider.as_uuid().into_bytes(),
            accepted_as: p.accepted_as.map(|i| i.as_uuid().into_bytes()),
            content: json_to_sql(&p.content, format_args!("proposal {}", p.id))?,
            status: name_to_sql(p.status)?,
            proposed_at: time_to_sql(p.proposed_at, "proposed_at")?,
            decided_at: p
                .decided_at
                .map(|t| time_to_sql(t, "decided_at"))
                .transpose()?,
        })
    }

    /// The parameters of [`INSERT_PROPOSAL`] and [`UPDATE_PROPOSAL`], which number them alike.
    fn params(&self) -> [&dyn ToSql; 8] {
        [
            &self.id,
            &self.owner,
            &self.provider,
            &self.content,
            &self.status,
            &self.proposed_at,
            &self.decided_at,
            &self.accepted_as,
        ]
    }
}

/// One `proposals` row as read.
struct ProposalRow {
    id: ProposalId,
    owner: UserId,
    provider: UserId,
    content: String,
    status: String,
    proposed_at: i64,
    decided_at: Option<i64>,
    accepted_as: Option<ItemId>,
}

impl ProposalRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            id: ProposalId::from_uuid(uuid_at(row, 0)?),
            owner: UserId::from_uuid(uuid_at(row, 1)?),
            provider: UserId::from_uuid(uuid_at(row, 2)?),
            content: row.get(3)?,
            status: row.get(4)?,
            proposed_at: row.get(5)?,
            decided_at: row.get(6)?,
            accepted_as: optional_uuid_at(row, 7)?.map(ItemId::from_uuid),
        })
    }

    fn into_proposal(self) -> Result<Proposal, StoreError> {
        let status = name_from_sql(&self.status).ok_or_else(|| StoreError::Corrupt {
            detail: format!(
                "proposal {}: stored status is not one this library knows",
                self.id
            ),
        })?;
        Ok(Proposal {
            content: json_from_sql(&self.content, format_args!("proposal {}", self.id))?,
            id: self.id,
            owner: self.owner,
            provider: self.provider,
            status,
            proposed_at: time_from_sql(self.proposed_at),
            decided_at: self.decided_at.map(time_from_sql),
            accepted_as: self.accepted_as,
        })
    }
}
