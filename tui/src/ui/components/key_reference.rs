//! Every keymap table of the terminal UI, named by where it applies: what
//! the generated key reference (`docs/src/reference/keys.md`, `cargo xtask
//! docs`) prints. The tables are the ones dispatch and the help read, so
//! the page cannot drift from what the keys do.

use super::command_line::COMMAND_KEYS;
use super::dialog::{help, incident, notice, plan, revoke, rotate, secret};
use super::form::keys as form;
use super::keymap::{ReferenceRow, reference};
use super::list;

/// Where a set of keys applies, and its rows.
#[derive(Debug, Clone)]
pub struct KeyContext {
    /// Where the keys apply, as a heading: "The key list".
    pub title: &'static str,
    /// When they apply, in a sentence; empty when the title says it.
    pub when: &'static str,
    /// The keys.
    pub rows: Vec<ReferenceRow>,
}

fn context(title: &'static str, when: &'static str, rows: Vec<ReferenceRow>) -> KeyContext {
    KeyContext { title, when, rows }
}

/// Every context's keys, in the order a session meets them.
// long: one entry per keymap table, a list to read rather than logic.
pub fn key_contexts() -> Vec<KeyContext> {
    let form_rows = |step: &[ReferenceRow]| {
        let mut rows = reference(form::FORM_HEAD_KEYS);
        rows.extend_from_slice(step);
        rows.extend(reference(form::FORM_TAIL_KEYS));
        rows
    };
    vec![
        context("The key list", "", reference(list::LIST_KEYS)),
        context(
            "The key list with a keys file",
            "With `--file` (or a `narrative-keys.toml` in the current directory), beside the list's keys.",
            reference(list::PLAN_LIST_KEYS),
        ),
        context(
            "The filter line",
            "While `/` is typed; any other key edits the filter.",
            reference(list::FILTER_KEYS),
        ),
        context(
            "The command line",
            "After `:`; any other key edits the line. Its commands: `filter`, `sort`, `revoke`, `refresh`, `q`.",
            reference(COMMAND_KEYS),
        ),
        context(
            "A session whose key stopped working",
            "Once the server refuses the session's key, the list stays readable.",
            list::ENDED_HELP
                .iter()
                .map(|(keys, does)| ReferenceRow {
                    keys,
                    does,
                    readonly: None,
                })
                .collect(),
        ),
        context(
            "The form: name",
            "Creating or editing a key, first step.",
            form_rows(&reference(form::NAME_KEYS)),
        ),
        context(
            "The form: permissions",
            "Presets and the permission matrix.",
            {
                let mut step = reference(form::PRESET_KEYS);
                step.extend(reference(form::MATRIX_KEYS));
                form_rows(&step)
            },
        ),
        context(
            "The form: expiration",
            "",
            form_rows(&reference(form::EXPIRATION_KEYS)),
        ),
        context(
            "The form: review",
            "",
            form_rows(&reference(form::REVIEW_KEYS)),
        ),
        context(
            "Revoke one key",
            "The question before a revocation.",
            reference(revoke::REVOKE_ONE_KEYS),
        ),
        context(
            "Revoke several keys",
            "Revoking several keys asks for their count to be typed.",
            reference(revoke::REVOKE_COUNT_KEYS),
        ),
        context(
            "Rotate",
            "The question before a rotation: what becomes of the old key.",
            reference(rotate::ROTATE_KEYS),
        ),
        context(
            "A new secret",
            "The secret shown once, after a create, clone or rotation.",
            reference(secret::SECRET_ONE_KEYS),
        ),
        context(
            "New secrets",
            "Several secrets shown once, after an incident's replacements.",
            reference(secret::SECRET_MANY_KEYS),
        ),
        context(
            "Saving a secret to a file",
            "",
            reference(secret::FILE_ONE_KEYS),
        ),
        context(
            "Saving secrets to a file",
            "",
            reference(secret::FILE_MANY_KEYS),
        ),
        context(
            "Closing a secret unsaved",
            "The question before a secret nobody saved is dropped.",
            reference(secret::DISMISS_ONE_KEYS),
        ),
        context(
            "Closing secrets unsaved",
            "",
            reference(secret::DISMISS_MANY_KEYS),
        ),
        context(
            "Closing stored secrets",
            "The question once every secret was written or marked stored.",
            reference(secret::DISMISS_STORED_KEYS),
        ),
        context(
            "The incident plan",
            "The dry run of an incident on the marked keys.",
            reference(incident::PLAN_KEYS),
        ),
        context(
            "The incident report",
            "Once the incident has run.",
            reference(incident::DONE_KEYS),
        ),
        context(
            "The incident report's note",
            "While the report's note is edited.",
            reference(incident::EDITING_KEYS),
        ),
        context("The keys file's plan", "", reference(plan::PLAN_KEYS)),
        context(
            "Applying the keys file",
            "The question before `A` applies the plan.",
            reference(plan::APPLY_KEYS),
        ),
        context(
            "Read-only offer",
            "When the key cannot change keys, the UI offers read-only mode.",
            reference(notice::OFFER_KEYS),
        ),
        context(
            "Session ended",
            "When the server stops accepting the session's key.",
            reference(notice::ENDED_KEYS),
        ),
        context("Help", "", reference(help::HELP_KEYS)),
    ]
}
