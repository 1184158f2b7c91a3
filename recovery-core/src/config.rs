//! The portal's tunables.

use serde::{Deserialize, Serialize};

use crate::model::catalogue::{DomainCatalogue, default_exercises};
use crate::model::forum::ForumCategory;
use crate::model::toolbox::{Exercise, Localized};

/// Everything a host can tune. Serde-friendly so that it can live in the host's own config file;
/// missing fields take their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortalConfig {
    /// Text length limits.
    pub limits: TextLimits,
    /// The life-domain catalogue every service user starts with.
    pub domains: DomainCatalogue,
    /// The exercise catalogue.
    pub exercises: Vec<Exercise>,
    /// Options for the SQLite store (ignored by other stores).
    pub sqlite: SqliteOptions,
    /// The peer-support forum: who may join, thresholds, limits, crisis terms and categories.
    pub forum: ForumConfig,
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            limits: TextLimits::default(),
            domains: DomainCatalogue::default(),
            exercises: default_exercises(),
            sqlite: SqliteOptions::default(),
            forum: ForumConfig::default(),
        }
    }
}

/// Length limits, counted in Unicode scalar values after NFC normalisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextLimits {
    /// Titles, names and labels: one line, 1 to this many characters (default 200).
    pub title: usize,
    /// Bodies (status text, notes, diary, plans): up to this many characters (default 20,000).
    pub body: usize,
}

impl Default for TextLimits {
    fn default() -> Self {
        Self {
            title: 200,
            body: 20_000,
        }
    }
}

/// How the SQLite store trades durability for speed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SqliteOptions {
    /// `synchronous = FULL` instead of `NORMAL`: survives power loss as well as crashes, at
    /// about a fifth of the write rate. With `NORMAL` (the default) in WAL mode, an application
    /// crash loses nothing committed; a power cut may lose the last transactions.
    pub synchronous_full: bool,
    /// How long a write waits for another writer's lock before failing with
    /// [`StoreError::Busy`](crate::store::StoreError::Busy), in milliseconds (default 5,000).
    pub busy_timeout_ms: u32,
    /// The most pages (of 4,096 bytes) the database file may grow to; `None` (the default)
    /// leaves SQLite's own limit. A write that would pass it fails with
    /// [`StoreError::Full`](crate::store::StoreError::Full) and changes nothing, as on a full
    /// disk: a host can keep the portal within a share of a phone's storage this way. A limit
    /// below the file's present size holds it at that size.
    pub max_page_count: Option<u32>,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            synchronous_full: false,
            busy_timeout_ms: 5_000,
            max_page_count: None,
        }
    }
}

/// The forum's tunables. Every field has a default, so a host's config file names only what it
/// changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ForumConfig {
    /// Whether providers may join the forum (default: no; it is a place for peers). Service
    /// users and moderators may always join; researchers and admins never.
    pub providers_may_join: bool,
    /// How many distinct members must flag a post before it is hidden until a moderator
    /// reviews it (default 3; 0 counts as 1).
    pub flag_threshold: u32,
    /// How many of a new member's posts a moderator must approve before their posts are seen
    /// without review (default 1; 0 turns holding off).
    pub held_posts: u32,
    /// For how many days after joining a member has the stricter new-member rate limits
    /// (default 7). A member whose posts are still held counts as new as well.
    pub new_member_days: u32,
    /// For how many minutes after writing a post its author may edit it (default 60).
    /// Deleting is always allowed.
    pub edit_window_minutes: u32,
    /// Posts (threads and replies) per member.
    pub post_limit: RateLimit,
    /// Posts per new member.
    pub new_member_post_limit: RateLimit,
    /// Flags per member.
    pub flag_limit: RateLimit,
    /// Flags per new member.
    pub new_member_flag_limit: RateLimit,
    /// The suspension ladder in days: the first suspension lasts the first entry, the second
    /// the second, and any suspension past the end of the ladder is permanent (default
    /// `[14, 30]`: two weeks, a month, then permanent).
    pub suspension_ladder_days: Vec<u32>,
    /// Words and phrases that put a post at the top of the review queue and show its author
    /// where help is. See [`crate::policy::forum::crisis`] for how they match. Default: the
    /// English and Norwegian lists shipped in `data/`.
    pub crisis_terms: Vec<String>,
    /// Where help is: shown to the author of a post that matches a crisis term.
    pub crisis_help: Localized,
    /// The categories threads are started in.
    pub categories: Vec<ForumCategory>,
}

