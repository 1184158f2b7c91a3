//! A simulated study cohort shaped like the original ReConnect evaluation: 29 service users,
//! 27 providers (8 of whom never take part), 29 care teams and six months of activity, all
//! through the public [`Portal`] API from a seed.
//!
//! Beside the portal it keeps [`Truth`]: what it did, counted as it did it, so that tests can
//! check a usage report against it figure for figure.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use recovery_core::model::team::{Level, Scope};
use recovery_core::{
    Actor, Clock, ConversationId, CrisisPlan, DomainRef, ManualClock, Module, NewActivity,
    NewConversation, NewGoal, NewMessage, NewPerson, NewThread, Period, Portal, PortalConfig,
    Profession, Result, Role, Sharing, ThreadId, UserId,
};

/// Service users in the cohort.
pub const SERVICE_USERS: usize = 29;
/// Providers in the cohort.
pub const PROVIDERS: usize = 27;
/// Providers who are invited but never accept or write anything.
pub const PASSIVE_PROVIDERS: usize = 8;

/// A small, fast, seeded generator (SplitMix64): the same seed gives the same run. The study
/// cohort, the usage bench and the durability tests all draw from it.
#[derive(Clone, Debug)]
pub struct Seeded(u64);

impl Seeded {
    /// A generator starting at `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// One usage event the cohort caused, as the cohort itself counted it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Happened {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: UserId,
    /// Their role.
    pub role: Role,
    /// Where.
    pub module: Module,
    /// A posting (anything but a visit).
    pub posting: bool,
}

/// What the cohort did to one care team.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TeamTruth {
    /// Providers who joined.
    pub providers: BTreeSet<UserId>,
    /// Scopes shared with them.
    pub scopes: BTreeSet<String>,
    /// Messages from the service user.
    pub from_service_user: u64,
    /// Messages from providers.
    pub from_providers: u64,
    /// Provider response times, in the order they happened.
    pub responses: Vec<StdDuration>,
}

/// Everything the cohort did, counted as it did it.
#[derive(Clone, Debug, Default)]
pub struct Truth {
    /// Every usage event, in time order.
    pub events: Vec<Happened>,
    /// Each service user's care team.
    pub teams: BTreeMap<UserId, TeamTruth>,
    /// Service users who wrote a goal themselves.
    pub with_own_goal: BTreeSet<UserId>,
    /// Service users who shared a scope.
    pub with_shared_scope: BTreeSet<UserId>,
    /// Service users who wrote a crisis plan.
    pub with_crisis_plan: BTreeSet<UserId>,
    /// Providers with at least one posting.
    pub interacting_providers: BTreeSet<UserId>,
}

impl Truth {
    /// Visits, distinct people and postings of one module and role in a period.
    pub fn module(&self, period: &Period, module: Module, role: Role) -> (u64, u64, u64) {
        let inside = self
            .events
            .iter()
            .filter(|e| e.module == module && e.role == role && period.contains(e.at));
        let (mut visits, mut postings, mut people) = (0, 0, BTreeSet::new());
        for e in inside {
            if e.posting {
                postings += 1;
            } else {
                visits += 1;
            }
            people.insert(e.actor);
        }
        (visits, people.len() as u64, postings)
    }
}

/// The generated cohort: the portal it lives in, who is who, and the truth.
pub struct Cohort {
    /// The portal, on the store it was given.
    pub portal: Portal,
    /// The clock the portal runs on, left at the end of the study.
    pub clock: Arc<ManualClock>,
    /// A researcher's account.
    pub researcher: Actor,
    /// The six months studied.
    pub period: Period,
    /// The service users.
    pub service_users: Vec<UserId>,
    /// The providers; the last [`PASSIVE_PROVIDERS`] never take part.
    pub providers: Vec<UserId>,
    /// What the cohort did.
    pub truth: Truth,
}

/// The modules service users visit, with weights.
const USER_VISITS: [(Module, u64); 10] = [
    (Module::Home, 30),
    (Module::Forum, 25),
    (Module::Messages, 12),
    (Module::Toolbox, 8),
    (Module::Goals, 7),
    (Module::Diary, 5),
    (Module::CrisisPlan, 3),
    (Module::Exercises, 4),
    (Module::CareTeam, 3),
    (Module::AccessLog, 3),
];

/// The modules providers visit, with weights.
const PROVIDER_VISITS: [(Module, u64); 3] = [
    (Module::Home, 40),
    (Module::Messages, 45),
    (Module::CareTeam, 15),
];

