//! The "stable shapes" promise, checked: every subcommand's `--json`
//! output, run for real against an emulator (each run and its dry run, each
//! way a secret is delivered), and the error document, validate against the
//! JSON Schemas checked in under docs/src/reference/schemas/ (which
//! xtask/tests/generated_files.rs keeps equal to what the types generate).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use narrative_keys_emulator::RunningEmulator;
use serde_json::Value;

mod cli_support;
use cli_support::{run_as, signed_out, spawn, stderr, stdout};
use narrative_keys_testkit::{emulator, seed_days as seed};

const ADMIN: &str = "json-schemas-admin-secret-0123456789";

fn schema_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/src/reference/schemas")
        .join(format!("{name}.schema.json"))
}

/// The documents printed, by the schema each must follow.
#[derive(Default)]
struct Outputs {
    documents: BTreeMap<&'static str, Vec<(String, Value)>>,
}

impl Outputs {
    /// `out`'s standard output, one document, for `schema`.
    fn stdout(&mut self, schema: &'static str, what: &str, out: &Output) {
        let text = stdout(out);
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{what}: stdout is not one JSON document ({e}); stderr: {}",
                stderr(out)
            )
        });
        self.add(schema, what, value);
    }

    /// Keeps `value`, each secret in it replaced by a string of its own
    /// (the schemas ask only for a string), so no failure prints one.
    fn add(&mut self, schema: &'static str, what: &str, mut value: Value) {
        redact(&mut value);
        self.documents
            .entry(schema)
            .or_default()
            .push((what.to_owned(), value));
    }
}

fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "secret" && child.is_string() {
                    *child = Value::from("[redacted]");
                } else {
                    redact(child);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact),
        _ => {}
    }
}

async fn run(emu: &RunningEmulator, args: &[&str]) -> Output {
    run_as(emu, ADMIN, args).await
}

/// Runs `line` (split as a shell would), which must exit with `status`,
/// and keeps its document for `schema`.
async fn keep(
    outputs: &mut Outputs,
    emu: &RunningEmulator,
    (schema, line, status): (&'static str, &str, i32),
) {
    let args = shlex::split(line).expect("a command line");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(emu, &args).await;
    assert_eq!(
        out.status.code(),
        Some(status),
        "{line} (stdout left out: it may hold a secret): {}",
        stderr(&out)
    );
    outputs.stdout(schema, line, &out);
}

/// The last document kept for `schema`.
fn last<'a>(outputs: &'a Outputs, schema: &str) -> &'a Value {
    &outputs.documents[schema].last().expect("a document").1
}

