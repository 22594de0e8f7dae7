//! The secret files' and output files' checks, on real files.

use std::fs;

use super::*;
use crate::key::ApiKey;
use crate::permission::PermissionSet;

fn key(id: &str, name: &str) -> ApiKey {
    ApiKey {
        id: id.into(),
        name: name.into(),
        permissions: PermissionSet::new(),
        expires_at: None,
    }
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn a_secret_file_is_0600_and_replaces_only_a_key_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.env");
    let k = key("k1", "app");
    let secret = crate::Secret::new("s3cr3t-one");
    let item = NewSecret {
        key: &k,
        secret: &secret,
        replaces: None,
    };
    let mut sink = SecretFile::new(&path);
    sink.check().unwrap();
    sink.deliver(&item).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "NARRATIVE_API_KEY=s3cr3t-one\n"
    );
    assert_eq!(mode(&path), 0o600);
    assert!(sink.take_kept().is_none(), "a new file replaced nothing");
    assert!(SecretFile::new(&path).holds_secret());
    assert!(!SecretFile::new(&path).env_name("OTHER").holds_secret());
    // The next rotation replaces it, keeping the secret it held beside it.
    let secret2 = crate::Secret::new("s3cr3t-two");
    let mut again = SecretFile::new(&path);
    again.check().unwrap();
    again
        .deliver(&NewSecret {
            secret: &secret2,
            ..item
        })
        .unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "NARRATIVE_API_KEY=s3cr3t-two\n"
    );
    let kept = again.take_kept().expect("the old secret was kept");
    assert_eq!(kept.replaced(), path);
    assert_eq!(
        fs::read_to_string(kept.path()).unwrap(),
        "NARRATIVE_API_KEY=s3cr3t-one\n"
    );
    assert_eq!(mode(kept.path()), 0o600);
    let name = kept.path().file_name().unwrap().to_str().unwrap();
    assert!(name.starts_with("app.env.replaced-"), "{name}");
    assert!(!format!("{kept:?}").contains("s3cr3t"), "{kept:?}");
    // Another variable name is other content.
    let err = SecretFile::new(&path)
        .env_name("APP_KEY")
        .check()
        .unwrap_err();
    assert!(err.message.contains("one APP_KEY= line"), "{err}");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "the file and its kept secret; no temporary file left"
    );
}

#[test]
fn an_empty_or_blank_file_or_line_takes_a_secret_and_keeps_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let k = key("k1", "app");
    let secret = crate::Secret::new("fresh");
    for (name, before) in [
        ("made-by-mktemp", ""),
        ("blank.env", "\n \n"),
        ("empty-value.env", "NARRATIVE_API_KEY=\n"),
    ] {
        let path = dir.path().join(name);
        fs::write(&path, before).unwrap();
        let mut sink = SecretFile::new(&path);
        sink.check().unwrap();
        sink.deliver(&NewSecret {
            key: &k,
            secret: &secret,
            replaces: None,
        })
        .unwrap();
        assert!(sink.take_kept().is_none(), "{name}: no secret to keep");
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "NARRATIVE_API_KEY=fresh\n"
        );
    }
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 3);
}

#[test]
fn a_quoted_secret_is_kept_as_its_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.env");
    fs::write(&path, "\nNARRATIVE_API_KEY=\"quoted-value\"\n").unwrap();
    let mut sink = SecretFile::new(&path);
    sink.check().unwrap();
    let k = key("k1", "app");
    let secret = crate::Secret::new("fresh");
    sink.deliver(&NewSecret {
        key: &k,
        secret: &secret,
        replaces: None,
    })
    .unwrap();
    let kept = sink.take_kept().unwrap();
    assert_eq!(kept.secret_value(), "quoted-value");
    assert_eq!(
        fs::read_to_string(kept.path()).unwrap(),
        "\nNARRATIVE_API_KEY=\"quoted-value\"\n",
        "kept byte for byte"
    );
}

#[test]
fn a_line_is_read_as_dotenv_reads_an_unquoted_value() {
    // (after `NAME=`, what dotenv makes of it)
    let cases: [(&str, Option<&str>); 14] = [
        ("live-secret", Some("live-secret")),
        ("  live-secret \t", Some("live-secret")),
        ("live-secret # prod", Some("live-secret")),
        ("live-secret\t# prod", Some("live-secret")),
        ("live-secret #", Some("live-secret")),
        ("live#secret", Some("live#secret")),
        (" # only a comment", Some("")),
        ("live-secret\tx", None),
        ("live-secret x", None),
        ("live secret # prod", None),
        ("\"quoted value\"", Some("quoted value")),
        ("'quoted' # prod", Some("quoted")),
        ("\"a\"b\"", Some("a\"b")),
        ("\"unclosed", None),
    ];
    for (rest, want) in cases {
        assert_eq!(dotenv_value(rest), want, "{rest:?}");
    }
}