fn pick_weighted(rng: &mut Seeded, weighted: &[(Module, u64)]) -> Module {
    let total: u64 = weighted.iter().map(|(_, w)| w).sum();
    let mut at = rng.below(total as usize) as u64;
    for &(module, weight) in weighted {
        if at < weight {
            return module;
        }
        at -= weight;
    }
    weighted[0].0
}

/// A thing the cohort does at a moment.
#[derive(Clone, Debug)]
enum Step {
    Visit(UserId, Role, Module),
    OwnGoal(UserId),
    CrisisPlan(UserId),
    Share(UserId, UserId, Scope),
    /// A message in the service user's conversation with their team; a provider's reply
    /// carries how long after the service user's first waiting message it comes.
    Message {
        user: UserId,
        provider: UserId,
        from_provider: bool,
        response: Option<Duration>,
    },
    Thread(UserId),
    Reply(UserId),
}

/// The study's six months: January to June 2024.
pub fn study_period() -> Period {
    let start = Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).single();
    let end = Utc.with_ymd_and_hms(2024, 7, 1, 0, 0, 0).single();
    Period::new(start.expect("a valid date"), end.expect("a valid date"))
        .expect("January to July is a period")
}

/// Builds the cohort in `portal` (give it a fresh store) from `seed`.
///
/// Forum posts are not held for review here (`held_posts = 0` in the config the cohort sets),
/// so that members can answer each other's threads from the start.
pub fn generate(
    store_portal: impl FnOnce(PortalConfig) -> Result<Portal>,
    seed: u64,
) -> Result<Cohort> {
    let mut config = PortalConfig::default();
    config.forum.held_posts = 0;
    let period = study_period();
    let clock = Arc::new(ManualClock::new(period.start() - Duration::days(7)));
    let portal = store_portal(config)?.with_clock(clock.clone());
    let mut rng = Seeded::new(seed);
    let mut truth = Truth::default();

    // Accounts, a week before the study starts.
    let researcher = portal.register(NewPerson::with_role(Role::Researcher, "Study researcher"))?;
    let mut service_users = Vec::with_capacity(SERVICE_USERS);
    for i in 0..SERVICE_USERS {
        let p = portal.register(NewPerson::service_user(format!("Participant {}", i + 1)))?;
        service_users.push(p.id);
    }
    let professions = [
        Profession::Psychologist,
        Profession::MentalHealthNurse,
        Profession::SocialWorker,
        Profession::Psychiatrist,
        Profession::OccupationalTherapist,
        Profession::Physician,
        Profession::SocialEducator,
        Profession::PeerWorker,
        Profession::Other,
    ];
    let mut providers = Vec::with_capacity(PROVIDERS);
    for i in 0..PROVIDERS {
        let profession = professions[i % professions.len()];
        let p = portal.register(NewPerson::provider(
            format!("Provider {}", i + 1),
            profession,
            "Community mental health team",
        ))?;
        providers.push(p.id);
    }
    let active = PROVIDERS - PASSIVE_PROVIDERS;

    // Care teams on the first day: every service user invites one or two active providers
    // (each active provider lands in at least one team) and often a passive one, who never
    // answers.
    let mut members: BTreeMap<UserId, Vec<UserId>> = BTreeMap::new();
    clock.set(period.start() + Duration::hours(8));
    for (i, &user) in service_users.iter().enumerate() {
        let mut team = vec![providers[i % active]];
        if rng.chance(40) {
            let second = providers[rng.below(active)];
            if !team.contains(&second) {
                team.push(second);
            }
        }
        for &provider in &team {
            clock.advance(Duration::minutes(1));
            let invitation = portal.invite(&Actor::new(user), provider)?;
            clock.advance(Duration::minutes(1));
            portal.accept_invitation(&Actor::new(provider), invitation.id)?;
            truth.events.push(Happened {
                at: clock.now(),
                actor: provider,
                role: Role::Provider,
                module: Module::CareTeam,
                posting: true,
            });
            truth
                .teams
                .entry(user)
                .or_default()
                .providers
                .insert(provider);
            truth.interacting_providers.insert(provider);
        }
        if rng.chance(50) {
            let passive = providers[active + rng.below(PASSIVE_PROVIDERS)];
            clock.advance(Duration::minutes(1));
            portal.invite(&Actor::new(user), passive)?;
        }
        members.insert(user, team);
        let pseudonym = format!("peer{}{}", letter(i / 26), letter(i % 26));
        portal.join_forum(&Actor::new(user), &pseudonym)?;
    }

    // Six months of activity, planned first, then run in time order.
    let mut plan: Vec<(DateTime<Utc>, Step)> = Vec::new();
    let days = (period.end() - period.start()).num_days();
    let moment = |rng: &mut Seeded, day: i64| {
        period.start()
            + Duration::days(day)
            + Duration::hours(7 + rng.below(14) as i64)
            + Duration::minutes(rng.below(60) as i64)
    };
    for &user in &service_users {
        let keen = 1 + rng.below(4) as i64; // visits every `keen` days or so
        for day in (1..days).step_by(keen as usize) {
            let at = moment(&mut rng, day);
            plan.push((
                at,
                Step::Visit(
                    user,
                    Role::ServiceUser,
                    pick_weighted(&mut rng, &USER_VISITS),
                ),
            ));
        }
        if rng.chance(70) {
            for _ in 0..1 + rng.below(3) {
                let day = 1 + rng.below(days as usize - 2) as i64;
                let at = moment(&mut rng, day);
                plan.push((at, Step::OwnGoal(user)));
            }
        }
        if rng.chance(45) {
            let day = 1 + rng.below(days as usize - 2) as i64;
            let at = moment(&mut rng, day);
            plan.push((at, Step::CrisisPlan(user)));
        }
        let team = &members[&user];
        if rng.chance(65) {
            let scopes = [
                Scope::Diary,
                Scope::CrisisPlan,
                Scope::Medications,
                Scope::WhatMatters,
            ];
            for _ in 0..1 + rng.below(3) {
                let scope = rng.pick(&scopes).clone();
                let provider = *rng.pick(team);
                let day = 1 + rng.below(days as usize - 2) as i64;
                let at = moment(&mut rng, day);
                plan.push((at, Step::Share(user, provider, scope)));
            }
        }
        // A message exchange every one to three weeks, each inside its own week.
        let mut week = rng.below(3) as i64;
        while (week + 1) * 7 < days {
            let day = week * 7 + rng.below(2) as i64;
            let at = moment(&mut rng, day);
            let provider = *rng.pick(team);
            let message = |from_provider, response| Step::Message {
                user,
                provider,
                from_provider,
                response,
            };
            plan.push((at, message(false, None)));
            if rng.chance(40) {
                plan.push((at + Duration::minutes(30), message(false, None)));
            }
            let delay = Duration::minutes(90 + rng.below(72 * 60) as i64);
            plan.push((at + delay, message(true, Some(delay))));
            if rng.chance(30) {
                plan.push((at + delay + Duration::hours(1), message(true, None)));
            }
            week += 1 + rng.below(3) as i64;
        }
        // Forum: a thread now and then, replies more often, never two in one day.
        for day in (2..days).step_by(3) {
            if rng.chance(12) {
                plan.push((moment(&mut rng, day), Step::Thread(user)));
            } else if rng.chance(25) {
                plan.push((moment(&mut rng, day), Step::Reply(user)));
            }
        }
    }
    for &provider in &providers {
        let every = 2 + rng.below(6);
        for day in (1..days).step_by(every) {
            let at = moment(&mut rng, day);
            plan.push((
                at,
                Step::Visit(
                    provider,
                    Role::Provider,
                    pick_weighted(&mut rng, &PROVIDER_VISITS),
                ),
            ));
        }
    }
    plan.sort_by_key(|(at, _)| *at);

    let mut run = Run {
        portal: &portal,
        clock: &clock,
        truth: &mut truth,
        conversations: BTreeMap::new(),
        threads: Vec::new(),
        crisis_plans: BTreeSet::new(),
        rng: &mut rng,
    };
    for (at, step) in plan {
        clock.set(at);
        run.step(step)?;
    }
    clock.set(period.end() + Duration::hours(1));
    truth.events.sort_by_key(|e| e.at);
    Ok(Cohort {
        portal,
        clock,
        researcher: Actor::new(researcher.id),
        period,
        service_users,
        providers,
        truth,
    })
}

