//! The store conformance suite has teeth: a store with one of the faults real stores have
//! (times cut to milliseconds, numbers kept to 15 digits, no rollback, a wrong order, no version
//! check, unchecked fixed fields, orphan grants, an inclusive upper bound, a renumbering log)
//! fails the cases meant to catch it, while the same store without the fault passes every case.
#![allow(clippy::unwrap_used)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use chrono::{DateTime, SubsecRound, Utc};
use recovery_core::model::audit::AccessEntry;
use recovery_core::model::feed::{ChangeRecord, NewChange};
use recovery_core::model::forum::{Flag, Member, ModerationRecord, Post, PostVersion, Thread};
use recovery_core::model::team::{Comment, Grant, Membership, Proposal, Scope};
use recovery_core::store::conformance::{self, CASES, Case};
use recovery_core::store::forum::{PostQuery, QueuedPost, ThreadQuery};
use recovery_core::store::{
    AccessQuery, AuditTx, FeedTx, ForumTx, ItemQuery, MembershipQuery, MemoryStore, MessageQuery,
    MessagingTx, PeopleTx, ProposalQuery, Store, StoreError, TeamTx, ToolboxTx, Transaction,
    TxMode,
};
use recovery_core::store::{InvolvementTally, MessageUsage, ModuleTally, TeamTally, UsageTx};
use recovery_core::{
    Attachment, AttachmentId, Conversation, ConversationId, ItemBody, ItemId, ItemRecord,
    MeasureValue, MemberId, MembershipId, Message, MessageId, Participation, Person, PostId,
    ProposalId, ThreadId, UserId,
};
use recovery_core::{Period, Role, UsageAction, UsageEvent};

/// What is wrong with a [`Faulty`] store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Nothing: the store is `MemoryStore` behind a transparent wrapper.
    None,
    /// Times are kept to the millisecond.
    MillisecondTimes,
    /// Numbers are kept to 15 significant digits, as text conversions often do.
    FifteenDigitNumbers,
    /// A dropped transaction commits instead of rolling back.
    CommitOnDrop,
    /// `newest_first` is ignored.
    IgnoresNewestFirst,
    /// Items are listed by id, not by creation time.
    OrdersById,
    /// Updates are numbered by the store, whatever version they carry.
    NoVersionCheck,
    /// Membership and proposal updates keep the stored parties and content instead of refusing
    /// to change them (an `UPDATE` that leaves those columns out of both `SET` and `WHERE`).
    UncheckedFixedFields,
    /// A grant for a membership that does not exist is dropped but reported as written.
    OrphanGrants,
    /// Grants are listed in reverse scope order.
    GrantsInReverse,
    /// Memberships, proposals and comments are listed by id alone.
    TeamListsById,
    /// Appends are numbered by the store, whatever sequence number they carry.
    RenumberedAppends,
    /// `until` keeps entries at its time too.
    UntilInclusive,
    /// `party` matches the actor only, not the counterpart.
    PartyIsActorOnly,
    /// Access entries are listed oldest first.
    AccessOldestFirst,
    /// Pages of messages come oldest first.
    MessagesOldestFirst,
    /// Usage periods keep events at their end too.
    UsagePeriodEndInclusive,
    /// Any goal counts as the service user's own, whoever wrote it.
    EveryGoalIsOwn,
}

struct Faulty {
    inner: MemoryStore,
    fault: Fault,
}

impl Store for Faulty {
    fn transaction(&self, mode: TxMode) -> Result<Box<dyn Transaction + '_>, StoreError> {
        Ok(Box::new(FaultyTx {
            inner: Some(self.inner.transaction(mode)?),
            fault: self.fault,
        }))
    }
}

struct FaultyTx<'a> {
    inner: Option<Box<dyn Transaction + 'a>>,
    fault: Fault,
}

impl<'a> FaultyTx<'a> {
    fn inner(&mut self) -> &mut (dyn Transaction + 'a) {
        self.inner.as_deref_mut().unwrap()
    }

