//! `docs/src/reference/exit-codes.md`: the exit statuses and every error code
//! a `--json` error document can carry, from the lists the code keeps
//! (`narrative_keys::ERROR_CODES`, `KEY_REF_CODES`, the command line's
//! `error::EXIT_STATUSES` and `error::CLI_CODES`).

use std::fmt::Write;

use narrative_keys_tui::error::{CLI_CODES, EXIT_STATUSES};

use crate::cli_reference::escape;

/// The page.
pub fn page() -> String {
    let mut out = super::generated_note(
        "the SDK's `ERROR_CODES` and `KEY_REF_CODES` and the command line's `EXIT_STATUSES` and `CLI_CODES`",
    );
    out.push_str("# Exit statuses and error codes\n\n## Exit statuses\n\n");
    out.push_str("| status | meaning |\n| --- | --- |\n");
    for (status, meaning) in EXIT_STATUSES {
        let _ = writeln!(out, "| {status} | {} |", escape(meaning));
    }
    out.push_str(
        "\n## Error codes\n\nWith `--json`, a failure prints one JSON document on one line, the last line of stderr: `{\"error\": {\"code\", \"message\", \"hint\"?, \"status\"?, \"server_description\"?}}` (its schema: [schemas/error.schema.json](schemas/error.schema.json)), with the exit status unchanged. `code` is one of these, stable snake_case; `message` keeps the server's `error_description`, which `server_description` also carries alone, and `status` is the HTTP status when the server answered. The npm package's errors carry the SDK's codes too.\n\n",
    );
    table(
        &mut out,
        "From the SDK (`narrative_keys::Error::code`)",
        narrative_keys::ERROR_CODES,
    );
    table(
        &mut out,
        "From a key reference (an id, an id prefix or a name)",
        narrative_keys::KEY_REF_CODES,
    );
    table(&mut out, "The command line's own", CLI_CODES);
    out
}

fn table(out: &mut String, title: &str, codes: &[(&str, &str)]) {
    let _ = writeln!(out, "### {title}\n\n| code | meaning |\n| --- | --- |");
    for (code, meaning) in codes {
        let _ = writeln!(out, "| `{code}` | {} |", escape(meaning));
    }
    out.push('\n');
}
