//! The stores with the keyring crate's in-memory mock, a keyring that
//! fails and one that hangs: the key goes where it should, and falls back
//! to the owner-only file with one warning.
#![allow(clippy::unwrap_used)]

use std::os::unix::fs::PermissionsExt;
use std::time::{Duration, Instant};

use keyring::credential::{Credential, CredentialApi};
use keyring::mock::MockCredential;
use narrative_keys::Secret;

use super::store::KEYRING_TIMEOUT;
use super::*;

const KEY: &str = "nk-test-profile-key-0123456789abcd";

/// A keyring of the crate's mock entries (one per profile, kept by the store).
fn mock_keyring() -> KeyringStore {
    KeyringStore::new(
        Box::new(|_| {
            Ok(keyring::Entry::new_with_credential(Box::new(
                MockCredential::default(),
            )))
        }),
        KEYRING_TIMEOUT,
    )
}

/// A keyring whose every entry fails its next call as a locked or absent
/// Secret Service does.
fn failing_keyring() -> KeyringStore {
    KeyringStore::new(
        Box::new(|_| {
            let mock = MockCredential::default();
            mock.set_error(keyring::Error::NoStorageAccess(
                "org.freedesktop.DBus.Error.ServiceUnknown".into(),
            ));
            Ok(keyring::Entry::new_with_credential(Box::new(mock)))
        }),
        KEYRING_TIMEOUT,
    )
}

/// A keyring that never answers, as a hung D-Bus.
#[derive(Debug)]
struct Hung;

impl CredentialApi for Hung {
    fn set_secret(&self, _: &[u8]) -> keyring::Result<()> {
        std::thread::sleep(Duration::from_secs(30));
        Ok(())
    }
    fn get_secret(&self) -> keyring::Result<Vec<u8>> {
        std::thread::sleep(Duration::from_secs(30));
        Err(keyring::Error::NoEntry)
    }
    fn delete_credential(&self) -> keyring::Result<()> {
        Ok(())
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}

fn hung_keyring() -> KeyringStore {
    KeyringStore::new(
        Box::new(|_| {
            let hung: Box<Credential> = Box::new(Hung);
            Ok(keyring::Entry::new_with_credential(hung))
        }),
        Duration::from_millis(200),
    )
}

fn vault(keyring: KeyringStore, dir: &Path) -> Vault {
    Vault::new(
        Box::new(keyring),
        FileStore::new(dir.join("narrative-keys").join("credentials.toml")),
    )
}

#[test]
fn the_keyring_keeps_the_key_and_the_file_stays_absent() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(mock_keyring(), dir.path());
    let (storage, warning) = vault.save("work", &Secret::new(KEY), false).unwrap();
    assert_eq!((storage, warning), (Storage::Keyring, None));
    let got = vault.store(Storage::Keyring).get("work").unwrap().unwrap();
    assert_eq!(got.expose(), KEY);
    assert!(
        vault
            .store(Storage::Keyring)
            .get("other")
            .unwrap()
            .is_none()
    );
    assert!(!dir.path().join("narrative-keys/credentials.toml").exists());
    assert!(vault.store(Storage::Keyring).delete("work").unwrap());
    assert!(
        !vault.store(Storage::Keyring).delete("work").unwrap(),
        "a second delete finds nothing"
    );
    assert!(vault.store(Storage::Keyring).get("work").unwrap().is_none());
}

#[test]
fn a_failing_keyring_falls_back_to_the_private_file_with_one_warning() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(failing_keyring(), dir.path());
    let (storage, warning) = vault.save("work", &Secret::new(KEY), false).unwrap();
    assert_eq!(storage, Storage::File);
    let warning = warning.unwrap();
    let path = dir.path().join("narrative-keys/credentials.toml");
    assert!(!warning.contains('\n'), "one line: {warning}");
    assert!(warning.contains(&path.display().to_string()), "{warning}");
    assert!(warning.contains("ServiceUnknown"), "{warning}");
    assert!(!warning.contains(KEY));
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    let folder = std::fs::metadata(path.parent().unwrap()).unwrap();
    assert_eq!(folder.permissions().mode() & 0o777, 0o700);
    assert_eq!(
        vault
            .store(Storage::File)
            .get("work")
            .unwrap()
            .unwrap()
            .expose(),
        KEY
    );
}

#[test]
fn a_hung_keyring_gives_up_within_its_timeout() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(hung_keyring(), dir.path());
    let started = Instant::now();
    let err = vault.store(Storage::Keyring).get("work").unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(
        err.message.contains("did not answer within"),
        "{}",
        err.message
    );
    let (storage, warning) = vault.save("work", &Secret::new(KEY), false).unwrap();
    assert_eq!(storage, Storage::File);
    assert!(warning.unwrap().contains("did not answer"));
}