    /// The record as the faulty store would keep it.
    fn damage(&self, record: &ItemRecord) -> ItemRecord {
        let mut r = record.clone();
        match self.fault {
            Fault::MillisecondTimes => {
                r.created_at = r.created_at.trunc_subsecs(3);
                r.updated_at = r.updated_at.trunc_subsecs(3);
            }
            Fault::FifteenDigitNumbers => {
                if let ItemBody::Registration(reg) = &mut r.body {
                    if let MeasureValue::Number(n) = reg.value {
                        reg.value = MeasureValue::Number(format!("{n:.14e}").parse().unwrap());
                    }
                }
            }
            _ => {}
        }
        r
    }
}

/// A time as a store that keeps milliseconds would give it back.
fn millis(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(3)
}

impl FaultyTx<'_> {
    /// The membership as the faulty store would keep it.
    fn damage_membership(&self, membership: &Membership) -> Membership {
        let mut m = membership.clone();
        if self.fault == Fault::MillisecondTimes {
            m.invited_at = millis(m.invited_at);
            m.accepted_at = m.accepted_at.map(millis);
            m.ended = m.ended.map(|(t, by)| (millis(t), by));
        }
        m
    }

    /// The proposal as the faulty store would keep it.
    fn damage_proposal(&self, proposal: &Proposal) -> Proposal {
        let mut p = proposal.clone();
        if self.fault == Fault::MillisecondTimes {
            p.proposed_at = millis(p.proposed_at);
            p.decided_at = p.decided_at.map(millis);
        }
        p
    }
}

impl Drop for FaultyTx<'_> {
    fn drop(&mut self) {
        if let (Fault::CommitOnDrop, Some(inner)) = (self.fault, self.inner.take()) {
            inner.commit().unwrap();
        }
    }
}

impl Transaction for FaultyTx<'_> {
    fn commit(mut self: Box<Self>) -> Result<(), StoreError> {
        self.inner.take().unwrap().commit()
    }
}

impl PeopleTx for FaultyTx<'_> {
    fn insert_person(&mut self, person: &Person) -> Result<(), StoreError> {
        let mut p = person.clone();
        if self.fault == Fault::MillisecondTimes {
            p.registered_at = p.registered_at.trunc_subsecs(3);
        }
        self.inner().insert_person(&p)
    }

    fn person(&mut self, id: UserId) -> Result<Option<Person>, StoreError> {
        self.inner().person(id)
    }
}

impl ToolboxTx for FaultyTx<'_> {
    fn insert_item(&mut self, record: &ItemRecord) -> Result<(), StoreError> {
        let r = self.damage(record);
        self.inner().insert_item(&r)
    }

    fn update_item(&mut self, record: &ItemRecord) -> Result<(), StoreError> {
        let mut r = self.damage(record);
        if self.fault == Fault::NoVersionCheck {
            if let Some(latest) = self.inner().item(r.id)? {
                r.version = latest.version + 1;
            }
        }
        self.inner().update_item(&r)
    }

    fn item(&mut self, id: ItemId) -> Result<Option<ItemRecord>, StoreError> {
        self.inner().item(id)
    }

    fn items(&mut self, query: &ItemQuery) -> Result<Vec<ItemRecord>, StoreError> {
        let mut q = query.clone();
        match self.fault {
            Fault::IgnoresNewestFirst => q.newest_first = false,
            Fault::OrdersById => {
                // Order the whole list by id, then cut it: a store with the wrong index.
                let limit = q.limit.take();
                q.newest_first = false;
                let mut found = self.inner().items(&q)?;
                found.sort_by_key(|r| r.id);
                if query.newest_first {
                    found.reverse();
                }
                found.truncate(limit.unwrap_or(usize::MAX));
                return Ok(found);
            }
            _ => {}
        }
        self.inner().items(&q)
    }

    fn item_history(&mut self, id: ItemId) -> Result<Vec<ItemRecord>, StoreError> {
        self.inner().item_history(id)
    }
}

