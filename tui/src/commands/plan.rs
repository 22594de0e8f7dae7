//! `plan`: what `apply` would do to make the account match the keys file,
//! as aligned lines, Markdown or JSON. Sends nothing but one list.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use narrative_keys::ApiKey;
use narrative_keys::keys_as_code::{self, Action, ApplyJournal, KeysFile, Plan};

use crate::cli::{Format, PlanArgs};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{self, DIM, Table, escape_controls, msgln, out, print_json};
use crate::session::Session;

pub(super) async fn plan(s: &Session, args: &PlanArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
    let file = read_keys_file(&args.file.path(), now)?;
    // The server alone plans safely: a journal that cannot be read is only a
    // refinement lost.
    let journal = read_journal(&file).unwrap_or_else(|e| {
        msgln!("warning: {}; planning from the server alone", e.message);
        None
    });
    let keys = s.client.list_keys().await?;
    let planned = keys_as_code::plan(&file, &keys, journal.as_ref(), now);
    if args.json {
        print_json(&planned)?;
    } else {
        out!("{}", plan_text(&planned, args.format, now))?;
        msgln!("{}", summary(&planned));
    }
    Ok(if planned.is_empty() { 0 } else { EXIT_FINDING })
}

/// The keys file, read and checked; a bad one is exit status 2 with every
/// problem on a line of its own, before anything is sent.
pub(super) fn read_keys_file(path: &Path, now: DateTime<Utc>) -> Result<KeysFile, CliError> {
    KeysFile::read(path, now).map_err(|e| {
        let problems: Vec<String> = e.problems.iter().map(|p| escape_controls(p)).collect();
        CliError::usage(format!("{}: {}", e.path.display(), problems.join("\n  ")))
            .hint("fix the file; nothing was sent")
    })
}

/// Where `apply` keeps its journal for `file` (one per file, by its
/// absolute path): `~/.local/state/narrative-keys/journals/apply-….json`.
pub(crate) fn journal_path(file: &KeysFile) -> Result<Option<PathBuf>, CliError> {
    Ok(super::journal_dir()?.map(|dir| dir.join(ApplyJournal::file_name(&file.path))))
}

/// The last apply's journal for `file`, if it left one.
pub(super) fn read_journal(file: &KeysFile) -> Result<Option<ApplyJournal>, CliError> {
    let Some(path) = journal_path(file)? else {
        return Ok(None);
    };
    match std::fs::read_to_string(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(CliError::failed(format!(
            "cannot read the last apply's journal {}: {e}",
            path.display()
        ))
        .hint("it says which keys an interrupted apply made; make it readable, or move it away once you have checked `narrative-keys list`")),
        Ok(text) => ApplyJournal::from_json(&text).map(Some).ok_or_else(|| {
            CliError::failed(format!(
                "the last apply's journal {} is not one this version reads",
                path.display()
            ))
            .hint("move it away once you have checked `narrative-keys list` for keys an interrupted apply made")
        }),
    }
}

/// `Plan: 1 to create, 2 to update, ...` or `No changes.`
pub(crate) fn summary(plan: &Plan) -> String {
    use keys_as_code::ActionKind as K;
    if plan.is_empty() {
        return format!(
            "No changes: the account matches the file ({} unmanaged, {} retiring).",
            plan.unmanaged.len(),
            plan.retiring.len()
        );
    }
    let count = |kind| plan.actions.iter().filter(|a| a.action == kind).count();
    let parts: Vec<String> = [
        (K::Create, "to create"),
        (K::Update, "to update in place"),
        (K::Rotate, "to rotate"),
        (K::Recreate, "to make again"),
        (K::Revoke, "to revoke"),
    ]
    .into_iter()
    .filter(|(kind, _)| count(*kind) > 0)
    .map(|(kind, what)| format!("{} {what}", count(kind)))
    .collect();
    format!("Plan: {}.", parts.join(", "))
}

/// What the line says after the name: a change's fields, or the reason.
fn what(action: &Action) -> String {
    if !action.changes.is_empty() {
        return action
            .changes
            .iter()
            .map(|c| format!("{}: {} → {}", c.field, c.from, c.to))
            .collect::<Vec<_>>()
            .join("; ");
    }
    let verb = match action.action {
        keys_as_code::ActionKind::Create => "create",
        keys_as_code::ActionKind::Update => "update",
        keys_as_code::ActionKind::Rotate => "rotate",
        keys_as_code::ActionKind::Recreate => "make again",
        keys_as_code::ActionKind::Revoke => "revoke",
    };
    match &action.reason {
        Some(reason) => format!("{verb}: {reason}"),
        None => verb.to_owned(),
    }
}

/// A line about a key the plan leaves alone.
fn info<'a>(symbol: &'a str, key: &'a ApiKey, what: String) -> (&'a str, &'a str, &'a str, String) {
    (symbol, key.name.as_str(), key.id.as_str(), what)
}

/// The plan's lines: the actions, then the unmanaged (`?`) and retiring
/// keys, for information.
pub(crate) fn plan_text(plan: &Plan, format: Format, now: DateTime<Utc>) -> String {
    let mut rows: Vec<(&str, &str, &str, String)> = plan
        .actions
        .iter()
        .map(|a| {
            (
                a.action.symbol(),
                a.name.as_str(),
                a.id.as_deref().unwrap_or(""),
                what(a),
            )
        })
        .collect();
    rows.extend(plan.unmanaged.iter().map(|k| {
        info(
            "?",
            k,
            "unmanaged: matches managed, not in the file".to_owned(),
        )
    }));
    rows.extend(plan.retiring.iter().map(|k| {
        let until = k
            .retiring()
            .map(|at| output::when_text(at, now))
            .unwrap_or_default();
        info(
            "·",
            k,
            format!("retiring: works until {until}, then expires"),
        )
    }));
    if rows.is_empty() {
        return String::new();
    }
    if format == Format::Md {
        let mut md = String::from("| | name | id | what |\n|---|---|---|---|\n");
        for (symbol, name, id, what) in rows {
            md.push_str(&format!(
                "| {symbol} | {} | `{}` | {} |\n",
                output::markdown_cell(name),
                output::markdown_cell(id),
                output::markdown_cell(&what)
            ));
        }
        return md;
    }
    let mut table = Table::new(&["", "NAME", "ID", "WHAT"]);
    for (symbol, name, id, what) in rows {
        table.row(vec![
            (symbol.to_owned(), anstyle::Style::new()),
            (escape_controls(name), anstyle::Style::new()),
            (escape_controls(id), DIM),
            (escape_controls(&what), anstyle::Style::new()),
        ]);
    }
    table.render()
}

/// The terminal UI's keys file: `--file`, else `narrative-keys.toml` in the
/// current directory if there is one (the header says it was found there);
/// read and checked as `plan` reads it, with the last apply's journal.
pub(crate) fn ui_keys_file(
    named: Option<&Path>,
) -> Result<Option<crate::ui::app::KeysAsCode>, CliError> {
    let default = Path::new(keys_as_code::DEFAULT_FILE);
    let (path, found_here) = match named {
        Some(path) => (path, false),
        None if default.is_file() => (default, true),
        None => return Ok(None),
    };
    let file = read_keys_file(path, Utc::now())?;
    let journal = read_journal(&file).unwrap_or_else(|e| {
        msgln!("warning: {}; planning from the server alone", e.message);
        None
    });
    Ok(Some(crate::ui::app::KeysAsCode::new(
        file, journal, found_here,
    )))
}
