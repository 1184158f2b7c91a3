//! Records and enums for the model, mirroring `recovery_core`'s types field for field (see ADR
//! 0003 for why they are mirrors), with the conversions both ways.

pub mod audit;
pub mod forum;
pub mod home;
pub mod messaging;
pub mod people;
pub mod team;
pub mod toolbox;
pub mod usage;
