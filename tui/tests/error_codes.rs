//! Every error `code` the command line can print is in the lists the
//! generated reference (docs/src/reference/exit-codes.md) prints, where scripts
//! look for them: the command line's own (`.code("...")` and `CliError`'s
//! constructors, listed in `error::CLI_CODES`) and the SDK's (`Error::code`,
//! `KeyRefError::code`, listed in `ERROR_CODES` and `KEY_REF_CODES`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The snake_case string literals right after each `marker` in `text`.
fn literals_after(text: &str, marker: &str) -> Vec<String> {
    text.match_indices(marker)
        .filter_map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let rest = rest.trim_start().strip_prefix('"')?;
            let end = rest.find('"')?;
            let word = &rest[..end];
            (!word.is_empty() && word.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
                .then(|| word.to_owned())
        })
        .collect()
}

/// The string literals a `fn code` returns, in each such function of `text`.
fn codes_returned(text: &str) -> Vec<String> {
    let mut codes = Vec::new();
    for (at, _) in text.match_indices("fn code(&self)") {
        let body = &text[at..];
        let end = body.find("\n    }\n").unwrap();
        codes.extend(literals_after(&body[..end], "=>"));
    }
    codes
}

fn cli_codes() -> BTreeSet<String> {
    let mut files = Vec::new();
    rust_files(&root().join("tui/src"), &mut files);
    let mut codes = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        codes.extend(literals_after(&text, ".code("));
        for exit in ["EXIT_USAGE,", "EXIT_FINDING,", "EXIT_INTERRUPTED,", "exit,"] {
            codes.extend(literals_after(&text, &format!("CliError::new({exit}")));
            codes.extend(literals_after(&text, &format!("Self::new({exit}")));
        }
    }
    for sdk in ["sdk/src/error.rs", "sdk/src/key_ref.rs"] {
        codes.extend(codes_returned(
            &std::fs::read_to_string(root().join(sdk)).unwrap(),
        ));
    }
    codes
}

#[test]
fn every_error_code_the_cli_prints_is_in_the_reference_lists() {
    let codes = cli_codes();
    // The scan finds what it looks for: codes of each source.
    for known in [
        "usage",
        "failed",
        "not_revoked",
        "not_found",
        "ambiguous_key",
        "network",
    ] {
        assert!(
            codes.contains(known),
            "{known} not found by the scan: {codes:?}"
        );
    }
    let listed: BTreeSet<&str> = narrative_keys::ERROR_CODES
        .iter()
        .chain(narrative_keys::KEY_REF_CODES)
        .chain(narrative_keys_tui::error::CLI_CODES)
        .map(|(code, _)| *code)
        .collect();
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !listed.contains(c.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "codes the CLI prints that no list of codes holds (add each, with its meaning, to \
         narrative_keys::ERROR_CODES, KEY_REF_CODES or narrative_keys_tui::error::CLI_CODES): {missing:?}"
    );
    let unused: Vec<&&str> = listed.iter().filter(|c| !codes.contains(**c)).collect();
    assert!(
        unused.is_empty(),
        "codes listed that nothing prints: {unused:?}"
    );
}
