use super::*;

fn parse(text: &str) -> Result<KeysFile, KeysFileError> {
    KeysFile::parse(
        Path::new("/work/keys/narrative-keys.toml"),
        text.to_owned(),
        Utc::now(),
    )
}

#[test]
fn a_whole_file_reads_with_its_defaults() {
    let file = parse(
        r#"
[defaults]
expires = "30d"
overlap = "0s"
managed = "ci-*"

[[key]]
name = "ci-ingest"
presets = ["data-ingestion"]
grant = ["read:datasets"]
secret_out = "secrets/ingest.env"
secret_env_name = "INGEST_KEY"

[[key]]
name = "ci-report"
grant = ["read:queries"]
rotate_before = "2s"
overlap = "1h"
secret_to = ["cat > /dev/null"]
"#,
    )
    .unwrap();
    let [ingest, report] = &file.keys[..] else {
        panic!("two keys")
    };
    assert_eq!(
        ingest.permissions.to_string(),
        "write:data_streams,read:datasets,write:datasets"
    );
    assert_eq!(
        ingest.targets.secret_out.as_deref(),
        Some(Path::new("/work/keys/secrets/ingest.env"))
    );
    assert_eq!(ingest.overlap, FileSpan::Zero);
    assert_eq!(
        ingest.expires,
        Lifetime::For(FileSpan::Span(Span::Hours(30 * 24)))
    );
    assert_eq!(ingest.rotate_before, DEFAULT_ROTATE_BEFORE);
    assert_eq!(report.rotate_before, FileSpan::Seconds(2));
    assert_eq!(report.overlap, FileSpan::Span(Span::Hours(1)));
    assert!(file.manages("ci-other") && !file.manages("prod-ci"));
}

#[test]
fn a_misspelt_field_is_named_with_a_suggestion() {
    let e =
        parse("[[key]]\nname = \"a\"\ngrant = [\"read:datasets\"]\nexpire = \"9d\"\n").unwrap_err();
    assert_eq!(
        e.problems,
        ["line 4: unknown field `expire`; did you mean `expires`?"]
    );
    let e = parse("[defaults]\nrotate_befor = \"9d\"\n").unwrap_err();
    assert!(
        e.problems[0].contains("did you mean `rotate_before`?"),
        "{e}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let e = parse(
        r#"
[defaults]
overlap = "1.5d"
prune = true
[[key]]
name = "a"
grant = ["read:dataset"]
secret_out = "x.env"
[[key]]
name = "a"
grant = ["read:datasets"]
secret_out = "x.env"
id = "nope"
expires = "0s"
"#,
    )
    .unwrap_err();
    let all = e.problems.join("\n");
    for part in [
        "[defaults] overlap = \"1.5d\": ",
        "36h",
        "prune = true needs managed",
        "did you mean read:datasets?",
        "two [[key]] entries are named \"a\"",
        "share secret_out /work/keys/x.env",
        "id: ",
        "expires = \"0s\": a key would expire at once",
    ] {
        assert!(all.contains(part), "{part:?} missing from:\n{all}");
    }
}

#[test]
fn unknown_permissions_need_allow_unknown() {
    let text = "[[key]]\nname = \"a\"\ngrant = [\"admin:everything\"]\n";
    assert!(parse(text).is_err());
    let file = parse(&format!("{text}allow_unknown = true\n")).unwrap();
    assert_eq!(file.keys[0].permissions.to_string(), "admin:everything");
}

#[test]
fn pins_are_rewritten_in_place_keeping_comments() {
    let text = "# mine\n[[key]]\nname = \"a\" # the one\nid = \"11111111-1111-4111-8111-111111111111\"  # pinned\ngrant = [\"read:datasets\"]\n";
    let file = parse(text).unwrap();
    let new = "22222222-2222-4222-8222-222222222222";
    assert_eq!(
        file.with_pins(&[(0, new.to_owned())]),
        text.replace("11111111-1111-4111-8111-111111111111", new)
    );
}

#[test]
fn spans_read_seconds_zero_and_expiration_spans() {
    assert_eq!(FileSpan::parse("0s"), Ok(FileSpan::Zero));
    assert_eq!(FileSpan::parse("2s"), Ok(FileSpan::Seconds(2)));
    assert_eq!(FileSpan::parse("24h"), Ok(FileSpan::Span(Span::Hours(24))));
    assert_eq!(FileSpan::parse("6mo"), Ok(FileSpan::Span(Span::Months(6))));
    assert!(FileSpan::parse("5m").unwrap_err().contains("5mo"));
    assert!(FileSpan::parse("soon").is_err());
}

#[test]
fn a_rotate_before_not_shorter_than_expires_is_refused_naming_both() {
    // Every key made would be due at once: each apply rotated it again.
    let e = parse("[[key]]\nname = \"a\"\ngrant = [\"read:datasets\"]\nexpires = \"7d\"\nrotate_before = \"2w\"\n").unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    assert!(
        e.problems[0].starts_with(
            "[[key]] \"a\": rotate_before = \"2w\" is not shorter than expires = \"7d\""
        ),
        "{e}"
    );
    let e = parse("[defaults]\nexpires = \"14d\"\nrotate_before = \"14d\"\n[[key]]\nname = \"a\"\ngrant = [\"read:datasets\"]\n").unwrap_err();
    assert_eq!(e.problems.len(), 1, "said once, in [defaults]: {e}");
    assert!(
        e.problems[0].starts_with(
            "[defaults] rotate_before = \"14d\" is not shorter than expires = \"14d\""
        ),
        "{e}"
    );
    // A key that sets its own pair is checked with it.
    let e = parse("[defaults]\nrotate_before = \"30d\"\n[[key]]\nname = \"a\"\ngrant = [\"read:datasets\"]\nexpires = \"30d\"\n").unwrap_err();
    assert!(
        e.problems[0].starts_with("[[key]] \"a\": rotate_before = \"30d\""),
        "{e}"
    );
    // "never" is no lifetime to compare, and a shorter rotate_before is fine.
    parse("[defaults]\nexpires = \"never\"\nrotate_before = \"1y\"\n[[key]]\nname = \"a\"\ngrant = [\"read:datasets\"]\n").unwrap();
    parse("[[key]]\nname = \"a\"\ngrant = [\"read:datasets\"]\nexpires = \"30d\"\nrotate_before = \"29d\"\n").unwrap();
}

#[test]
fn a_long_name_is_cut_in_its_problem() {
    let name = "n".repeat(3000);
    let e = parse(&format!(
        "[[key]]\nname = \"{name}\"\ngrant = [\"read:datasets\"]\n"
    ))
    .unwrap_err();
    assert_eq!(e.problems.len(), 1, "{e}");
    let problem = &e.problems[0];
    assert!(problem.contains("3000 characters long"), "{problem}");
    assert!(
        problem.starts_with(&format!("[[key]] \"{}\"…: ", "n".repeat(60))),
        "{problem}"
    );
    assert!(problem.chars().count() < 200, "{problem}");
}

#[test]
fn secret_to_as_a_string_says_each_entry_is_one_shell_command() {
    let err =
        parse("[[key]]\nname = \"ci\"\ngrant = [\"read:datasets\"]\nsecret_to = \"cat > f\"\n")
            .unwrap_err()
            .to_string();
    assert!(err.contains("line 4"), "{err}");
    assert!(
        err.contains("each entry one shell command run with `sh -c`"),
        "{err}"
    );
}
