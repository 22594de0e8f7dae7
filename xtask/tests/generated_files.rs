//! Every checked-in generated file (docs/src/reference/, tui/man/) is what its
//! generator prints now: a changed flag, key, code or output type fails
//! here until `cargo xtask docs` is run and its output committed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use xtask::{GENERATED_FOLDERS, REGENERATE, generated_files, repository_root};

#[test]
fn every_generated_file_is_current() {
    let root = repository_root();
    let files = generated_files().expect("the generators run");
    let mut stale: Vec<String> = files
        .iter()
        .filter(|f| std::fs::read(root.join(&f.path)).ok().as_deref() != Some(&f.contents[..]))
        .map(|f| f.path.clone())
        .collect();
    for folder in GENERATED_FOLDERS {
        for entry in std::fs::read_dir(root.join(folder)).expect("the generated folder exists") {
            let relative = format!("{folder}/{}", entry.unwrap().file_name().to_string_lossy());
            if !files.iter().any(|f| f.path == relative) {
                stale.push(format!("{relative} (no generator makes it any more)"));
            }
        }
    }
    assert!(
        stale.is_empty(),
        "generated files differ from what the code generates now: {stale:?}\nregenerate them with `{REGENERATE}` and commit the result"
    );
}

#[test]
fn the_reference_names_every_subcommand_and_flag() {
    let files = generated_files().unwrap();
    let page = |path: &str| {
        String::from_utf8(
            files
                .iter()
                .find(|f| f.path == path)
                .unwrap()
                .contents
                .clone(),
        )
        .unwrap()
    };
    let cli = page("docs/src/reference/cli.md");
    let mut cmd = narrative_keys_tui::cli::command();
    cmd.build();
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        assert!(
            cli.contains(&format!("## narrative-keys {}\n", sub.get_name())),
            "cli.md lacks {}",
            sub.get_name()
        );
        let flags = sub
            .get_arguments()
            .filter(|a| !matches!(a.get_id().as_str(), "help" | "version"))
            .filter_map(|a| a.get_long());
        for arg in flags {
            assert!(
                cli.contains(&format!("--{arg}")),
                "cli.md lacks {} --{arg}",
                sub.get_name()
            );
        }
        assert!(
            files
                .iter()
                .any(|f| f.path == format!("tui/man/narrative-keys-{}.1", sub.get_name())),
            "no man page for {}",
            sub.get_name()
        );
    }
    let keys = page("docs/src/reference/keys.md");
    for (keys_label, does) in [("?", "help"), ("/", "filter"), ("y", "switch to read-only")] {
        assert!(
            keys.contains(&format!("| {keys_label}")) && keys.contains(does),
            "keys.md lacks {keys_label}: {does}"
        );
    }
    let codes = page("docs/src/reference/exit-codes.md");
    for code in [
        "`unauthorized`",
        "`ambiguous_key`",
        "`nothing_selected`",
        "| 2 |",
    ] {
        assert!(codes.contains(code), "exit-codes.md lacks {code}");
    }
}