impl TeamTx for FaultyTx<'_> {
    fn insert_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        let m = self.damage_membership(membership);
        self.inner().insert_membership(&m)
    }

    fn update_membership(&mut self, membership: &Membership) -> Result<(), StoreError> {
        let mut m = self.damage_membership(membership);
        if self.fault == Fault::UncheckedFixedFields {
            if let Some(stored) = self.inner().membership(m.id)? {
                m.service_user = stored.service_user;
                m.provider = stored.provider;
            }
        }
        self.inner().update_membership(&m)
    }

    fn membership(&mut self, id: MembershipId) -> Result<Option<Membership>, StoreError> {
        self.inner().membership(id)
    }

    fn memberships(&mut self, query: &MembershipQuery) -> Result<Vec<Membership>, StoreError> {
        let mut found = self.inner().memberships(query)?;
        if self.fault == Fault::TeamListsById {
            found.sort_by_key(|m| m.id);
        }
        Ok(found)
    }

    fn put_grant(&mut self, grant: &Grant) -> Result<(), StoreError> {
        if self.fault == Fault::OrphanGrants && self.inner().membership(grant.membership)?.is_none()
        {
            return Ok(());
        }
        let mut g = grant.clone();
        if self.fault == Fault::MillisecondTimes {
            g.granted_at = millis(g.granted_at);
            g.expires_at = g.expires_at.map(millis);
        }
        self.inner().put_grant(&g)
    }

    fn delete_grant(
        &mut self,
        membership: MembershipId,
        scope: &Scope,
    ) -> Result<bool, StoreError> {
        self.inner().delete_grant(membership, scope)
    }

    fn delete_grants(&mut self, membership: MembershipId) -> Result<usize, StoreError> {
        self.inner().delete_grants(membership)
    }

    fn grants(&mut self, membership: MembershipId) -> Result<Vec<Grant>, StoreError> {
        let mut found = self.inner().grants(membership)?;
        if self.fault == Fault::GrantsInReverse {
            found.reverse();
        }
        Ok(found)
    }

    fn insert_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError> {
        let p = self.damage_proposal(proposal);
        self.inner().insert_proposal(&p)
    }

    fn update_proposal(&mut self, proposal: &Proposal) -> Result<(), StoreError> {
        let mut p = self.damage_proposal(proposal);
        if self.fault == Fault::UncheckedFixedFields {
            if let Some(stored) = self.inner().proposal(p.id)? {
                p.owner = stored.owner;
                p.provider = stored.provider;
                p.content = stored.content;
            }
        }
        self.inner().update_proposal(&p)
    }

    fn proposal(&mut self, id: ProposalId) -> Result<Option<Proposal>, StoreError> {
        self.inner().proposal(id)
    }

    fn proposals(&mut self, query: &ProposalQuery) -> Result<Vec<Proposal>, StoreError> {
        let mut found = self.inner().proposals(query)?;
        if self.fault == Fault::TeamListsById {
            found.sort_by_key(|p| p.id);
        }
        Ok(found)
    }

    fn insert_comment(&mut self, comment: &Comment) -> Result<(), StoreError> {
        let mut c = comment.clone();
        if self.fault == Fault::MillisecondTimes {
            c.written_at = millis(c.written_at);
        }
        self.inner().insert_comment(&c)
    }

    fn comments(&mut self, item: ItemId) -> Result<Vec<Comment>, StoreError> {
        let mut found = self.inner().comments(item)?;
        if self.fault == Fault::TeamListsById {
            found.sort_by_key(|c| c.id);
        }
        Ok(found)
    }
}

