//! recovery-core
