//! The OS keyring behind a small store trait, and "secure a context": moving a kubeconfig
//! user's secret into the keyring and serving it back through `ordinal credential`, an exec
//! credential plugin.
//!
//! - [`SecretStore`]: get/set/delete by (service, account), values are [`Sensitive<String>`].
//! - [`MemoryStore`]: for tests.
//! - [`KeyringStore`]: the `keyring` crate 4.x (`v1` feature: Secret Service over zbus on
//!   Linux/BSD, Keychain on macOS, Credential Manager on Windows). When no keyring is reachable
//!   or it is locked, every call fails with [`SecretsError::Unavailable`] (code
//!   `KeyringUnavailable`); there is never a fallback to a file.
//! - [`secure`]: `secure_context`, `unsecure_context`, `credential`.
//!
//! The keyring calls are blocking (D-Bus round trips); call them from a blocking thread
//! (`tokio::task::spawn_blocking`) in async code.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::error::{Classify, ErrorCode};
use crate::kubeconfig::KubeconfigError;
use crate::sensitive::Sensitive;

pub mod secure;

pub use secure::{
    credential, delete_context, export_contexts, secure_context, unsecure_context, SERVICE,
};

/// Errors of the secrets module. Messages never contain secret bytes.
#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("the OS keyring is unavailable: {0}")]
    Unavailable(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Invalid(String),
    #[error("the keyring item is damaged: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Kubeconfig(#[from] KubeconfigError),
}

impl Classify for SecretsError {
    fn code(&self) -> ErrorCode {
        match self {
            SecretsError::Unavailable(_) => ErrorCode::KeyringUnavailable,
            SecretsError::NotFound(_) => ErrorCode::NotFound,
            SecretsError::Invalid(_) => ErrorCode::Invalid,
            SecretsError::Corrupt(_) => ErrorCode::Internal,
            SecretsError::Kubeconfig(e) => e.code(),
        }
    }
    fn detail(&self) -> Option<String> {
        match self {
            SecretsError::Kubeconfig(e) => e.detail(),
            _ => None,
        }
    }
}

/// A place to keep secrets, addressed by (service, account).
pub trait SecretStore: Send + Sync {
    /// The secret, or `None` if there is no such item.
    fn get(&self, service: &str, account: &str) -> Result<Option<Sensitive<String>>, SecretsError>;
    fn set(
        &self,
        service: &str,
        account: &str,
        secret: &Sensitive<String>,
    ) -> Result<(), SecretsError>;
    /// Deletes the item; `Ok(false)` if there was none.
    fn delete(&self, service: &str, account: &str) -> Result<bool, SecretsError>;

    /// Proves the store can be written now (not locked, reachable) by writing and deleting a
    /// probe item. Call before a change that must not half-happen without the keyring.
    fn probe(&self) -> Result<(), SecretsError> {
        let account = "ordinal-probe";
        self.set(SERVICE, account, &Sensitive::new("probe".into()))?;
        self.delete(SERVICE, account)?;
        Ok(())
    }
}

