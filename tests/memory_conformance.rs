//! The store conformance suite on the memory store, the reference implementation.

recovery_core::store_conformance_tests!(recovery_core::store::MemoryStore::new);