impl Default for ForumConfig {
    fn default() -> Self {
        Self {
            providers_may_join: false,
            flag_threshold: 3,
            held_posts: 1,
            new_member_days: 7,
            edit_window_minutes: 60,
            post_limit: RateLimit::per_hour(10),
            new_member_post_limit: RateLimit::per_hour(3),
            flag_limit: RateLimit::per_hour(20),
            new_member_flag_limit: RateLimit::per_hour(5),
            suspension_ladder_days: vec![14, 30],
            crisis_terms: default_crisis_terms(),
            crisis_help: default_crisis_help(),
            categories: default_categories(),
        }
    }
}

/// At most `count` actions in any `window_minutes` minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimit {
    /// How many actions (0 forbids the action).
    pub count: u32,
    /// In how many minutes.
    pub window_minutes: u32,
}

impl RateLimit {
    /// `count` actions per hour.
    pub const fn per_hour(count: u32) -> Self {
        Self {
            count,
            window_minutes: 60,
        }
    }
}

/// The crisis terms shipped with the library: English, then Norwegian Bokmål.
pub fn default_crisis_terms() -> Vec<String> {
    const EN: &str = include_str!("../data/crisis-terms-en.txt");
    const NB: &str = include_str!("../data/crisis-terms-nb.txt");
    term_list(EN).chain(term_list(NB)).collect()
}

/// The terms in a term file: one per line, `#` starts a comment line.
fn term_list(file: &str) -> impl Iterator<Item = String> + '_ {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
}

/// The help text shipped with the library: Norway's emergency number and the Mental Helse
/// helpline (open day and night).
pub fn default_crisis_help() -> Localized {
    Localized::new(
        "It sounds like things are very hard right now. If you are thinking about ending your \
         life or are in danger, call 113 now. You can talk to someone at the Mental Helse \
         helpline on 116 123, open day and night. A moderator will read your post.",
        "Det høres ut som du har det veldig tungt nå. Tenker du på å ta livet ditt eller er i \
         fare, ring 113 nå. Du kan snakke med noen på Mental Helses hjelpetelefon 116 123, som \
         er åpen hele døgnet. En moderator vil lese innlegget ditt.",
    )
}

/// The categories shipped with the library, in English and Norwegian Bokmål.
pub fn default_categories() -> Vec<ForumCategory> {
    vec![
        ForumCategory::new(
            "introductions",
            ("Introductions", "Presentasjoner"),
            (
                "Say hello and tell others a little about yourself.",
                "Si hei og fortell litt om deg selv.",
            ),
        ),
        ForumCategory::new(
            "everyday-life",
            ("Everyday life", "Hverdagen"),
            (
                "Sleep, food, housing, money and getting through the day.",
                "Søvn, mat, bolig, penger og å komme seg gjennom dagen.",
            ),
        ),
        ForumCategory::new(
            "recovery",
            ("Recovery and coping", "Bedring og mestring"),
            (
                "What helps, what hinders, and small steps forward.",
                "Hva som hjelper, hva som hindrer, og små skritt videre.",
            ),
        ),
        ForumCategory::new(
            "treatment",
            ("Treatment and medication", "Behandling og medisiner"),
            (
                "Experiences with services, therapy and medication.",
                "Erfaringer med tjenester, terapi og medisiner.",
            ),
        ),
        ForumCategory::new(
            "work-and-school",
            ("Work and school", "Arbeid og skole"),
            (
                "Jobs, studies, benefits and getting back to work.",
                "Jobb, studier, ytelser og å komme tilbake i arbeid.",
            ),
        ),
        ForumCategory::new(
            "relationships",
            ("Family and relationships", "Familie og relasjoner"),
            (
                "Family, friends, partners and loneliness.",
                "Familie, venner, kjærester og ensomhet.",
            ),
        ),
        ForumCategory::new(
            "anything-else",
            ("Anything else", "Løst og fast"),
            (
                "Hobbies, tips and everything that fits nowhere else.",
                "Hobbyer, tips og alt som ikke passer andre steder.",
            ),
        ),
    ]
}