#[test]
fn insecure_storage_never_asks_the_keyring() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(hung_keyring(), dir.path());
    let started = Instant::now();
    let (storage, warning) = vault.save("ci", &Secret::new(KEY), true).unwrap();
    assert_eq!((storage, warning), (Storage::File, None));
    assert!(started.elapsed() < Duration::from_millis(200));
}

#[test]
fn a_credentials_file_others_can_read_is_refused_with_the_chmod_that_fixes_it() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(mock_keyring(), dir.path());
    vault.save("work", &Secret::new(KEY), true).unwrap();
    let path = dir.path().join("narrative-keys/credentials.toml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let err = vault.store(Storage::File).get("work").unwrap_err();
    assert!(err.message.contains("mode 0644"), "{}", err.message);
    assert_eq!(
        err.hint,
        format!("make it private: chmod 600 {}", path.display())
    );
    assert!(
        vault.save("other", &Secret::new(KEY), true).is_err(),
        "nor written to"
    );
}

#[test]
fn the_file_keeps_profiles_apart_and_is_removed_with_the_last() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(mock_keyring(), dir.path());
    let file = vault.store(Storage::File);
    file.set("a", &Secret::new("key-a-0123456789abcdef"))
        .unwrap();
    file.set("b", &Secret::new("key-b-0123456789abcdef"))
        .unwrap();
    assert!(file.delete("a").unwrap());
    assert!(!file.delete("a").unwrap());
    assert_eq!(
        file.get("b").unwrap().unwrap().expose(),
        "key-b-0123456789abcdef"
    );
    assert!(file.delete("b").unwrap());
    assert!(!dir.path().join("narrative-keys/credentials.toml").exists());
}

#[test]
fn config_round_trips_and_never_holds_a_key() {
    let dir = tempfile::tempdir().unwrap();
    let mut profiles = Profiles::load_from(dir.path().join("narrative-keys")).unwrap();
    assert_eq!(profiles.config, Config::default());
    profiles.config.default = Some("work".into());
    profiles.config.profiles.insert(
        "work".into(),
        Profile {
            environment: "dev".into(),
            storage: Storage::Keyring,
        },
    );
    profiles.save().unwrap();
    let text = std::fs::read_to_string(profiles.config_path()).unwrap();
    assert!(text.contains("default = \"work\""), "{text}");
    let again = Profiles::load_from(profiles.dir.clone()).unwrap();
    assert_eq!(again.config, profiles.config);
}

#[test]
fn a_broken_config_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), "default = [").unwrap();
    let err = Profiles::load_from(dir.path().to_owned()).err().unwrap();
    assert!(
        err.message
            .contains("config.toml is not a valid settings file"),
        "{}",
        err.message
    );
}

#[test]
fn profile_names_are_one_shell_word() {
    for good in ["work", "dev-acme", "a.b_c", "X9"] {
        assert!(check_name(good).is_ok(), "{good}");
    }
    for bad in ["", "two words", "a/b", "ü", &"x".repeat(65)] {
        let err = check_name(bad).unwrap_err();
        assert!(err.hint.unwrap().contains("letters, digits"), "{bad}");
    }
}

#[test]
fn a_profile_reads_its_key_from_where_the_settings_say() {
    let dir = tempfile::tempdir().unwrap();
    let vault = vault(mock_keyring(), dir.path());
    let mut profiles = Profiles::load_from(dir.path().join("narrative-keys")).unwrap();
    for (name, storage) in [("desk", Storage::Keyring), ("ci", Storage::File)] {
        profiles.config.profiles.insert(
            name.into(),
            Profile {
                environment: "prod".into(),
                storage,
            },
        );
    }
    vault
        .store(Storage::Keyring)
        .set("desk", &Secret::new(KEY))
        .unwrap();
    assert_eq!(profiles.key(&vault, "desk").unwrap().expose(), KEY);
    // The same key in the other store is not looked for.
    let err = profiles.key(&vault, "ci").err().unwrap();
    assert!(
        err.message.contains("profile ci has no key in"),
        "{}",
        err.message
    );
    assert_eq!(
        err.hint.unwrap(),
        "sign in again: narrative-keys auth login --profile ci"
    );
    let err = profiles.key(&vault, "gone").err().unwrap();
    assert!(
        err.message
            .contains("names profile gone, which does not exist"),
        "{}",
        err.message
    );
}