#[test]
fn trailing_junk_is_never_taken_as_part_of_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let k = key("k1", "app");
    let fresh = crate::Secret::new("fresh");
    let item = NewSecret {
        key: &k,
        secret: &fresh,
        replaces: None,
    };
    // An inline comment: the secret before it is the one kept.
    let commented = dir.path().join("commented.env");
    fs::write(&commented, "NARRATIVE_API_KEY=live-secret # prod\n").unwrap();
    let mut sink = SecretFile::new(&commented);
    sink.check().unwrap();
    sink.deliver(&item).unwrap();
    let kept = sink.take_kept().unwrap();
    assert_eq!(kept.secret_value(), "live-secret");
    assert_eq!(
        fs::read_to_string(kept.path()).unwrap(),
        "NARRATIVE_API_KEY=live-secret # prod\n",
        "kept byte for byte"
    );
    // Whitespace inside that is no comment: no secret, so refused.
    for (name, text) in [
        ("tab.env", "NARRATIVE_API_KEY=live-secret\tx\n"),
        ("space.env", "NARRATIVE_API_KEY=live secret\n"),
    ] {
        let path = dir.path().join(name);
        fs::write(&path, text).unwrap();
        let err = SecretFile::new(&path).check().unwrap_err();
        assert!(
            err.message
                .contains("holds something other than one NARRATIVE_API_KEY= line"),
            "{name}: {err}"
        );
        assert!(!SecretFile::new(&path).holds_secret(), "{name}");
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            text,
            "{name}: untouched"
        );
    }
}

#[test]
fn refusals_name_the_path_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("settings.env");
    fs::write(&other, "DATABASE_URL=x\nNARRATIVE_API_KEY=y\n").unwrap();
    let link = dir.path().join("link.env");
    std::os::unix::fs::symlink(dir.path().join("target.env"), &link).unwrap();
    let fifo = dir.path().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let cases = [
        (
            other.clone(),
            "holds something other than one NARRATIVE_API_KEY= line",
        ),
        (link.clone(), "symbolic link"),
        (fifo.clone(), "a FIFO"),
        (dir.path().to_path_buf(), "a directory"),
        (dir.path().join("missing/key.env"), "does not exist"),
        (PathBuf::from("/dev/null"), "a device"),
    ];
    for (path, expected) in cases {
        let err = SecretFile::new(&path).check().unwrap_err();
        assert!(err.message.contains(expected), "{}: {err}", path.display());
        assert_eq!(err.target, path.display().to_string());
        assert!(err.hint.is_some());
    }
    assert_eq!(
        fs::read_to_string(&other).unwrap(),
        "DATABASE_URL=x\nNARRATIVE_API_KEY=y\n"
    );
    assert!(
        !dir.path().join("target.env").exists(),
        "nothing written through the link"
    );
    let report = dir.path().join("report.md");
    fs::write(&report, "old").unwrap();
    assert!(
        check_output(&report, &OutputKind::New)
            .unwrap_err()
            .message
            .contains("already exists")
    );
    assert!(write_new_file(&report, "new", false).is_err());
    assert_eq!(fs::read_to_string(&report).unwrap(), "old");
    write_new_file(&report, "new", true).unwrap();
    assert_eq!(fs::read_to_string(&report).unwrap(), "new");
    assert!(
        write_new_file(&link, "x", true).is_err(),
        "--force never writes through a link"
    );
}

#[test]
fn a_file_of_many_secrets_grows_one_secret_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replacements.env");
    let mut sink = SecretsFile::new(&path);
    sink.check().unwrap();
    let a = key("id-a", "Nightly ingestion");
    let b = key("id-b", "nightly\ningestion=x");
    let (sa, sb) = (crate::Secret::new("sec-a"), crate::Secret::new("sec-b"));
    sink.deliver(&NewSecret {
        key: &a,
        secret: &sa,
        replaces: Some("old-a"),
    })
    .unwrap();
    assert!(
        fs::read_to_string(&path)
            .unwrap()
            .contains("NIGHTLY_INGESTION=sec-a\n")
    );
    assert_eq!(mode(&path), 0o600);
    sink.deliver(&NewSecret {
        key: &b,
        secret: &sb,
        replaces: Some("old-b"),
    })
    .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# Nightly ingestion (id id-a, replaces old-a)\nNIGHTLY_INGESTION=sec-a\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "# nightly ingestion=x (id id-b, replaces old-b)\nNIGHTLY_INGESTION_X=sec-b\n"
        ),
        "{text}"
    );
    for line in text
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (name, _) = line.split_once('=').unwrap();
        assert!(is_env_name(name), "{line}");
    }
    // JSON for .json.
    let json_path = dir.path().join("replacements.json");
    let mut sink = SecretsFile::new(&json_path);
    sink.check().unwrap();
    sink.deliver(&NewSecret {
        key: &a,
        secret: &sa,
        replaces: Some("old-a"),
    })
    .unwrap();
    let rows: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(rows[0]["secret"], "sec-a");
    assert_eq!(rows[0]["replaces"], "old-a");
    assert_eq!(rows[0]["env_name"], "NIGHTLY_INGESTION");
    // An existing file is refused before anything is sent.
    assert!(
        SecretsFile::new(&path)
            .check()
            .unwrap_err()
            .message
            .contains("already exists")
    );
}

#[test]
fn a_failed_write_is_not_counted_as_delivered() {
    let dir = tempfile::tempdir().unwrap();
    let sub = dir.path().join("sub");
    fs::create_dir(&sub).unwrap();
    let path = sub.join("replacements.env");
    let mut sink = SecretsFile::new(&path);
    sink.check().unwrap();
    fs::remove_dir(&sub).unwrap();
    let a = key("id-a", "a");
    let s = crate::Secret::new("sec");
    let err = sink
        .deliver(&NewSecret {
            key: &a,
            secret: &s,
            replaces: None,
        })
        .unwrap_err();
    assert!(err.message.contains("could not"), "{err}");
    assert!(sink.is_empty());
}