impl ForumTx for FaultyTx<'_> {
    fn insert_member(&mut self, member: &Member) -> Result<(), StoreError> {
        self.inner().insert_member(member)
    }

    fn update_member(&mut self, member: &Member) -> Result<(), StoreError> {
        self.inner().update_member(member)
    }

    fn member(&mut self, id: MemberId) -> Result<Option<Member>, StoreError> {
        self.inner().member(id)
    }

    fn member_of(&mut self, user: UserId) -> Result<Option<Member>, StoreError> {
        self.inner().member_of(user)
    }

    fn member_by_key(&mut self, key: &str, shape: &str) -> Result<Option<Member>, StoreError> {
        self.inner().member_by_key(key, shape)
    }

    fn insert_thread(&mut self, thread: &Thread) -> Result<(), StoreError> {
        self.inner().insert_thread(thread)
    }

    fn update_thread(&mut self, thread: &Thread) -> Result<(), StoreError> {
        self.inner().update_thread(thread)
    }

    fn thread(&mut self, id: ThreadId) -> Result<Option<Thread>, StoreError> {
        self.inner().thread(id)
    }

    fn threads(&mut self, query: &ThreadQuery) -> Result<Vec<Thread>, StoreError> {
        self.inner().threads(query)
    }

    fn insert_post(&mut self, post: &Post) -> Result<(), StoreError> {
        self.inner().insert_post(post)
    }

    fn update_post(&mut self, post: &Post) -> Result<(), StoreError> {
        self.inner().update_post(post)
    }

    fn post(&mut self, id: PostId) -> Result<Option<Post>, StoreError> {
        self.inner().post(id)
    }

    fn posts(&mut self, query: &PostQuery) -> Result<Vec<Post>, StoreError> {
        self.inner().posts(query)
    }

    fn post_times(
        &mut self,
        author: MemberId,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        self.inner().post_times(author, since, limit)
    }

    fn review_queue(
        &mut self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<QueuedPost>, StoreError> {
        self.inner().review_queue(after, limit)
    }

    fn insert_post_version(&mut self, version: &PostVersion) -> Result<(), StoreError> {
        self.inner().insert_post_version(version)
    }

    fn post_versions(&mut self, post: PostId) -> Result<Vec<PostVersion>, StoreError> {
        self.inner().post_versions(post)
    }

    fn delete_post_versions(&mut self, post: PostId) -> Result<usize, StoreError> {
        self.inner().delete_post_versions(post)
    }

    fn insert_flag(&mut self, flag: &Flag) -> Result<(), StoreError> {
        self.inner().insert_flag(flag)
    }

    fn flags(&mut self, post: PostId) -> Result<Vec<Flag>, StoreError> {
        self.inner().flags(post)
    }

    fn clear_flags(&mut self, post: PostId) -> Result<usize, StoreError> {
        self.inner().clear_flags(post)
    }

    fn flag_times(
        &mut self,
        flagger: MemberId,
        since: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        self.inner().flag_times(flagger, since, limit)
    }

    fn insert_moderation(&mut self, record: &ModerationRecord) -> Result<(), StoreError> {
        self.inner().insert_moderation(record)
    }

    fn moderation_records(
        &mut self,
        member: MemberId,
    ) -> Result<Vec<ModerationRecord>, StoreError> {
        self.inner().moderation_records(member)
    }
}

impl AuditTx for FaultyTx<'_> {
    fn append_access(&mut self, entry: &AccessEntry) -> Result<(), StoreError> {
        let mut e = entry.clone();
        if self.fault == Fault::MillisecondTimes {
            e.event.at = millis(e.event.at);
        }
        if self.fault == Fault::RenumberedAppends {
            e.seq = self.inner().last_access()?.map_or(1, |(seq, _)| seq + 1);
        }
        self.inner().append_access(&e)
    }

    fn last_access(&mut self) -> Result<Option<(u64, [u8; 32])>, StoreError> {
        self.inner().last_access()
    }

    fn access_entries(&mut self, query: &AccessQuery) -> Result<Vec<AccessEntry>, StoreError> {
        let mut q = query.clone();
        match self.fault {
            Fault::UntilInclusive => {
                q.until = q.until.map(|t| t + chrono::Duration::microseconds(1));
            }
            Fault::PartyIsActorOnly | Fault::AccessOldestFirst => {
                // Filter and order the whole list, then cut it.
                q.limit = usize::MAX;
                let mut found = self.inner().access_entries(&q)?;
                if self.fault == Fault::PartyIsActorOnly {
                    found.retain(|e| query.party.is_none_or(|p| e.event.actor == p));
                } else {
                    found.reverse();
                }
                found.truncate(query.limit);
                return Ok(found);
            }
            _ => {}
        }
        self.inner().access_entries(&q)
    }

    fn access_range(
        &mut self,
        after_seq: u64,
        limit: usize,
    ) -> Result<Vec<AccessEntry>, StoreError> {
        self.inner().access_range(after_seq, limit)
    }
}

