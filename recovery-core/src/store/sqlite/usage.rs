//! The usage log (`006_usage.sql`): `usage_events`, and the aggregates reports read, each one
//! range of an index.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rusqlite::{Row, params};

use super::encoding::{time_bound, time_from_sql, time_to_sql, uuid_at};
use super::error::store_error;
use super::transaction::SqliteTx;
use crate::model::ids::{ConversationId, UserId};
use crate::model::people::Role;
use crate::model::usage::{Module, Period, UsageEvent};
use crate::store::StoreError;
use crate::store::usage::{InvolvementTally, MessageUsage, ModuleTally, TeamTally, UsageTx};

/// One event.
pub(super) const INSERT_USAGE: &str = "\
    INSERT INTO usage_events (at, actor, role, module, action, subject, conversation, scope) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// Visits, people and postings of one module and role in a period. Asked pair by pair, each
/// is one range of `usage_by_module`; a `GROUP BY` over the period would sort every event.
pub(super) const MODULE_TALLY: &str = "\
    SELECT coalesce(sum(action = 'visit'), 0), count(DISTINCT actor), \
           coalesce(sum(action <> 'visit'), 0) \
    FROM usage_events WHERE module = ?1 AND role = ?2 AND at >= ?3 AND at < ?4";

/// The messages of a period, by conversation, then time.
pub(super) const MESSAGE_USAGE: &str = "\
    SELECT at, subject, conversation, role = 'provider' FROM usage_events \
    WHERE action = 'message' AND at >= ?1 AND at < ?2 ORDER BY conversation, at, seq";

/// People of a role registered before a moment.
pub(super) const REGISTERED: &str =
    "SELECT count(*) FROM people WHERE role = ?1 AND registered_at < ?2";

/// Distinct people of a role with a posting in a period: every action but `visit`, named so
/// that the index serves each one.
pub(super) const POSTING_PEOPLE: &str = "\
    SELECT count(DISTINCT actor) FROM usage_events \
    WHERE action IN ('post', 'message', 'goal', 'completion', 'crisis-plan', 'entry', 'share', \
                     'join', 'proposal', 'comment') \
      AND at >= ?2 AND at < ?3 AND role = ?1";

/// Service users with an own goal, a share, a crisis plan, before a moment.
pub(super) const INVOLVEMENT: &str = "\
    SELECT \
      (SELECT count(DISTINCT subject) FROM usage_events \
        WHERE action = 'goal' AND at < ?1 AND actor = subject), \
      (SELECT count(DISTINCT subject) FROM usage_events WHERE action = 'share' AND at < ?1), \
      (SELECT count(DISTINCT subject) FROM usage_events WHERE action = 'crisis-plan' AND at < ?1)";

/// Providers who had joined each team before a moment.
pub(super) const TEAM_PROVIDERS: &str = "\
    SELECT subject, count(DISTINCT actor) FROM usage_events \
    WHERE action = 'join' AND at < ?1 GROUP BY subject";

/// Scopes each service user had shared before a moment.
pub(super) const TEAM_SCOPES: &str = "\
    SELECT subject, count(DISTINCT scope) FROM usage_events \
    WHERE action = 'share' AND at < ?1 GROUP BY subject";

