//! Care teams, sharing, proposals and comments through the facade.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::home::{GoalOverview, MeasureOverview};
use super::toolbox::{NewActivity, NewGoal, sort_newest_day_first, typed, typed_all};
use super::{Portal, acting};
use crate::error::{DenyReason, Error, Problem, Result};
use crate::model::audit::{AccessAction, AccessEvent, Outcome};
use crate::model::feed::{ChangeSubject, NewChange};
use crate::model::ids::*;
use crate::model::people::{Actor, Person, Role};
use crate::model::team::*;
use crate::model::toolbox::*;
use crate::model::usage::{Module, UsageAction, UsageEvent};
use crate::policy::access::{self, Action, Decision};
use crate::policy::text::{TextKind, clean};
use crate::store::{ItemQuery, MembershipQuery, ProposalQuery, Transaction};

/// A provider in a service user's care team, as the service user sees them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamMember {
    /// The membership.
    pub membership: Membership,
    /// The provider.
    pub provider: Person,
    /// What is shared with them now (expired grants left out).
    pub grants: Vec<Grant>,
}

/// One service user in a provider's caseload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadEntry {
    /// The membership (invited or active).
    pub membership: Membership,
    /// The service user.
    pub service_user: Person,
    /// What they share with the provider now (expired grants left out).
    pub grants: Vec<Grant>,
    /// The provider's proposals waiting for the service user's decision.
    pub pending_proposals: Vec<Proposal>,
}

/// What a scope of someone's toolbox holds, as [`Portal::view`] returns it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "scope")]
pub enum ScopeView {
    /// "What is important in my life".
    WhatMatters {
        /// The text, if written.
        what_matters: Option<Item<WhatMattersId, WhatMatters>>,
    },
    /// One life domain.
    Domain {
        /// The domain.
        domain: LifeDomain,
        /// Its status entries, newest first.
        status: Vec<Item<StatusId, StatusEntry>>,
        /// Its goals with their activities.
        goals: Vec<GoalOverview>,
    },
    /// The medication list.
    Medications {
        /// The medications.
        medications: Vec<Item<MedicationId, Medication>>,
    },
    /// The network map.
    NetworkMap {
        /// The people.
        network: Vec<Item<NetworkPersonId, NetworkPerson>>,
    },
    /// The crisis plan.
    CrisisPlan {
        /// The plan, if made.
        crisis_plan: Option<Item<CrisisPlanId, CrisisPlan>>,
    },
    /// Exercise completions, newest first.
    Exercises {
        /// The completions.
        completions: Vec<Item<ExerciseCompletionId, ExerciseCompletion>>,
    },
    /// The diary, newest first.
    Diary {
        /// The entries.
        entries: Vec<Item<DiaryEntryId, DiaryEntry>>,
    },
    /// Measures with every registration, newest day first.
    Registrations {
        /// The measures.
        measures: Vec<MeasureOverview>,
    },
}

/// The level and expiry of a grant to set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sharing {
    /// The level: [`Level::None`] revokes.
    pub level: Level,
    /// When the grant lapses by itself, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Sharing {
    /// Share at a level with no expiry.
    pub const fn level(level: Level) -> Self {
        Self {
            level,
            expires_at: None,
        }
    }
}

impl Portal {
    // ----- the access check ----------------------------------------------------------------------