#[tokio::test(flavor = "multi_thread")]
async fn every_json_output_validates_against_its_checked_in_schema() {
    let emu = emulator(ADMIN).await;
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    seed(&emu, "alpha", &[("read", "datasets")], Some(30));
    seed(&emu, "soon", &[("write", "access_tokens")], Some(3));
    seed(&emu, "leaked", &[("read", "views")], Some(60));
    let keys_file = path("narrative-keys.toml");
    std::fs::write(
        &keys_file,
        format!(
            "[[key]]\nname = \"as-code\"\npresets = [\"read-only-analytics\"]\nsecret_out = {:?}\n",
            path("as-code.env")
        ),
    )
    .unwrap();
    let (env_file, report) = (path("made2.env"), path("incident.json"));
    // Each subcommand, its dry run, and each way a secret is delivered, in
    // the order a user would meet them.
    let steps = [
        ("list", "list --json".to_owned(), 0),
        ("show", "show alpha --json".to_owned(), 0),
        (
            "create",
            "create --name made --grant read:datasets --json".to_owned(),
            0,
        ),
        (
            "create",
            format!("create --name made2 --preset data-ingestion --secret-out {env_file} --json"),
            0,
        ),
        (
            "create",
            "create --name x --grant read:datasets --secret-to 'cat > /dev/null' --dry-run --json"
                .to_owned(),
            0,
        ),
        (
            "update",
            "update made --grant read:views --name 'made again' --expires 30d --json".to_owned(),
            0,
        ),
        (
            "update",
            "update 'made again' --drop read:views --dry-run --json".to_owned(),
            0,
        ),
        (
            "rotate",
            "rotate 'made again' --dry-run --json".to_owned(),
            0,
        ),
        ("rotate", "rotate 'made again' --json".to_owned(), 0),
        (
            "rotate",
            format!("rotate made2 --overlap 1h --secret-out {env_file} --json"),
            0,
        ),
        (
            "clone",
            "clone alpha --name 'alpha copy' --secret-to 'cat > /dev/null' --json".to_owned(),
            0,
        ),
        (
            "clone",
            "clone alpha --name 'alpha copy' --dry-run --json".to_owned(),
            0,
        ),
        (
            "revoke",
            "revoke 'alpha copy' --dry-run --json".to_owned(),
            0,
        ),
        ("revoke", "revoke 'alpha copy' --yes --json".to_owned(), 0),
        (
            "incident",
            "incident leaked --replace --dry-run --json".to_owned(),
            0,
        ),
        (
            "incident",
            format!("incident leaked --replace --yes --report {report} --json"),
            0,
        ),
        ("audit", "audit --json".to_owned(), 1),
        (
            "explain",
            "explain --grant read:datasets --json".to_owned(),
            0,
        ),
        ("explain", "explain alpha --json".to_owned(), 0),
        ("catalog", "catalog --json".to_owned(), 0),
        ("presets", "presets --json".to_owned(), 0),
        ("whoami", "whoami --json".to_owned(), 0),
        ("plan", format!("plan --file {keys_file} --json"), 1),
        ("apply", format!("apply --file {keys_file} --yes --json"), 0),
        ("apply", format!("apply --file {keys_file} --yes --json"), 0),
        ("plan", format!("plan --file {keys_file} --json"), 0),
    ];
    let mut o = Outputs::default();
    for (schema, line, status) in &steps {
        keep(&mut o, &emu, (schema, line, *status)).await;
        // The documents a user relies on most hold what they promise.
        match line.as_str() {
            "create --name made --grant read:datasets --json" => {
                assert_eq!(
                    last(&o, "create")["secret"],
                    "[redacted]",
                    "the secret is there"
                );
            }
            l if l.starts_with("rotate made2") => {
                assert!(last(&o, "rotate")["old_key_stops"].is_string());
            }
            l if l.starts_with("incident leaked --replace --yes") => {
                assert_eq!(last(&o, "incident")["secrets"][0]["secret"], "[redacted]");
            }
            _ => {}
        }
    }

    // Profiles: a signed-in one, then `auth status` and `auth list`.
    let home = tempfile::tempdir().unwrap();
    let mut login = signed_out(home.path());
    login
        .args(["auth", "login", "--with-token", "--environment", emu.url()])
        .write_stdin(format!("{ADMIN}\n"));
    let out = spawn(login).await.unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    for (schema, args) in [
        ("auth-status", ["auth", "status", "--json"]),
        ("auth-list", ["auth", "list", "--json"]),
    ] {
        let mut cmd = signed_out(home.path());
        cmd.args(args);
        let out = spawn(cmd).await.unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        o.stdout(schema, &args.join(" "), &out);
    }

    // Errors: a usage error clap finds, a key that matches none, the server's 404.
    for args in [
        &["list", "--status", "soonish", "--json"][..],
        &["show", "no-such-key", "--json"],
        &[
            "revoke",
            "00000000-0000-4000-8000-000000000000",
            "--yes",
            "--json",
        ],
    ] {
        let out = run(&emu, args).await;
        assert!(!out.status.success());
        let last = stderr(&out).lines().last().unwrap_or_default().to_owned();
        let value: Value = serde_json::from_str(&last).unwrap_or_else(|e| {
            panic!("{args:?}: the last line of stderr is not JSON ({e}): {last}")
        });
        o.add("error", &args.join(" "), value);
    }

    let mut problems = Vec::new();
    for document in narrative_keys_tui::commands::schemas::json_schemas() {
        let file = schema_file(document.name);
        let text = std::fs::read_to_string(&file)
            .unwrap_or_else(|e| panic!("{} ({e}): run `cargo xtask docs`", file.display()));
        let schema: Value = serde_json::from_str(&text).unwrap();
        let validator = jsonschema::validator_for(&schema)
            .unwrap_or_else(|e| panic!("{} is not a valid schema: {e}", file.display()));
        let runs = o
            .documents
            .get(document.name)
            .map_or(&[][..], Vec::as_slice);
        assert!(
            !runs.is_empty(),
            "no output of {} was checked against its schema",
            document.name
        );
        for (what, value) in runs {
            for error in validator.iter_errors(value) {
                problems.push(format!(
                    "{what}: {} at {}: {error}",
                    document.name,
                    error.instance_path()
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "outputs off their schema:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_schema_refuses_a_document_with_a_field_it_does_not_know_or_without_one_it_requires() {
    let text = std::fs::read_to_string(schema_file("error")).unwrap();
    let validator = jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap();
    let good = serde_json::json!({"error": {"code": "usage", "message": "bad"}});
    assert!(validator.is_valid(&good));
    let extra = serde_json::json!({"error": {"code": "usage", "message": "bad", "extra": 1}});
    assert!(!validator.is_valid(&extra), "an unknown field is refused");
    let missing = serde_json::json!({"error": {"code": "usage"}});
    assert!(
        !validator.is_valid(&missing),
        "a required field is required"
    );
}