impl MessagingTx for FaultyTx<'_> {
    fn insert_conversation(&mut self, conversation: &Conversation) -> Result<(), StoreError> {
        self.inner().insert_conversation(conversation)
    }

    fn conversation(&mut self, id: ConversationId) -> Result<Option<Conversation>, StoreError> {
        self.inner().conversation(id)
    }

    fn insert_message(
        &mut self,
        message: &Message,
        attachments: &[Attachment],
    ) -> Result<(), StoreError> {
        self.inner().insert_message(message, attachments)
    }

    fn message(&mut self, id: MessageId) -> Result<Option<Message>, StoreError> {
        self.inner().message(id)
    }

    fn messages(&mut self, query: &MessageQuery) -> Result<Vec<Message>, StoreError> {
        let mut page = self.inner().messages(query)?;
        if self.fault == Fault::MessagesOldestFirst {
            page.reverse();
        }
        Ok(page)
    }

    fn attachment(&mut self, id: AttachmentId) -> Result<Option<Attachment>, StoreError> {
        self.inner().attachment(id)
    }

    fn read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
    ) -> Result<Option<u64>, StoreError> {
        self.inner().read_seq(conversation, person)
    }

    fn set_read_seq(
        &mut self,
        conversation: ConversationId,
        person: UserId,
        read_seq: u64,
    ) -> Result<(), StoreError> {
        self.inner().set_read_seq(conversation, person, read_seq)
    }

    fn participations(&mut self, person: UserId) -> Result<Vec<Participation>, StoreError> {
        self.inner().participations(person)
    }
}

impl FeedTx for FaultyTx<'_> {
    fn append_change(&mut self, change: &NewChange) -> Result<u64, StoreError> {
        self.inner().append_change(change)
    }

    fn last_change(&mut self) -> Result<u64, StoreError> {
        self.inner().last_change()
    }

    fn changes_for(
        &mut self,
        recipient: UserId,
        after: u64,
        limit: usize,
    ) -> Result<Vec<ChangeRecord>, StoreError> {
        self.inner().changes_for(recipient, after, limit)
    }
}

impl UsageTx for FaultyTx<'_> {
    fn record_usage(&mut self, event: &UsageEvent) -> Result<(), StoreError> {
        if self.fault == Fault::EveryGoalIsOwn && event.action == UsageAction::Goal {
            let mut own = event.clone();
            own.actor = event.subject.unwrap_or(event.actor);
            return self.inner().record_usage(&own);
        }
        self.inner().record_usage(event)
    }

    fn module_tallies(&mut self, period: &Period) -> Result<Vec<ModuleTally>, StoreError> {
        if self.fault == Fault::UsagePeriodEndInclusive {
            let end = period.end() + chrono::Duration::microseconds(1);
            let wider = Period::new(period.start(), end).unwrap();
            return self.inner().module_tallies(&wider);
        }
        self.inner().module_tallies(period)
    }

    fn message_usage(&mut self, period: &Period) -> Result<Vec<MessageUsage>, StoreError> {
        self.inner().message_usage(period)
    }

    fn registered(&mut self, role: Role, before: DateTime<Utc>) -> Result<u64, StoreError> {
        self.inner().registered(role, before)
    }

    fn posting_people(&mut self, role: Role, period: &Period) -> Result<u64, StoreError> {
        self.inner().posting_people(role, period)
    }

    fn involvement(&mut self, before: DateTime<Utc>) -> Result<InvolvementTally, StoreError> {
        self.inner().involvement(before)
    }

    fn team_tallies(&mut self, before: DateTime<Utc>) -> Result<Vec<TeamTally>, StoreError> {
        self.inner().team_tallies(before)
    }
}

