//! Shared fixtures for the integration tests.

#[path = "durability/fixture.rs"]
pub mod durability;