    /// Checks that `actor` may take `action` on `scope` of `owner`'s toolbox, with facts read
    /// fresh from the store. Access to another person's data is logged, allowed or denied; a
    /// denial returns [`Error::PermissionDenied`], and the portal commits the log entry alone.
    pub(super) fn authorize(
        &self,
        tx: &mut dyn Transaction,
        actor: &Person,
        owner: UserId,
        scope: &Scope,
        action: Action,
        target: Option<Uuid>,
    ) -> Result<()> {
        if actor.id == owner {
            return match access::decide_own(actor) {
                Decision::Allow => Ok(()),
                Decision::Deny(reason) => Err(Error::PermissionDenied(reason)),
            };
        }
        let team = self.current_membership(tx, owner, actor.id)?;
        let grants = match &team {
            Some(t) => tx.grants(t.id)?,
            None => Vec::new(),
        };
        let now = self.clock.now();
        let decision = access::decide(actor, owner, scope, action, team.as_ref(), &grants, now);
        let logged_action = match action {
            Action::View => AccessAction::View,
            Action::Change => AccessAction::Change,
            Action::Suggest => AccessAction::Propose,
        };
        let outcome = match decision {
            Decision::Allow => Outcome::Allowed,
            Decision::Deny(reason) => Outcome::Denied(reason),
        };
        // Suggestions are logged by the call that makes them, with their own action and target.
        if action != Action::Suggest || !decision.is_allowed() {
            self.log(
                tx,
                AccessEvent {
                    at: now,
                    actor: actor.id,
                    subject: owner,
                    action: logged_action,
                    scope: Some(scope.clone()),
                    counterpart: None,
                    target,
                    level: None,
                    outcome,
                    moderation_reason: None,
                },
            )?;
        }
        match decision {
            Decision::Allow => Ok(()),
            Decision::Deny(reason) => Err(Error::PermissionDenied(reason)),
        }
    }

    /// The newest membership between a service user and a provider that is not inactive.
    pub(super) fn current_membership(
        &self,
        tx: &mut dyn Transaction,
        service_user: UserId,
        provider: UserId,
    ) -> Result<Option<Membership>> {
        let query = MembershipQuery {
            service_user: Some(service_user),
            provider: Some(provider),
        };
        Ok(tx
            .memberships(&query)?
            .into_iter()
            .rev()
            .find(|m| m.status != TeamStatus::Inactive))
    }

    fn team_event(&self, actor: &Person, m: &Membership, action: AccessAction) -> AccessEvent {
        AccessEvent {
            at: self.clock.now(),
            actor: actor.id,
            subject: m.service_user,
            action,
            scope: None,
            counterpart: Some(m.provider),
            target: Some(m.id.as_uuid()),
            level: None,
            outcome: Outcome::Allowed,
            moderation_reason: None,
        }
    }

    /// A service user's toolbox owner record, or NotFound.
    fn service_user(tx: &mut dyn Transaction, id: UserId) -> Result<Person> {
        tx.person(id)?
            .filter(|p| p.role == Role::ServiceUser)
            .ok_or_else(|| Error::not_found("service user", id))
    }

    // ----- care teams ----------------------------------------------------------------------------

