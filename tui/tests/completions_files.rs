//! The shell completions the release archives ship (`tui/completions/`, named
//! in `dist-workspace.toml`'s `include`) are what the binary prints: a
//! changed flag or subcommand fails here until they are refreshed with
//! `NARRATIVE_KEYS_REFRESH_COMPLETIONS=1 cargo test -p narrative-keys-tui --test completions_files`.

mod cli_support;

use cli_support::{signed_out, stdout};

/// Each shell, and the file name its completion loader looks for.
const SHELLS: [(&str, &str); 3] = [
    ("bash", "narrative-keys.bash"),
    ("zsh", "_narrative-keys"),
    ("fish", "narrative-keys.fish"),
];

#[test]
fn the_shipped_completions_are_what_the_binary_prints() {
    let home = tempfile::tempdir().expect("a temporary home");
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let refresh = std::env::var_os("NARRATIVE_KEYS_REFRESH_COMPLETIONS").is_some();
    let mut stale = Vec::new();
    for (shell, file) in SHELLS {
        let output = signed_out(home.path())
            .args(["completions", shell])
            .output()
            .expect("the binary runs");
        assert!(
            output.status.success(),
            "completions {shell} failed: {output:?}"
        );
        let printed = stdout(&output);
        assert!(
            printed.contains("narrative-keys"),
            "{shell} completions name the binary: {printed}"
        );
        let path = folder.join(file);
        if refresh {
            std::fs::write(&path, &printed).expect("tui/completions/ is writable");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(printed.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "the shipped completions differ from what `narrative-keys completions` prints: {stale:?}; \
         refresh them with NARRATIVE_KEYS_REFRESH_COMPLETIONS=1 cargo test -p narrative-keys-tui --test completions_files"
    );
}
