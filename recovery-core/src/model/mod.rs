//! Plain data: ids, people, the toolbox, care teams, messaging, the change feed, the forum, the
//! access log, the usage log and the catalogues. Nothing here knows about storage or rules.

pub mod audit;
pub mod catalogue;
pub mod feed;
pub mod forum;
pub mod ids;
pub mod messaging;
pub mod people;
pub mod team;
pub mod toolbox;
pub mod usage;