fn passes(case: Case, fault: Fault) -> bool {
    let store = Faulty {
        inner: MemoryStore::new(),
        fault,
    };
    catch_unwind(AssertUnwindSafe(|| case(&store))).is_ok()
}

/// Checks that each case passes on the faithful store and fails on the faulty one.
fn caught_by(fault: Fault, cases: &[(&str, Case)]) {
    for &(name, case) in cases {
        assert!(passes(case, Fault::None), "{name} fails without a fault");
        assert!(!passes(case, fault), "{name} does not catch {fault:?}");
    }
}

#[test]
fn a_faithful_wrapper_passes_every_case() {
    assert_eq!(CASES.len(), 92);
    for &(name, case) in CASES {
        assert!(passes(case, Fault::None), "{name}");
    }
}

#[test]
fn times_kept_to_the_millisecond_are_caught() {
    caught_by(
        Fault::MillisecondTimes,
        &[
            ("times", conformance::times_round_trip_to_the_microsecond),
            ("created_since", conformance::items_filters_by_created_since),
            ("order", conformance::items_orders_by_created_at_then_id),
        ],
    );
}

#[test]
fn numbers_kept_to_fifteen_digits_are_caught() {
    caught_by(
        Fault::FifteenDigitNumbers,
        &[(
            "numbers",
            conformance::registration_numbers_round_trip_bit_for_bit,
        )],
    );
}

#[test]
fn a_store_that_does_not_roll_back_is_caught() {
    caught_by(
        Fault::CommitOnDrop,
        &[
            ("people", conformance::dropped_transaction_rolls_back_people),
            (
                "items",
                conformance::dropped_transaction_rolls_back_new_items,
            ),
            (
                "versions",
                conformance::dropped_transaction_rolls_back_new_versions,
            ),
            (
                "all",
                conformance::dropped_transaction_rolls_back_every_write_together,
            ),
            (
                "messaging",
                conformance::dropped_transaction_rolls_back_conversations_messages_and_marks,
            ),
            (
                "feed",
                conformance::refused_or_dropped_changes_leave_no_trace,
            ),
        ],
    );
}

#[test]
fn a_store_that_ignores_newest_first_is_caught() {
    caught_by(
        Fault::IgnoresNewestFirst,
        &[
            (
                "newest first",
                conformance::items_newest_first_reverses_the_order,
            ),
            ("limit", conformance::items_limit_truncates_after_ordering),
        ],
    );
}

#[test]
fn a_store_that_orders_by_id_is_caught() {
    caught_by(
        Fault::OrdersById,
        &[
            ("order", conformance::items_orders_by_created_at_then_id),
            (
                "newest first",
                conformance::items_newest_first_reverses_the_order,
            ),
            ("limit", conformance::items_limit_truncates_after_ordering),
        ],
    );
}

#[test]
fn a_store_without_a_version_check_is_caught() {
    caught_by(
        Fault::NoVersionCheck,
        &[(
            "version gap",
            conformance::update_with_version_gap_is_conflict,
        )],
    );
}

#[test]
fn team_and_log_times_kept_to_the_millisecond_are_caught() {
    caught_by(
        Fault::MillisecondTimes,
        &[
            (
                "memberships",
                conformance::memberships_round_trip_in_every_status,
            ),
            (
                "grants",
                conformance::grants_round_trip_for_every_scope_in_scope_order,
            ),
            (
                "proposals",
                conformance::proposals_round_trip_every_content_and_status,
            ),
            (
                "comments",
                conformance::comments_round_trip_oldest_first_per_item,
            ),
            (
                "access entries",
                conformance::access_entries_round_trip_exactly,
            ),
        ],
    );
}