fn letter(i: usize) -> char {
    char::from(b'a' + (i % 26) as u8)
}

/// The cohort while it runs.
struct Run<'a> {
    portal: &'a Portal,
    clock: &'a ManualClock,
    truth: &'a mut Truth,
    conversations: BTreeMap<UserId, ConversationId>,
    threads: Vec<ThreadId>,
    crisis_plans: BTreeSet<UserId>,
    rng: &'a mut Seeded,
}

impl Run<'_> {
    fn happened(&mut self, actor: UserId, role: Role, module: Module, posting: bool) {
        self.truth.events.push(Happened {
            at: self.clock.now(),
            actor,
            role,
            module,
            posting,
        });
        if posting && role == Role::Provider {
            self.truth.interacting_providers.insert(actor);
        }
    }

    fn step(&mut self, step: Step) -> Result<()> {
        let p = self.portal;
        match step {
            Step::Visit(who, role, module) => {
                p.record_visit(&Actor::new(who), module)?;
                self.happened(who, role, module, false);
            }
            Step::OwnGoal(user) => {
                let me = Actor::new(user);
                let goal = p.add_goal(
                    &me,
                    NewGoal::new(DomainRef::Catalogue("housing".into()), "A goal of my own"),
                )?;
                self.happened(user, Role::ServiceUser, Module::Goals, true);
                self.truth.with_own_goal.insert(user);
                if self.rng.chance(50) {
                    self.clock.advance(Duration::minutes(2));
                    let activity = p.add_activity(
                        &me,
                        NewActivity {
                            goal: goal.id,
                            title: "A first step".into(),
                            due: None,
                        },
                    )?;
                    self.happened(user, Role::ServiceUser, Module::Activities, true);
                    self.clock.advance(Duration::minutes(2));
                    let today = self.clock.now().date_naive();
                    p.complete_activity(&me, activity.id, today, "")?;
                    self.happened(user, Role::ServiceUser, Module::Activities, true);
                }
            }
            Step::CrisisPlan(user) => {
                let plan = CrisisPlan {
                    warning_signs: "Sleeping badly".into(),
                    ..CrisisPlan::default()
                };
                p.set_crisis_plan(&Actor::new(user), plan)?;
                // Only the first version is a new crisis plan; later ones are edits.
                if self.crisis_plans.insert(user) {
                    self.happened(user, Role::ServiceUser, Module::CrisisPlan, true);
                    self.truth.with_crisis_plan.insert(user);
                }
            }
            Step::Share(user, provider, scope) => {
                p.share(
                    &Actor::new(user),
                    provider,
                    scope.clone(),
                    Sharing::level(Level::View),
                )?;
                self.happened(user, Role::ServiceUser, Module::CareTeam, true);
                self.truth.with_shared_scope.insert(user);
                let team = self.truth.teams.entry(user).or_default();
                team.scopes.insert(scope.to_string());
            }
            Step::Message {
                user,
                provider,
                from_provider,
                response,
            } => {
                self.message(user, provider, from_provider)?;
                if let Some(delay) = response {
                    let team = self.truth.teams.entry(user).or_default();
                    team.responses.push(delay.to_std().unwrap_or_default());
                }
            }
            Step::Thread(user) => {
                let (thread, _) = p.start_thread(
                    &Actor::new(user),
                    NewThread {
                        category: "everyday-life".into(),
                        title: "How do you keep a routine?".into(),
                        body: "Mornings are the hardest part for me.".into(),
                    },
                )?;
                self.threads.push(thread.id);
                self.happened(user, Role::ServiceUser, Module::Forum, true);
            }
            Step::Reply(user) => {
                if self.threads.is_empty() {
                    return Ok(());
                }
                let thread = *self.rng.pick(&self.threads);
                p.reply(&Actor::new(user), thread, "Small steps help me.")?;
                self.happened(user, Role::ServiceUser, Module::Forum, true);
            }
        }
        Ok(())
    }

    /// One message in the team's conversation (started by the service user's first message).
    fn message(&mut self, user: UserId, provider: UserId, from_provider: bool) -> Result<()> {
        let p = self.portal;
        let (author, role) = if from_provider {
            (provider, Role::Provider)
        } else {
            (user, Role::ServiceUser)
        };
        let text = NewMessage::text("Checking in about this week.");
        match self.conversations.get(&user) {
            Some(&conversation) => {
                p.send_message(&Actor::new(author), conversation, text)?;
            }
            None => {
                let team = self.truth.teams.get(&user).map(|t| t.providers.clone());
                let started = p.start_conversation(
                    &Actor::new(author),
                    NewConversation {
                        with: if from_provider {
                            vec![user]
                        } else {
                            team.into_iter().flatten().collect()
                        },
                        subject: "Our conversation".into(),
                        message: text,
                    },
                )?;
                self.conversations.insert(user, started.conversation.id);
            }
        }
        self.happened(author, role, Module::Messages, true);
        let team = self.truth.teams.entry(user).or_default();
        if from_provider {
            team.from_providers += 1;
        } else {
            team.from_service_user += 1;
        }
        Ok(())
    }
}