/// An in-memory store for tests. Can be switched to "unavailable" to test error paths.
#[derive(Default)]
pub struct MemoryStore {
    items: Mutex<HashMap<(String, String), Sensitive<String>>>,
    unavailable: std::sync::atomic::AtomicBool,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
    /// Makes every call fail with `Unavailable`, like a locked keyring.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable
            .store(unavailable, std::sync::atomic::Ordering::SeqCst);
    }
    pub fn len(&self) -> usize {
        self.items.lock().expect("poisoned").len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn check(&self) -> Result<(), SecretsError> {
        if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(SecretsError::Unavailable(
                "the test store is switched off".into(),
            ));
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn get(&self, service: &str, account: &str) -> Result<Option<Sensitive<String>>, SecretsError> {
        self.check()?;
        Ok(self
            .items
            .lock()
            .expect("poisoned")
            .get(&(service.into(), account.into()))
            .cloned())
    }
    fn set(
        &self,
        service: &str,
        account: &str,
        secret: &Sensitive<String>,
    ) -> Result<(), SecretsError> {
        self.check()?;
        self.items
            .lock()
            .expect("poisoned")
            .insert((service.into(), account.into()), secret.clone());
        Ok(())
    }
    fn delete(&self, service: &str, account: &str) -> Result<bool, SecretsError> {
        self.check()?;
        Ok(self
            .items
            .lock()
            .expect("poisoned")
            .remove(&(service.into(), account.into()))
            .is_some())
    }
}

/// The OS keyring through `keyring` 4.x.
///
/// The platform store is initialised once per process (by the `keyring` crate) on first use;
/// if that fails (no Secret Service on the session bus), this process reports
/// `KeyringUnavailable` until restarted.
#[derive(Debug, Default, Clone, Copy)]
pub struct KeyringStore;

impl KeyringStore {
    pub fn new() -> Self {
        KeyringStore
    }

    /// `Ok(())` when the platform keyring could be initialised.
    pub fn status() -> Result<(), SecretsError> {
        match keyring::Entry::store_status() {
            Ok(()) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn entry(service: &str, account: &str) -> Result<keyring::Entry, SecretsError> {
        Self::status()?;
        keyring::Entry::new(service, account).map_err(|e| map_keyring_error(&e))
    }
}

/// Maps keyring errors without ever formatting payloads (some variants carry secret bytes).
fn map_keyring_error(e: &keyring::Error) -> SecretsError {
    use keyring::Error as E;
    match e {
        E::NoDefaultStore => SecretsError::Unavailable(
            "no OS keyring could be opened (on Linux: is a Secret Service such as gnome-keyring running on the session D-Bus?)"
                .into(),
        ),
        E::NoStorageAccess(inner) => {
            SecretsError::Unavailable(format!("the keyring is locked or refused access ({inner})"))
        }
        E::PlatformFailure(inner) => SecretsError::Unavailable(format!("keyring failure ({inner})")),
        E::BadEncoding(_) | E::BadDataFormat(..) => SecretsError::Corrupt("the stored value is not valid text".into()),
        E::NoEntry => SecretsError::NotFound("no such keyring item".into()),
        E::TooLong(attr, limit) => SecretsError::Invalid(format!("{attr} is longer than the keyring allows ({limit})")),
        E::Ambiguous(_) => SecretsError::Corrupt("several keyring items match".into()),
        E::Invalid(param, why) => SecretsError::Invalid(format!("keyring rejected {param}: {why}")),
        E::BadStoreFormat(why) => SecretsError::Unavailable(format!("keyring store is damaged: {why}")),
        E::NotSupportedByStore(why) => SecretsError::Unavailable(format!("keyring does not support this: {why}")),
        _ => SecretsError::Unavailable("unexpected keyring error".into()),
    }
}

impl SecretStore for KeyringStore {
    fn get(&self, service: &str, account: &str) -> Result<Option<Sensitive<String>>, SecretsError> {
        match Self::entry(service, account)?.get_password() {
            Ok(p) => Ok(Some(Sensitive::new(p))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(&e)),
        }
    }
    fn set(
        &self,
        service: &str,
        account: &str,
        secret: &Sensitive<String>,
    ) -> Result<(), SecretsError> {
        Self::entry(service, account)?
            .set_password(secret.expose())
            .map_err(|e| map_keyring_error(&e))
    }
    fn delete(&self, service: &str, account: &str) -> Result<bool, SecretsError> {
        match Self::entry(service, account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_keyring_error(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_store_roundtrip_and_unavailable() {
        let s = MemoryStore::new();
        assert!(s.get("svc", "a").unwrap().is_none());
        s.set("svc", "a", &Sensitive::new("v1".into())).unwrap();
        assert_eq!(s.get("svc", "a").unwrap().unwrap().expose(), "v1");
        assert!(s.delete("svc", "a").unwrap());
        assert!(!s.delete("svc", "a").unwrap());
        s.set_unavailable(true);
        let e = s.get("svc", "a").unwrap_err();
        assert_eq!(e.code(), ErrorCode::KeyringUnavailable);
    }
}
