//! The catalogues the portal ships: life domains (ReConnect's and Recovery Star's) and exercises,
//! labelled in English and Norwegian Bokmål.

use serde::{Deserialize, Serialize};

use super::toolbox::{DomainRef, Exercise, LifeDomain, Localized};

/// Which life-domain catalogue a portal offers every service user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "catalogue", content = "domains")]
#[derive(Default)]
pub enum DomainCatalogue {
    /// ReConnect's six domains (the default).
    #[default]
    Reconnect,
    /// Recovery Star's ten outcome areas.
    RecoveryStar,
    /// A host's own list: keys must be unique, lowercase ASCII letters, digits and hyphens.
    Custom(Vec<CatalogueDomain>),
}

/// One domain in a catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueDomain {
    /// Its stable key, e.g. `housing`.
    pub key: String,
    /// Its label.
    pub label: Localized,
}

impl CatalogueDomain {
    fn new(key: &str, en: &str, nb: &str) -> Self {
        Self {
            key: key.to_owned(),
            label: Localized::new(en, nb),
        }
    }

    /// This domain as a [`LifeDomain`].
    pub fn to_life_domain(&self) -> LifeDomain {
        LifeDomain {
            domain: DomainRef::Catalogue(self.key.clone()),
            label: self.label.clone(),
        }
    }
}

impl DomainCatalogue {
    /// The domains of this catalogue, in display order.
    pub fn domains(&self) -> Vec<CatalogueDomain> {
        match self {
            DomainCatalogue::Reconnect => vec![
                CatalogueDomain::new("work-and-school", "Work and school", "Arbeid og skole"),
                CatalogueDomain::new("social-life", "Social life", "Sosialt liv"),
                CatalogueDomain::new("mental-health", "Mental health", "Psykisk helse"),
                CatalogueDomain::new("physical-health", "Physical health", "Fysisk helse"),
                CatalogueDomain::new("housing", "Housing", "Bolig"),
                CatalogueDomain::new("finances", "Finances", "Økonomi"),
            ],
            DomainCatalogue::RecoveryStar => vec![
                CatalogueDomain::new(
                    "managing-mental-health",
                    "Managing mental health",
                    "Mestre psykisk helse",
                ),
                CatalogueDomain::new(
                    "physical-health-and-self-care",
                    "Physical health and self-care",
                    "Fysisk helse og egenomsorg",
                ),
                CatalogueDomain::new("living-skills", "Living skills", "Ferdigheter i hverdagen"),
                CatalogueDomain::new("social-networks", "Social networks", "Sosialt nettverk"),
                CatalogueDomain::new("work", "Work", "Arbeid"),
                CatalogueDomain::new("relationships", "Relationships", "Relasjoner"),
                CatalogueDomain::new("addictive-behaviour", "Addictive behaviour", "Rusatferd"),
                CatalogueDomain::new("responsibilities", "Responsibilities", "Ansvar"),
                CatalogueDomain::new(
                    "identity-and-self-esteem",
                    "Identity and self-esteem",
                    "Identitet og selvfølelse",
                ),
                CatalogueDomain::new("trust-and-hope", "Trust and hope", "Tillit og håp"),
            ],
            DomainCatalogue::Custom(domains) => domains.clone(),
        }
    }

    /// Whether the catalogue has a domain with this key.
    pub fn contains(&self, key: &str) -> bool {
        self.domains().iter().any(|d| d.key == key)
    }
}

/// The exercises the portal ships: sleep hygiene, mindfulness and strengths mapping.
pub fn default_exercises() -> Vec<Exercise> {
    let step = Localized::new;
    vec![
        Exercise {
            key: "sleep-hygiene".into(),
            title: Localized::new("Sleep hygiene", "Søvnhygiene"),
            summary: Localized::new(
                "Habits that make sleep come easier and last longer.",
                "Vaner som gjør det lettere å sovne og sove godt.",
            ),
            steps: vec![
                step(
                    "Get up at the same time every day, weekends too.",
                    "Stå opp til samme tid hver dag, også i helgene.",
                ),
                step(
                    "Keep the bedroom dark, quiet and cool.",
                    "Hold soverommet mørkt, stille og kjølig.",
                ),
                step(
                    "Avoid coffee, nicotine and screens in the last hours before bed.",
                    "Unngå kaffe, nikotin og skjermer de siste timene før leggetid.",
                ),
                step(
                    "If you cannot sleep after 20 minutes, get up and do something calm.",
                    "Får du ikke sove etter 20 minutter, stå opp og gjør noe rolig.",
                ),
            ],
        },
        Exercise {
            key: "mindfulness".into(),
            title: Localized::new("Mindful breathing", "Oppmerksomt nærvær: pust"),
            summary: Localized::new(
                "Three minutes of attention to the breath.",
                "Tre minutter med oppmerksomhet på pusten.",
            ),
            steps: vec![
                step(
                    "Sit comfortably and let your eyes close or rest on one spot.",
                    "Sett deg godt til rette og lukk øynene eller hvil blikket på ett punkt.",
                ),
                step(
                    "Notice the breath going in and out, without changing it.",
                    "Legg merke til pusten som går inn og ut, uten å endre den.",
                ),
                step(
                    "When thoughts come, notice them and return to the breath.",
                    "Når tanker kommer, legg merke til dem og vend tilbake til pusten.",
                ),
                step(
                    "Widen your attention to the whole body, then open your eyes.",
                    "Utvid oppmerksomheten til hele kroppen, og åpne så øynene.",
                ),
            ],
        },
        Exercise {
            key: "strengths-mapping".into(),
            title: Localized::new("Strengths mapping", "Kartlegging av styrker"),
            summary: Localized::new(
                "Name what you are good at and what has helped before.",
                "Sett ord på det du er god til og det som har hjulpet før.",
            ),
            steps: vec![
                step(
                    "Write down three things you have managed in the past year.",
                    "Skriv ned tre ting du har fått til det siste året.",
                ),
                step(
                    "For each, name the strength it took.",
                    "Skriv for hver av dem hvilken styrke det krevde.",
                ),
                step(
                    "Ask someone you trust what they see as your strengths.",
                    "Spør noen du stoler på hva de ser som dine styrker.",
                ),
                step(
                    "Choose one strength to use in a goal this week.",
                    "Velg én styrke du vil bruke i et mål denne uken.",
                ),
            ],
        },
    ]
}
