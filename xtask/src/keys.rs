//! `docs/src/reference/keys.md`: the terminal UI's keys, from the keymap
//! tables that drive its dispatch, help screen and hint bar.

use std::fmt::Write;

use narrative_keys_tui::ui::components::key_reference::key_contexts;

use crate::cli_reference::escape;

/// The page.
pub fn page() -> String {
    let mut out = super::generated_note("the terminal UI's keymap tables (tui/src/ui/components/)");
    out.push_str(
        "# Terminal UI keys\n\nEvery key of the terminal UI (`narrative-keys` with no subcommand), by where it applies: the same tables the UI dispatches keys with and its help (`?`) shows. In read-only mode (`--readonly`, or a key that cannot change keys) the last column says what becomes of a key; the [terminal UI guide](../terminal-ui.md) explains the screens.\n\n",
    );
    for context in key_contexts() {
        let _ = writeln!(out, "## {}\n", context.title);
        if !context.when.is_empty() {
            let _ = writeln!(out, "{}\n", escape(context.when));
        }
        let readonly = context.rows.iter().any(|r| r.readonly.is_some());
        if readonly {
            out.push_str("| keys | what they do | read-only |\n| --- | --- | --- |\n");
        } else {
            out.push_str("| keys | what they do |\n| --- | --- |\n");
        }
        for row in &context.rows {
            let keys = cell(row.keys);
            let does = cell(row.does);
            if readonly {
                let _ = writeln!(
                    out,
                    "| {keys} | {does} | {} |",
                    row.readonly.map(cell).unwrap_or_default()
                );
            } else {
                let _ = writeln!(out, "| {keys} | {does} |");
            }
        }
        out.push('\n');
    }
    out
}

/// Text in a table cell: escaped, `|` too.
fn cell(text: &str) -> String {
    escape(text).replace('|', "\\|")
}