#[test]
fn a_store_that_does_not_roll_back_team_or_log_writes_is_caught() {
    caught_by(
        Fault::CommitOnDrop,
        &[
            (
                "memberships",
                conformance::dropped_transaction_rolls_back_memberships,
            ),
            ("grants", conformance::dropped_transaction_rolls_back_grants),
            (
                "proposals",
                conformance::dropped_transaction_rolls_back_proposals,
            ),
            (
                "comments",
                conformance::dropped_transaction_rolls_back_comments,
            ),
            (
                "access entries",
                conformance::dropped_transaction_rolls_back_access_entries,
            ),
        ],
    );
}

#[test]
fn a_store_that_lets_updates_change_fixed_fields_is_caught() {
    caught_by(
        Fault::UncheckedFixedFields,
        &[
            (
                "membership parties",
                conformance::update_membership_changing_parties_is_conflict,
            ),
            (
                "proposal owner, provider, content",
                conformance::update_proposal_changing_fixed_fields_is_conflict,
            ),
        ],
    );
}

#[test]
fn a_store_that_takes_orphan_grants_is_caught() {
    caught_by(
        Fault::OrphanGrants,
        &[
            (
                "unknown membership",
                conformance::put_grant_for_unknown_membership_is_conflict,
            ),
            (
                "rolled-back membership",
                conformance::dropped_transaction_rolls_back_grants,
            ),
        ],
    );
}

#[test]
fn a_store_that_lists_grants_out_of_scope_order_is_caught() {
    caught_by(
        Fault::GrantsInReverse,
        &[
            (
                "every scope",
                conformance::grants_round_trip_for_every_scope_in_scope_order,
            ),
            (
                "replace",
                conformance::put_grant_replaces_the_grant_for_its_scope,
            ),
        ],
    );
}

#[test]
fn a_store_that_lists_team_records_by_id_is_caught() {
    caught_by(
        Fault::TeamListsById,
        &[
            (
                "memberships",
                conformance::memberships_order_by_invited_at_then_id,
            ),
            (
                "proposals",
                conformance::proposals_order_by_proposed_at_then_id,
            ),
            (
                "comments",
                conformance::comments_round_trip_oldest_first_per_item,
            ),
        ],
    );
}

#[test]
fn a_log_that_renumbers_appends_is_caught() {
    caught_by(
        Fault::RenumberedAppends,
        &[("sequence", conformance::append_out_of_sequence_is_conflict)],
    );
}

#[test]
fn a_log_with_an_inclusive_until_is_caught() {
    caught_by(
        Fault::UntilInclusive,
        &[("time", conformance::access_entries_filter_by_time)],
    );
}

#[test]
fn a_log_that_matches_the_party_as_actor_only_is_caught() {
    caught_by(
        Fault::PartyIsActorOnly,
        &[
            ("party", conformance::access_entries_filter_by_party),
            (
                "every filter",
                conformance::access_entries_combine_every_filter,
            ),
        ],
    );
}

#[test]
fn a_log_listed_oldest_first_is_caught() {
    caught_by(
        Fault::AccessOldestFirst,
        &[
            (
                "one subject",
                conformance::access_entries_list_one_subject_newest_first,
            ),
            (
                "limit",
                conformance::access_entries_limit_keeps_the_newest_matches,
            ),
            ("paging", conformance::access_entries_page_by_before_seq),
            ("round trip", conformance::access_entries_round_trip_exactly),
        ],
    );
}

#[test]
fn a_store_that_pages_messages_oldest_first_is_caught() {
    caught_by(
        Fault::MessagesOldestFirst,
        &[(
            "pages",
            conformance::messages_page_newest_first_below_a_number,
        )],
    );
}

#[test]
fn usage_periods_that_keep_their_end_are_caught() {
    caught_by(
        Fault::UsagePeriodEndInclusive,
        &[(
            "tallies",
            conformance::usage_tallies_count_visits_people_and_postings_per_module_and_role,
        )],
    );
}

#[test]
fn goals_counted_as_own_whoever_wrote_them_are_caught() {
    caught_by(
        Fault::EveryGoalIsOwn,
        &[(
            "involvement",
            conformance::usage_involvement_counts_own_goals_shares_and_crisis_plans,
        )],
    );
}