impl UsageTx for SqliteTx<'_> {
    fn record_usage(&mut self, event: &UsageEvent) -> Result<(), StoreError> {
        let at = time_to_sql(event.at, "usage.at")?;
        self.conn()?
            .prepare_cached(INSERT_USAGE)
            .and_then(|mut s| {
                s.execute(params![
                    at,
                    event.actor.as_uuid().as_bytes(),
                    event.role.as_str(),
                    event.module.as_str(),
                    event.action.as_str(),
                    event.subject.map(|s| s.as_uuid().into_bytes()),
                    event.conversation.map(|c| c.as_uuid().into_bytes()),
                    event.scope.as_ref().map(ToString::to_string),
                ])
            })
            .map_err(store_error)?;
        Ok(())
    }

    fn module_tallies(&mut self, period: &Period) -> Result<Vec<ModuleTally>, StoreError> {
        let conn = self.conn()?;
        let mut statement = conn.prepare_cached(MODULE_TALLY).map_err(store_error)?;
        let (from, to) = (time_bound(period.start()), time_bound(period.end()));
        let mut tallies = Vec::new();
        for module in Module::ALL {
            for role in Role::ALL {
                let (visits, people, postings): (i64, i64, i64) = statement
                    .query_row(params![module.as_str(), role.as_str(), &from, &to], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .map_err(store_error)?;
                if visits + postings > 0 {
                    tallies.push(ModuleTally {
                        module,
                        role,
                        visits: count(visits)?,
                        people: count(people)?,
                        postings: count(postings)?,
                    });
                }
            }
        }
        Ok(tallies)
    }

    fn message_usage(&mut self, period: &Period) -> Result<Vec<MessageUsage>, StoreError> {
        let rows = self
            .conn()?
            .prepare_cached(MESSAGE_USAGE)
            .and_then(|mut s| {
                s.query_map(
                    params![time_bound(period.start()), time_bound(period.end())],
                    MessageRow::read,
                )?
                .collect::<Result<Vec<_>, _>>()
            })
            .map_err(store_error)?;
        Ok(rows
            .into_iter()
            .map(|r| MessageUsage {
                at: time_from_sql(r.at),
                service_user: UserId::from_uuid(r.service_user),
                conversation: ConversationId::from_uuid(r.conversation),
                from_provider: r.from_provider,
            })
            .collect())
    }

    fn registered(&mut self, role: Role, before: DateTime<Utc>) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()?
            .prepare_cached(REGISTERED)
            .and_then(|mut s| s.query_row(params![role.as_str(), time_bound(before)], |r| r.get(0)))
            .map_err(store_error)?;
        count(n)
    }

    fn posting_people(&mut self, role: Role, period: &Period) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn()?
            .prepare_cached(POSTING_PEOPLE)
            .and_then(|mut s| {
                s.query_row(
                    params![
                        role.as_str(),
                        time_bound(period.start()),
                        time_bound(period.end())
                    ],
                    |r| r.get(0),
                )
            })
            .map_err(store_error)?;
        count(n)
    }

    fn involvement(&mut self, before: DateTime<Utc>) -> Result<InvolvementTally, StoreError> {
        let (goal, share, plan): (i64, i64, i64) = self
            .conn()?
            .prepare_cached(INVOLVEMENT)
            .and_then(|mut s| {
                s.query_row(params![time_bound(before)], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
            })
            .map_err(store_error)?;
        Ok(InvolvementTally {
            with_own_goal: count(goal)?,
            with_shared_scope: count(share)?,
            with_crisis_plan: count(plan)?,
        })
    }

    fn team_tallies(&mut self, before: DateTime<Utc>) -> Result<Vec<TeamTally>, StoreError> {
        let conn = self.conn()?;
        let per_subject = |sql: &str| {
            conn.prepare_cached(sql)
                .and_then(|mut s| {
                    s.query_map(params![time_bound(before)], |r| {
                        Ok((uuid_at(r, 0)?, r.get::<_, i64>(1)?))
                    })?
                    .collect::<Result<Vec<_>, _>>()
                })
                .map_err(store_error)
        };
        let mut teams: BTreeMap<UserId, TeamTally> = BTreeMap::new();
        for (subject, providers) in per_subject(TEAM_PROVIDERS)? {
            let service_user = UserId::from_uuid(subject);
            teams.insert(
                service_user,
                TeamTally {
                    service_user,
                    providers: count(providers)?,
                    scopes_shared: 0,
                },
            );
        }
        for (subject, scopes) in per_subject(TEAM_SCOPES)? {
            // Sharing needs an active member, so every sharer's team has been joined.
            if let Some(team) = teams.get_mut(&UserId::from_uuid(subject)) {
                team.scopes_shared = count(scopes)?;
            }
        }
        Ok(teams.into_values().collect())
    }
}

fn count(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| corrupt("count"))
}

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt {
        detail: format!("a usage event has an unreadable {what}"),
    }
}

/// One message row as read.
struct MessageRow {
    at: i64,
    service_user: uuid::Uuid,
    conversation: uuid::Uuid,
    from_provider: bool,
}

impl MessageRow {
    fn read(row: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            at: row.get(0)?,
            service_user: uuid_at(row, 1)?,
            conversation: uuid_at(row, 2)?,
            from_provider: row.get(3)?,
        })
    }
}

/// Keeps [`UsageAction`]'s names and [`POSTING_PEOPLE`]'s list in step.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::usage::UsageAction;

    #[test]
    fn posting_people_names_every_posting_action() {
        for action in UsageAction::ALL {
            let named = POSTING_PEOPLE.contains(&format!("'{}'", action.as_str()));
            assert_eq!(named, action.is_posting(), "{action:?}");
        }
    }
}
