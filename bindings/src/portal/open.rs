//! Opening a portal on its SQLite file.

use std::sync::Arc;

use super::Portal;
use crate::config::PortalConfig;
use crate::convert::Result;

#[uniffi::export]
impl Portal {
    /// Opens (or creates) a portal in an SQLite file.
    ///
    /// Refuses a file written by a newer version of the library, a file that is not a
    /// recovery-core database and a corrupt file, each with a `Storage` error of its own kind,
    /// without touching the file.
    #[uniffi::constructor(default(config))]
    pub fn open(path: String, config: PortalConfig) -> Result<Arc<Self>> {
        let inner = recovery_core::Portal::open(path, config.into())?;
        Ok(Arc::new(Self { inner }))
    }
}

/// Encryption at rest (feature `sqlcipher`).
#[cfg(feature = "sqlcipher")]
#[uniffi::export]
impl Portal {
    /// Opens (or creates) a portal in an SQLCipher file with a 32-byte key from the platform's
    /// keystore. A wrong key is a `Storage` error of kind `WrongKey`, an unencrypted file
    /// `NotEncrypted`; either leaves the file untouched. A key of another length is `Invalid`
    /// on `key`. The bindings wipe their copy of the key once it is read.
    #[uniffi::constructor(default(config))]
    pub fn open_encrypted(path: String, key: Vec<u8>, config: PortalConfig) -> Result<Arc<Self>> {
        let key = database_key(key)?;
        let inner = recovery_core::Portal::open_encrypted(path, &key, config.into())?;
        Ok(Arc::new(Self { inner }))
    }

    /// Re-encrypts an encrypted portal's file with a new 32-byte key; from then on only the
    /// new key opens it. `NotEncrypted` for a portal not opened with `open_encrypted`.
    pub fn rekey(&self, key: Vec<u8>) -> Result<()> {
        let key = database_key(key)?;
        Ok(self.inner.rekey(&key)?)
    }
}

/// The core's key from the bytes handed in, wiping the handed-in copy (the core's key wipes
/// itself when dropped).
#[cfg(feature = "sqlcipher")]
fn database_key(mut bytes: Vec<u8>) -> Result<recovery_core::store::sqlite::DatabaseKey> {
    let key = recovery_core::store::sqlite::DatabaseKey::from_slice(&bytes);
    bytes.iter_mut().for_each(|b| *b = 0);
    // Keep the wipe from being optimised away as a dead store.
    std::hint::black_box(&bytes);
    Ok(key?)
}

#[cfg(all(test, feature = "sqlcipher"))]
mod tests {
    use crate::config::PortalConfig;
    use crate::error::{Problem, RecoveryError, StorageKind};
    use crate::model::people::{NewPerson, Role};

    use super::Portal;

    fn anna() -> NewPerson {
        NewPerson {
            role: Role::ServiceUser,
            display_name: "Anna".into(),
            provider: None,
        }
    }

    fn kind(error: RecoveryError) -> StorageKind {
        match error {
            RecoveryError::Storage { kind, .. } => kind,
            other => panic!("expected a storage error, got {other:?}"),
        }
    }

    #[test]
    fn only_the_right_key_opens_an_encrypted_portal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("recovery.sqlite").display().to_string();
        let key = vec![7u8; 32];
        let portal = Portal::open_encrypted(path.clone(), key.clone(), PortalConfig::default())
            .expect("a new encrypted file");
        let id = portal.register(anna()).expect("registered").id;
        drop(portal);

        let wrong = Portal::open_encrypted(path.clone(), vec![8u8; 32], PortalConfig::default())
            .expect_err("another key");
        assert_eq!(kind(wrong), StorageKind::WrongKey);
        let plain = Portal::open(path.clone(), PortalConfig::default()).expect_err("no key");
        assert_eq!(kind(plain), StorageKind::NotADatabase);

        let reopened = Portal::open_encrypted(path.clone(), key, PortalConfig::default())
            .expect("the right key");
        assert_eq!(reopened.me(id).expect("found").display_name, "Anna");
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused_and_a_plain_portal_cannot_be_rekeyed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("recovery.sqlite").display().to_string();
        let short = Portal::open_encrypted(path.clone(), vec![1u8; 16], PortalConfig::default())
            .expect_err("16 bytes");
        assert!(matches!(
            short,
            RecoveryError::Invalid { ref field, problem: Problem::Inconsistent { .. } } if field == "key"
        ));
        assert!(!dir.path().join("recovery.sqlite").exists());

        let plain = Portal::open(path, PortalConfig::default()).expect("plain file");
        let refused = plain.rekey(vec![2u8; 32]).expect_err("not encrypted");
        assert_eq!(kind(refused), StorageKind::NotEncrypted);
    }
}
