//! The generated files: the reference pages under `docs/src/reference/` (the
//! JSON Schemas of the `--json` documents in its `schemas/`), the man pages
//! under `tui/man/`, each from the code it describes, so neither
//! can drift from it. `cargo xtask docs` writes them; the test
//! `tests/generated_files.rs` fails when a checked-in one differs.

mod cli_reference;
mod exit_codes;
mod keys;
mod man;

use std::path::{Path, PathBuf};

/// The command that rewrites every generated file.
pub const REGENERATE: &str = "cargo xtask docs";

/// A generated file: where it goes in the repository, and what it holds.
#[derive(Debug)]
pub struct Generated {
    /// Its path from the repository's root, with `/`.
    pub path: String,
    /// Its contents, as the generator prints them now.
    pub contents: Vec<u8>,
}

impl Generated {
    fn text(path: impl Into<String>, text: String) -> Self {
        Self {
            path: path.into(),
            contents: text.into_bytes(),
        }
    }
}

/// The note each generated Markdown page opens with.
fn generated_note(from: &str) -> String {
    format!("<!-- Generated from {from} by `{REGENERATE}`: edit the code, not this page. -->\n\n")
}

/// Every generated file, as the code describes it now.
pub fn generated_files() -> Result<Vec<Generated>, String> {
    let mut files = vec![
        Generated::text("docs/src/reference/cli.md", cli_reference::page()),
        Generated::text("docs/src/reference/keys.md", keys::page()),
        Generated::text("docs/src/reference/exit-codes.md", exit_codes::page()),
    ];
    files.extend(man::pages()?);
    for document in narrative_keys_tui::commands::schemas::json_schemas() {
        let text = serde_json::to_string_pretty(&document.schema)
            .map_err(|e| format!("could not print the schema of {}: {e}", document.name))?;
        files.push(Generated::text(
            format!("docs/src/reference/schemas/{}.schema.json", document.name),
            text + "\n",
        ));
    }
    Ok(files)
}

/// The folders whose every file is generated: a file there that the
/// generators no longer make is stale too.
pub const GENERATED_FOLDERS: [&str; 2] = ["tui/man", "docs/src/reference/schemas"];

/// The repository's root.
pub fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map_or_else(|| PathBuf::from(".."), Path::to_path_buf)
}
