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
    // A running apply's journal is not an interrupted one's.
    let lock = lock_journal(&file, false)?;
    let journal = read_journal(&file).unwrap_or_else(|e| {
        msgln!("warning: {}; planning from the server alone", e.message);
        None
    });
    drop(lock);
    let keys = s.client.list_keys().await?;
    let planned = keys_as_code::plan(&file, &keys, journal.as_ref(), now);
    // A target apply would refuse is said now, as apply would say it.
    keys_as_code::check_targets(&s.client, &file, &planned)?;
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

/// The journal an apply of `file` writes (the CLI's and the UI's), or
/// none where there is no journal directory.
pub(crate) fn apply_journal(
    file: &KeysFile,
) -> Result<Box<dyn narrative_keys::journal::Journal<ApplyJournal>>, CliError> {
    use narrative_keys::journal::{JournalFile, NoJournal};
    Ok(match journal_path(file)? {
        Some(path) => Box::new(JournalFile::replacing(path)),
        None => Box::new(NoJournal),
    })
}

/// A lock on the file's journal, held by an apply for its whole run (and
/// by a plan while it reads the journal), so a second apply on this machine
/// never takes the first one's live journal for a crash. The kernel drops
/// it when the process ends, even by `kill -9`.
pub(crate) struct JournalLock {
    _file: std::fs::File,
}

/// Takes the lock for `file`'s journal (exclusive for an apply, shared for
/// a plan) without waiting; another apply holding it is exit status 2
/// naming its pid, with nothing sent. `None` without a journal directory.
pub(crate) fn lock_journal(
    file: &KeysFile,
    exclusive: bool,
) -> Result<Option<JournalLock>, CliError> {
    use rustix::fs::{FlockOperation, flock};
    use std::io::Write;
    let Some(path) = journal_path(file)? else {
        return Ok(None);
    };
    let path = path.with_extension("lock");
    let cannot = |e: &dyn std::fmt::Display| {
        CliError::failed(format!("cannot lock {}: {e}", path.display()))
            .hint("make the journal directory writable; nothing was sent")
    };
    let mut lock = open_lock(&path).map_err(|e| cannot(&e))?;
    let operation = if exclusive {
        FlockOperation::NonBlockingLockExclusive
    } else {
        FlockOperation::NonBlockingLockShared
    };
    match flock(&lock, operation) {
        Ok(()) => {}
        Err(rustix::io::Errno::WOULDBLOCK) => {
            let pid = std::fs::read_to_string(&path).unwrap_or_default();
            let pid = pid.trim();
            let pid = if pid.is_empty() { "unknown" } else { pid };
            return Err(CliError::usage(format!(
                "another apply of {} is running (pid {pid}); nothing was sent",
                file.path.display()
            ))
            .hint("wait for it to end, then run this again"));
        }
        Err(e) => return Err(cannot(&e)),
    }
    if exclusive {
        // Who holds it, for the message of the one refused.
        lock.set_len(0)
            .and_then(|()| write!(lock, "{}", std::process::id()))
            .map_err(|e| cannot(&e))?;
    }
    Ok(Some(JournalLock { _file: lock }))
}

/// Opens (or makes) the lock file, never through a link and only as a
/// regular file: an apply truncates it to write its pid, which must never
/// reach a file the link points at.
fn open_lock(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32)
        .open(path)?;
    if !lock.metadata()?.is_file() {
        return Err(std::io::Error::other("it is not a regular file"));
    }
    Ok(lock)
}

/// The last apply's journal for `file`, if it left one.
pub(crate) fn read_journal(file: &KeysFile) -> Result<Option<ApplyJournal>, CliError> {
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
    let changes = action
        .changes
        .iter()
        .map(|c| format!("{}: {} → {}", c.field, c.from, c.to))
        .collect::<Vec<_>>()
        .join("; ");
    if action.action == keys_as_code::ActionKind::Update {
        return changes;
    }
    let verb = match action.action {
        keys_as_code::ActionKind::Create => "create",
        keys_as_code::ActionKind::Update => "update",
        keys_as_code::ActionKind::Rotate => "rotate",
        keys_as_code::ActionKind::Recreate => "make again",
        keys_as_code::ActionKind::Revoke => "revoke",
    };
    // A rotation's successor takes the file's permissions: the change shows.
    match (&action.reason, changes.is_empty()) {
        (Some(reason), true) => format!("{verb}: {reason}"),
        (Some(reason), false) => format!("{verb}: {reason}; {changes}"),
        (None, true) => verb.to_owned(),
        (None, false) => format!("{verb}: {changes}"),
    }
}

/// A line about a key the plan leaves alone.
fn info<'a>(symbol: &'a str, key: &'a ApiKey, what: String) -> (&'a str, &'a str, &'a str, String) {
    (symbol, key.name.as_str(), key.id.as_str(), what)
}

/// The plan's lines: the actions, then the unmanaged (`?`) and retiring
/// keys, for information.
// long: the rows of each kind, then one of two renderings.
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
    rows.extend(plan.not_pruned.iter().map(|k| {
        info(
            "?",
            k,
            "can manage keys: not pruned, as it may be the key this run uses; revoke it with `narrative-keys revoke`".to_owned(),
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

#[cfg(test)]
mod lock_tests {
    use super::open_lock;

    #[test]
    fn a_lock_path_that_is_a_link_or_a_folder_is_refused_and_what_it_points_at_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("notes.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let link = dir.path().join("apply-x.lock");
        std::os::unix::fs::symlink(&victim, &link).unwrap();
        assert!(open_lock(&link).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        let folder = dir.path().join("apply-y.lock");
        std::fs::create_dir(&folder).unwrap();
        assert!(open_lock(&folder).is_err());
        let fresh = dir.path().join("apply-z.lock");
        assert!(open_lock(&fresh).unwrap().metadata().unwrap().is_file());
    }
}