    /// The acting service user invites a provider into their care team.
    pub fn invite(&self, actor: &Actor, provider: UserId) -> Result<Membership> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            if me.role != Role::ServiceUser {
                return Err(Error::PermissionDenied(DenyReason::WrongRole));
            }
            let invitee = tx
                .person(provider)?
                .ok_or_else(|| Error::not_found("person", provider))?;
            if invitee.role != Role::Provider {
                return Err(Error::invalid(
                    "invitation.provider",
                    Problem::WrongRole {
                        expected: "provider",
                    },
                ));
            }
            if let Some(existing) = self.current_membership(tx, me.id, provider)? {
                return Err(Error::InvalidTransition {
                    kind: "care team membership",
                    from: existing.status.code(),
                    to: TeamStatus::Proposed.code(),
                });
            }
            let membership = Membership {
                id: MembershipId::new(),
                service_user: me.id,
                provider,
                status: TeamStatus::Proposed,
                invited_at: self.clock.now(),
                accepted_at: None,
                ended: None,
            };
            tx.insert_membership(&membership)?;
            self.log(tx, self.team_event(&me, &membership, AccessAction::Invite))?;
            Ok(membership)
        })
    }

    /// A membership the actor is a party to, or NotFound / PermissionDenied.
    fn party_to(
        &self,
        tx: &mut dyn Transaction,
        me: &Person,
        id: MembershipId,
    ) -> Result<Membership> {
        let m = tx
            .membership(id)?
            .ok_or_else(|| Error::not_found("care team membership", id))?;
        if m.service_user != me.id && m.provider != me.id {
            return Err(Error::PermissionDenied(DenyReason::NotAParty));
        }
        Ok(m)
    }

    fn answer_invitation(
        &self,
        actor: &Actor,
        id: MembershipId,
        accept: bool,
    ) -> Result<Membership> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let mut m = self.party_to(tx, &me, id)?;
            if m.provider != me.id {
                return Err(Error::PermissionDenied(DenyReason::NotAParty));
            }
            let (to, action) = if accept {
                (TeamStatus::Active, AccessAction::Accept)
            } else {
                (TeamStatus::Inactive, AccessAction::Decline)
            };
            if m.status != TeamStatus::Proposed {
                return Err(Error::InvalidTransition {
                    kind: "care team membership",
                    from: m.status.code(),
                    to: to.code(),
                });
            }
            let now = self.clock.now();
            m.status = to;
            if accept {
                m.accepted_at = Some(now);
            } else {
                m.ended = Some((now, me.id));
            }
            tx.update_membership(&m)?;
            self.log(tx, self.team_event(&me, &m, action))?;
            if accept {
                let team = Some(m.service_user);
                self.note(tx, &me, Module::CareTeam, UsageAction::Join, team)?;
            }
            Ok(m)
        })
    }

    /// The invited provider accepts: they are in the team, with nothing shared yet.
    pub fn accept_invitation(&self, actor: &Actor, id: MembershipId) -> Result<Membership> {
        self.answer_invitation(actor, id, true)
    }

    /// The invited provider declines.
    pub fn decline_invitation(&self, actor: &Actor, id: MembershipId) -> Result<Membership> {
        self.answer_invitation(actor, id, false)
    }

    /// Either side ends a membership (invited or active). Every grant in it ends at once;
    /// inviting the provider again starts from nothing shared.
    pub fn end_membership(&self, actor: &Actor, id: MembershipId) -> Result<Membership> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let mut m = self.party_to(tx, &me, id)?;
            if m.status == TeamStatus::Inactive {
                return Err(Error::InvalidTransition {
                    kind: "care team membership",
                    from: m.status.code(),
                    to: TeamStatus::Inactive.code(),
                });
            }
            m.status = TeamStatus::Inactive;
            m.ended = Some((self.clock.now(), me.id));
            tx.update_membership(&m)?;
            tx.delete_grants(m.id)?;
            self.log(tx, self.team_event(&me, &m, AccessAction::End))?;
            Ok(m)
        })
    }

    /// The acting service user's care team: invited and active providers with what each sees.
    pub fn care_team(&self, actor: &Actor) -> Result<Vec<TeamMember>> {
        self.read(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::View)?;
            let now = self.clock.now();
            let query = MembershipQuery {
                service_user: Some(me.id),
                provider: None,
            };
            let mut team = Vec::new();
            for membership in tx.memberships(&query)? {
                if membership.status == TeamStatus::Inactive {
                    continue;
                }
                let provider = tx
                    .person(membership.provider)?
                    .ok_or_else(|| Error::not_found("person", membership.provider))?;
                let grants = live_grants(tx.grants(membership.id)?, now);
                team.push(TeamMember {
                    membership,
                    provider,
                    grants,
                });
            }
            Ok(team)
        })
    }

    /// The acting provider's caseload: every service user who invited them or has them in
    /// their team, what each shares with them, and their proposals still waiting.
    pub fn caseload(&self, actor: &Actor) -> Result<Vec<CaseloadEntry>> {
        self.read(|tx| {
            let me = acting(tx, actor)?;
            if me.role != Role::Provider {
                return Err(Error::PermissionDenied(DenyReason::WrongRole));
            }
            let now = self.clock.now();
            let memberships = tx.memberships(&MembershipQuery {
                service_user: None,
                provider: Some(me.id),
            })?;
            let pending = tx.proposals(&ProposalQuery {
                owner: None,
                provider: Some(me.id),
                status: Some(ProposalStatus::Pending),
            })?;
            let mut caseload = Vec::new();
            for membership in memberships {
                if membership.status == TeamStatus::Inactive {
                    continue;
                }
                let service_user = Self::service_user(tx, membership.service_user)?;
                let grants = if membership.status == TeamStatus::Active {
                    live_grants(tx.grants(membership.id)?, now)
                } else {
                    Vec::new()
                };
                let pending_proposals = pending
                    .iter()
                    .filter(|p| p.owner == membership.service_user)
                    .cloned()
                    .collect();
                caseload.push(CaseloadEntry {
                    membership,
                    service_user,
                    grants,
                    pending_proposals,
                });
            }
            Ok(caseload)
        })
    }

    // ----- sharing -------------------------------------------------------------------------------

    /// The acting service user shares a scope with a provider in their team at a level, or
    /// revokes it with [`Level::None`]. Takes effect on the provider's very next call. Returns
    /// the grant in force afterwards (`None` after a revocation).
    pub fn share(
        &self,
        actor: &Actor,
        provider: UserId,
        scope: Scope,
        sharing: Sharing,
    ) -> Result<Option<Grant>> {
        self.write(|tx| {
            let me = self.toolbox_owner(tx, actor, Action::Change)?;
            if provider == me.id {
                return Err(Error::invalid(
                    "grant.provider",
                    Problem::Inconsistent("a service user cannot share with themselves"),
                ));
            }
            if let Scope::Domain(domain) = &scope {
                self.check_domain(tx, &me, "grant.scope", domain)?;
            }
            let now = self.clock.now();
            if sharing.expires_at.is_some_and(|t| t <= now) {
                return Err(Error::invalid("grant.expires_at", Problem::ImplausibleDate));
            }
            let team = self
                .current_membership(tx, me.id, provider)?
                .filter(|m| m.status == TeamStatus::Active)
                .ok_or_else(|| Error::NotInCareTeam {
                    provider: provider.to_string(),
                })?;
            let grant = (sharing.level != Level::None).then(|| Grant {
                membership: team.id,
                scope: scope.clone(),
                level: sharing.level,
                expires_at: sharing.expires_at,
                granted_at: now,
            });
            let action = match &grant {
                Some(g) => {
                    tx.put_grant(g)?;
                    let mut shared =
                        UsageEvent::new(now, me.id, me.role, Module::CareTeam, UsageAction::Share)
                            .about(me.id);
                    shared.scope = Some(scope.clone());
                    self.note_event(tx, shared)?;
                    AccessAction::Grant
                }
                None => {
                    tx.delete_grant(team.id, &scope)?;
                    AccessAction::Revoke
                }
            };
            let event = AccessEvent {
                scope: Some(scope),
                level: Some(sharing.level),
                ..self.team_event(&me, &team, action)
            };
            self.log(tx, event)?;
            Ok(grant)
        })
    }

    /// Stops sharing a scope with a provider: [`Portal::share`] with [`Level::None`].
    pub fn revoke(&self, actor: &Actor, provider: UserId, scope: Scope) -> Result<()> {
        self.share(actor, provider, scope, Sharing::level(Level::None))
            .map(|_| ())
    }

    // ----- reading a shared scope ----------------------------------------------------------------

    /// What one scope of `owner`'s toolbox holds, for the owner or a provider it is shared with
    /// at `View` or more. A provider's read is logged, allowed or denied.
    pub fn view(&self, actor: &Actor, owner: UserId, scope: &Scope) -> Result<ScopeView> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let owner = Self::service_user(tx, owner)?;
            if let Scope::Domain(domain) = scope {
                self.check_domain(tx, &owner, "scope", domain)?;
            }
            self.authorize(tx, &me, owner.id, scope, Action::View, None)?;
            self.read_scope(tx, &owner, scope)
        })
    }

    fn read_scope(
        &self,
        tx: &mut dyn Transaction,
        owner: &Person,
        scope: &Scope,
    ) -> Result<ScopeView> {
        let q = || ItemQuery::owner(owner.id);
        Ok(match scope {
            Scope::WhatMatters => ScopeView::WhatMatters {
                what_matters: tx
                    .items(&q().kind(ItemKind::WhatMatters).newest(1))?
                    .pop()
                    .and_then(typed),
            },
            Scope::Domain(domain) => {
                let label = self
                    .life_domains(tx, owner)?
                    .into_iter()
                    .find(|d| &d.domain == domain)
                    .ok_or_else(|| Error::not_found("domain", domain))?;
                let mut status_query = q().kind(ItemKind::Status).domain(domain.clone());
                status_query.newest_first = true;
                let status = typed_all(tx.items(&status_query)?);
                let records = tx.items(
                    &q().kinds(&[ItemKind::Goal, ItemKind::Activity])
                        .domain(domain.clone()),
                )?;
                let mut goals: Vec<GoalOverview> = Vec::new();
                let mut activities = Vec::new();
                for record in records {
                    match record.kind() {
                        ItemKind::Goal => {
                            goals.extend(typed::<Goal>(record).map(|goal| GoalOverview {
                                goal,
                                activities: Vec::new(),
                            }))
                        }
                        _ => activities.extend(typed::<Activity>(record)),
                    }
                }
                for activity in activities {
                    if let Some(g) = goals
                        .iter_mut()
                        .find(|g| g.goal.id == activity.content.goal)
                    {
                        g.activities.push(activity);
                    }
                }
                ScopeView::Domain {
                    domain: label,
                    status,
                    goals,
                }
            }
            Scope::Medications => ScopeView::Medications {
                medications: typed_all(tx.items(&q().kind(ItemKind::Medication))?),
            },
            Scope::NetworkMap => ScopeView::NetworkMap {
                network: typed_all(tx.items(&q().kind(ItemKind::NetworkPerson))?),
            },
            Scope::CrisisPlan => ScopeView::CrisisPlan {
                crisis_plan: tx
                    .items(&q().kind(ItemKind::CrisisPlan).newest(1))?
                    .pop()
                    .and_then(typed),
            },
            Scope::Exercises => {
                let mut query = q().kind(ItemKind::ExerciseCompletion);
                query.newest_first = true;
                ScopeView::Exercises {
                    completions: typed_all(tx.items(&query)?),
                }
            }
            Scope::Diary => {
                let mut query = q().kind(ItemKind::Diary);
                query.newest_first = true;
                ScopeView::Diary {
                    entries: typed_all(tx.items(&query)?),
                }
            }
            Scope::Registrations => {
                let measures = typed_all::<Measure>(tx.items(&q().kind(ItemKind::Measure))?);
                let mut overviews = Vec::with_capacity(measures.len());
                for measure in measures {
                    let query = q().kind(ItemKind::Registration).parent(measure.id.item());
                    let mut recent = typed_all::<Registration>(tx.items(&query)?);
                    sort_newest_day_first(&mut recent);
                    overviews.push(MeasureOverview { measure, recent });
                }
                ScopeView::Registrations {
                    measures: overviews,
                }
            }
        })
    }

    // ----- proposals and comments ----------------------------------------------------------------

    fn propose(&self, actor: &Actor, owner: UserId, content: ProposalContent) -> Result<Proposal> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let owner = Self::service_user(tx, owner)?;
            let domain = match &content {
                ProposalContent::Goal { domain, .. } => {
                    self.check_domain(tx, &owner, "proposal.domain", domain)?;
                    domain.clone()
                }
                ProposalContent::Activity { goal, .. } => {
                    let record = tx
                        .item(goal.item())?
                        .filter(|r| r.owner == owner.id && r.kind() == ItemKind::Goal && !r.removed)
                        .ok_or_else(|| Error::not_found("goal", goal))?;
                    record
                        .body
                        .domain()
                        .cloned()
                        .ok_or_else(|| Error::not_found("goal", goal))?
                }
            };
            if me.id == owner.id {
                return Err(Error::invalid(
                    "proposal.owner",
                    Problem::Inconsistent(
                        "service users add goals themselves; proposals come from providers",
                    ),
                ));
            }
            let scope = Scope::Domain(domain);
            self.authorize(tx, &me, owner.id, &scope, Action::Suggest, None)?;
            let proposal = Proposal {
                id: ProposalId::new(),
                owner: owner.id,
                provider: me.id,
                content,
                status: ProposalStatus::Pending,
                proposed_at: self.clock.now(),
                decided_at: None,
                accepted_as: None,
            };
            tx.insert_proposal(&proposal)?;
            let module = match proposal.content {
                ProposalContent::Goal { .. } => Module::Goals,
                ProposalContent::Activity { .. } => Module::Activities,
            };
            self.note(tx, &me, module, UsageAction::Proposal, Some(owner.id))?;
            tx.append_change(&NewChange {
                at: proposal.proposed_at,
                subject: ChangeSubject::Proposal {
                    proposal: proposal.id,
                },
                recipients: vec![proposal.owner, proposal.provider],
            })?;
            self.log(
                tx,
                AccessEvent {
                    at: proposal.proposed_at,
                    actor: me.id,
                    subject: owner.id,
                    action: AccessAction::Propose,
                    scope: Some(scope),
                    counterpart: None,
                    target: Some(proposal.id.as_uuid()),
                    level: None,
                    outcome: Outcome::Allowed,
                    moderation_reason: None,
                },
            )?;
            Ok(proposal)
        })
    }

    /// A provider with `Suggest` on the goal's domain proposes a goal for `owner`.
    pub fn propose_goal(&self, actor: &Actor, owner: UserId, goal: NewGoal) -> Result<Proposal> {
        let content = ProposalContent::Goal {
            title: self.title("goal.title", &goal.title)?,
            why: self.optional_body("goal.why", &goal.why)?,
            target_date: goal.target_date,
            domain: goal.domain,
        };
        super::toolbox::check_planned_date("goal.target_date", goal.target_date)?;
        self.propose(actor, owner, content)
    }

    /// A provider with `Suggest` on the goal's domain proposes an activity under one of
    /// `owner`'s goals.
    pub fn propose_activity(
        &self,
        actor: &Actor,
        owner: UserId,
        activity: NewActivity,
    ) -> Result<Proposal> {
        let content = ProposalContent::Activity {
            title: self.title("activity.title", &activity.title)?,
            due: activity.due,
            goal: activity.goal,
        };
        super::toolbox::check_planned_date("activity.due", activity.due)?;
        self.propose(actor, owner, content)
    }

    /// Proposals for the acting service user, or by the acting provider, oldest first;
    /// optionally only those in one state.
    pub fn proposals(
        &self,
        actor: &Actor,
        status: Option<ProposalStatus>,
    ) -> Result<Vec<Proposal>> {
        self.read(|tx| {
            let me = acting(tx, actor)?;
            let mut query = ProposalQuery {
                status,
                ..ProposalQuery::default()
            };
            match me.role {
                Role::ServiceUser => query.owner = Some(me.id),
                Role::Provider => query.provider = Some(me.id),
                _ => return Err(Error::PermissionDenied(DenyReason::WrongRole)),
            }
            Ok(tx.proposals(&query)?)
        })
    }

    /// The acting service user accepts or rejects a proposal. An accepted goal or activity
    /// becomes theirs, authored by the provider; a proposal is decided once.
    pub fn decide_proposal(&self, actor: &Actor, id: ProposalId, accept: bool) -> Result<Proposal> {
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let mut proposal = tx
                .proposal(id)?
                .ok_or_else(|| Error::not_found("proposal", id))?;
            if proposal.owner != me.id {
                return Err(Error::PermissionDenied(DenyReason::NotAParty));
            }
            let to = if accept {
                ProposalStatus::Accepted
            } else {
                ProposalStatus::Rejected
            };
            if proposal.status != ProposalStatus::Pending {
                return Err(Error::InvalidTransition {
                    kind: "proposal",
                    from: proposal.status.as_str(),
                    to: to.as_str(),
                });
            }
            let now = self.clock.now();
            let mut scope_domain = None;
            if accept {
                let body = match &proposal.content {
                    ProposalContent::Goal {
                        domain,
                        title,
                        why,
                        target_date,
                    } => {
                        self.check_domain(tx, &me, "proposal.domain", domain)?;
                        scope_domain = Some(domain.clone());
                        ItemBody::Goal(Goal {
                            domain: domain.clone(),
                            title: title.clone(),
                            why: why.clone(),
                            target_date: *target_date,
                            lifecycle: GoalLifecycle::Accepted,
                            achievement: None,
                            authored_by: proposal.provider,
                        })
                    }
                    ProposalContent::Activity { goal, title, due } => {
                        let domain = tx
                            .item(goal.item())?
                            .filter(|r| {
                                r.owner == me.id && r.kind() == ItemKind::Goal && !r.removed
                            })
                            .and_then(|r| r.body.domain().cloned())
                            .ok_or_else(|| Error::not_found("goal", goal))?;
                        scope_domain = Some(domain.clone());
                        ItemBody::Activity(Activity {
                            goal: *goal,
                            domain,
                            title: title.clone(),
                            due: *due,
                            state: ActivityState::Planned,
                            authored_by: proposal.provider,
                        })
                    }
                };
                let record = ItemRecord {
                    id: ItemId::new(),
                    owner: me.id,
                    version: 1,
                    created_at: now,
                    updated_at: now,
                    updated_by: me.id,
                    removed: false,
                    body,
                };
                tx.insert_item(&record)?;
                let module = Module::of_item(record.kind());
                self.note(tx, &me, module, UsageAction::Entry, Some(me.id))?;
                proposal.accepted_as = Some(record.id);
            }
            proposal.status = to;
            proposal.decided_at = Some(now);
            tx.update_proposal(&proposal)?;
            tx.append_change(&NewChange {
                at: now,
                subject: ChangeSubject::Decision {
                    proposal: proposal.id,
                },
                recipients: vec![proposal.owner, proposal.provider],
            })?;
            self.log(
                tx,
                AccessEvent {
                    at: now,
                    actor: me.id,
                    subject: me.id,
                    action: if accept {
                        AccessAction::AcceptProposal
                    } else {
                        AccessAction::RejectProposal
                    },
                    scope: scope_domain.map(Scope::Domain),
                    counterpart: Some(proposal.provider),
                    target: Some(proposal.id.as_uuid()),
                    level: None,
                    outcome: Outcome::Allowed,
                    moderation_reason: None,
                },
            )?;
            Ok(proposal)
        })
    }

    /// A provider with `Suggest` on an item's scope comments on it.
    pub fn comment(&self, actor: &Actor, item: impl Into<ItemId>, text: &str) -> Result<Comment> {
        let item = item.into();
        let text = clean("comment.text", text, TextKind::Body, &self.config.limits)?;
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let record = tx
                .item(item)?
                .filter(|r| !r.removed)
                .ok_or_else(|| Error::not_found("item", item))?;
            let scope = Scope::of_item(record.kind(), record.body.domain(), record.id);
            if me.id == record.owner {
                return Err(Error::invalid(
                    "comment.author",
                    Problem::Inconsistent("comments come from providers; the owner edits the item"),
                ));
            }
            self.authorize(
                tx,
                &me,
                record.owner,
                &scope,
                Action::Suggest,
                Some(item.as_uuid()),
            )?;
            let comment = Comment {
                id: CommentId::new(),
                owner: record.owner,
                item,
                author: me.id,
                text,
                written_at: self.clock.now(),
            };
            tx.insert_comment(&comment)?;
            let module = Module::of_item(record.kind());
            self.note(tx, &me, module, UsageAction::Comment, Some(record.owner))?;
            self.log(
                tx,
                AccessEvent {
                    at: comment.written_at,
                    actor: me.id,
                    subject: record.owner,
                    action: AccessAction::Comment,
                    scope: Some(scope),
                    counterpart: None,
                    target: Some(item.as_uuid()),
                    level: None,
                    outcome: Outcome::Allowed,
                    moderation_reason: None,
                },
            )?;
            Ok(comment)
        })
    }

    /// The comments on an item, oldest first: for its owner, or a provider who may view it.
    pub fn comments(&self, actor: &Actor, item: impl Into<ItemId>) -> Result<Vec<Comment>> {
        let item = item.into();
        self.write(|tx| {
            let me = acting(tx, actor)?;
            let record = tx
                .item(item)?
                .filter(|r| !r.removed)
                .ok_or_else(|| Error::not_found("item", item))?;
            let scope = Scope::of_item(record.kind(), record.body.domain(), record.id);
            self.authorize(
                tx,
                &me,
                record.owner,
                &scope,
                Action::View,
                Some(item.as_uuid()),
            )?;
            Ok(tx.comments(item)?)
        })
    }
}

/// The grants still in force at `now`.
fn live_grants(grants: Vec<Grant>, now: DateTime<Utc>) -> Vec<Grant> {
    grants
        .into_iter()
        .filter(|g| g.level_at(now) != Level::None)
        .collect()
}
