//! `revoke`: keys revoked at once, after confirmation, and its dry run.

use crate::output::{msgln, outln};
use std::path::Path;

use chrono::{DateTime, Utc};
use narrative_keys::journal::JournalFile;
use narrative_keys::revoke::{
    RevokeJournal, RevokeManyOptions, RevokeManyReport, RevokeOutcomeSummary, revoke_journaled,
    revoke_many,
};
use narrative_keys::{ApiKey, key_ref};
use serde::Serialize;

use super::{
    announce_journal, check_journal, confirm, default_journal, interrupted, resolve_ids,
    shell_quoted,
};
use crate::cli::RevokeArgs;
use crate::error::CliError;
use crate::output::{escape_controls, print_json};
use crate::session::Session;

/// `revoke --json`: each key's outcome, in the order given.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct RevokeJson {
    results: Vec<RevokeOutcomeSummary>,
}

/// `revoke --dry-run --json`: the keys that would be revoked.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct RevokeDryRunJson<'a> {
    dry_run: bool,
    revoke: Vec<DryRunKey<'a>>,
}

/// A key a dry run would revoke; `name` is `null` when it was not found.
#[derive(Serialize, schemars::JsonSchema)]
struct DryRunKey<'a> {
    found: bool,
    id: &'a str,
    name: Option<&'a str>,
}

fn revoke_dry_run(ids: &[String], keys: &[ApiKey], json: bool) -> Result<u8, CliError> {
    let found = |id: &String| keys.iter().find(|k| &k.id == id);
    if json {
        let revoke = ids
            .iter()
            .map(|id| DryRunKey {
                found: found(id).is_some(),
                id,
                name: found(id).map(|k| k.name.as_str()),
            })
            .collect();
        print_json(&RevokeDryRunJson {
            dry_run: true,
            revoke,
        })?;
    } else {
        outln!(
            "Would revoke {} key(s); each would stop working at once:",
            ids.len()
        )?;
        for id in ids {
            match found(id) {
                Some(k) => outln!("  \"{}\" ({id})", escape_controls(&k.name))?,
                None => outln!(
                    "  {id} (not found: already revoked, or not visible to these credentials)"
                )?,
            }
        }
    }
    msgln!("Dry run: nothing was sent.");
    Ok(0)
}

/// The command that finishes a bulk revocation from its journal.
const RESUME: &str = "narrative-keys revoke --resume";

pub(super) async fn revoke(
    s: &Session,
    args: &RevokeArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    if let Some(path) = &args.resume {
        return resume_revoke(s, path, args, now).await;
    }
    let refs = &args.ids;
    // Several keys make a multi-step run, which keeps a journal; its path
    // is checked before the first request.
    let several = refs.iter().collect::<std::collections::BTreeSet<_>>().len() > 1;
    let mut journal = if args.dry_run || !(several || args.journal.is_some()) {
        None
    } else {
        Some(revoke_journal(args, now)?)
    };
    // One list serves the references, the confirmation and the dry run.
    let keys = if !args.yes || args.dry_run || key_ref::any_needs_list(refs) {
        s.client.list_keys().await?
    } else {
        Vec::new()
    };
    let ids = &resolve_ids(refs, &keys)?;
    if args.dry_run {
        return revoke_dry_run(ids, &keys, args.json);
    }
    if !args.yes {
        let names: Vec<String> = ids
            .iter()
            .map(|id| match keys.iter().find(|k| &k.id == id) {
                Some(k) => format!("\"{}\" ({id})", escape_controls(&k.name)),
                None => format!("{id} (not found)"),
            })
            .collect();
        confirm(
            &format!("Revoke {}? It stops working at once.", names.join(", ")),
            false,
        )?;
    }
    let options = RevokeManyOptions {
        deadline: args.deadline,
        ..RevokeManyOptions::default()
    };
    let Some(journal) = journal.as_mut() else {
        let report = revoke_many(&s.client, ids, &options).await;
        let printed = print_outcomes(&report, args.json);
        return finish_printed(finish(&report, args, None, None), printed);
    };
    let mut state = RevokeJournal::new(s.label.clone(), ids, now);
    announce_journal(journal, RESUME);
    let (report, journal_error) = revoke_journaled(&s.client, &mut state, &options, journal)
        .await
        .map_err(|e| CliError::from(narrative_keys::Error::Output(e)))?;
    let printed = print_outcomes(&report, args.json);
    finish_printed(finish(&report, args, Some(journal), journal_error), printed)
}

/// `revoke --resume JOURNAL`: revokes the keys the journal lists as not
/// revoked yet, keeping the journal in the same file.
async fn resume_revoke(
    s: &Session,
    path: &Path,
    args: &RevokeArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    const NEEDED: &str = "--resume needs the journal a revocation of several keys wrote (its path is printed as it starts)";
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::usage(format!("--resume {shown}: cannot read it: {e}")).hint(NEEDED)
    })?;
    let mut state = RevokeJournal::from_json(&text)
        .map_err(|e| CliError::usage(format!("--resume {shown}: {e}")).hint(NEEDED))?;
    if !state.environment.is_empty() && state.environment != s.label {
        return Err(CliError::usage(format!(
            "--resume {shown}: the journal is from the environment `{}`, but these credentials are for `{}`; nothing was sent",
            escape_controls(&state.environment),
            escape_controls(&s.label)
        ))
        .hint(format!("resume with credentials for `{}`", escape_controls(&state.environment))));
    }
    let mut journal = JournalFile::replacing(path);
    check_journal(&journal)?;
    let left = state.left().len();
    msgln!(
        "Resuming the revocation of {} key(s) started {}: {left} not revoked yet.",
        state.keys.len(),
        state
            .started_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    state.resumed_at.push(now);
    announce_journal(&journal, RESUME);
    let options = RevokeManyOptions {
        deadline: args.deadline,
        ..RevokeManyOptions::default()
    };
    let (report, journal_error) = revoke_journaled(&s.client, &mut state, &options, &mut journal)
        .await
        .map_err(|e| CliError::from(narrative_keys::Error::Output(e)))?;
    let printed = print_outcomes(&report, args.json);
    finish_printed(
        finish(&report, args, Some(&journal), journal_error),
        printed,
    )
}

/// The journal of a revocation of several keys: `--journal FILE` (a new
/// file), or a new file in the user's state directory; checked here.
fn revoke_journal(args: &RevokeArgs, now: DateTime<Utc>) -> Result<JournalFile, CliError> {
    let journal = match &args.journal {
        Some(path) => JournalFile::new(path),
        None => default_journal("revoke", now)?.ok_or_else(|| {
            CliError::usage("there is nowhere to keep the journal of this revocation of several keys: no home or state directory is set")
                .hint("give --journal FILE, from which `narrative-keys revoke --resume FILE` finishes a run that was cut off")
        })?,
    };
    check_journal(&journal)?;
    Ok(journal)
}

/// What a run ends in once its outcomes were printed: its own error first
/// (keys still working say more than a lost line of output), then a
/// standard output that could not take the outcomes.
fn finish_printed(
    finished: Result<u8, CliError>,
    printed: Result<(), CliError>,
) -> Result<u8, CliError> {
    let status = finished?;
    printed.map(|()| status)
}

/// The exit status, or the error, once the outcomes are printed: keys still
/// working first, then a run stopped early, then keys not found (exit 1, or
/// 0 with `--ignore-missing`; a resume counts them as revoked, since the
/// run it finishes may have revoked them just before it was cut off).
fn finish(
    report: &RevokeManyReport,
    args: &RevokeArgs,
    journal: Option<&JournalFile>,
    journal_error: Option<narrative_keys::deliver::DeliveryError>,
) -> Result<u8, CliError> {
    let resume = journal.map(|j| format!("{RESUME} {}", shell_quoted(j.path())));
    if let Some(e) = journal_error {
        return Err(CliError::failed(format!(
            "the journal could not be written ({e}); the run stopped before its next key"
        ))
        .hint("free the disk or the directory, then run the command again (revoking a key twice is harmless)")
        .code("journal_failed"));
    }
    if report.stopped {
        let left = report.not_attempted.len() + report.failed().count();
        let what = format!("{left} key(s) not revoked yet, and still working");
        return Err(match resume {
            Some(resume) => interrupted(what, resume),
            None => interrupted(what, "narrative-keys revoke ...".to_owned()),
        });
    }
    if let Some(error) = not_revoked(report, args.deadline) {
        return Err(match resume {
            Some(resume) => {
                let hint = error.hint.clone().unwrap_or_default();
                error.hint(format!(
                    "{hint}; `{resume}` tries the keys still working again"
                ))
            }
            None => error,
        });
    }
    let missing: Vec<&str> = report
        .outcomes
        .iter()
        .filter(|o| matches!(o.result, narrative_keys::RevokeResult::AlreadyGone))
        .map(|o| o.id.as_str())
        .collect();
    if missing.is_empty() || args.resume.is_some() {
        return Ok(0);
    }
    let message = format!(
        "{} of {} not found: {} (already revoked, a mistyped id, or not visible to these credentials)",
        missing.len(),
        plural(report.outcomes.len()),
        missing.join(", ")
    );
    if args.ignore_missing {
        msgln!("note: {message}; --ignore-missing counts them as revoked");
        return Ok(0);
    }
    Err(CliError::failed(message)
        .hint("check the id with `narrative-keys list`; add --ignore-missing when a key already gone is fine (a rerun)")
        .code("not_found"))
}

/// `1 key`, `3 keys`.
fn plural(n: usize) -> String {
    format!("{n} {}", if n == 1 { "key" } else { "keys" })
}

/// Each key's outcome: `{"results": [..]}` with `--json`, a line each
/// otherwise; keys a stopped run never tried are `not_attempted`.
fn print_outcomes(report: &RevokeManyReport, json: bool) -> Result<(), CliError> {
    if json {
        let not_attempted = report.not_attempted.iter().map(|id| RevokeOutcomeSummary {
            error: None,
            id: id.clone(),
            result: "not_attempted",
        });
        let results = report
            .outcomes
            .iter()
            .map(|o| o.summary())
            .chain(not_attempted)
            .collect();
        return print_json(&RevokeJson { results });
    }
    for o in &report.outcomes {
        match &o.result {
            narrative_keys::RevokeResult::Revoked => outln!("revoked       {}", o.id)?,
            narrative_keys::RevokeResult::AlreadyGone => outln!(
                "not found     {} (already revoked, or not visible to these credentials)",
                o.id
            )?,
            narrative_keys::RevokeResult::Failed(e) => outln!("FAILED        {}: {e}", o.id)?,
        }
    }
    for id in &report.not_attempted {
        outln!("not tried     {id} (the run was stopped first; it still works)")?;
    }
    Ok(())
}

/// The error when keys could not be revoked, with a hint that says "run it
/// again" only when that can help.
fn not_revoked(report: &RevokeManyReport, deadline: std::time::Duration) -> Option<CliError> {
    let failed: Vec<&narrative_keys::Error> = report
        .outcomes
        .iter()
        .filter_map(|o| match &o.result {
            narrative_keys::RevokeResult::Failed(e) => Some(e),
            _ => None,
        })
        .collect();
    if failed.is_empty() {
        return None;
    }
    // A refusal (400, 401, 403) fails again however often it is tried;
    // anything else (a timeout, a 5xx) is worth running the command again for.
    let refused = failed.iter().any(|e| {
        matches!(
            e,
            narrative_keys::Error::BadRequest(_)
                | narrative_keys::Error::Unauthorized(_)
                | narrative_keys::Error::Forbidden(_)
        )
    });
    let tried = format!(
        "{} {} over {:.1}s",
        report.passes,
        if report.passes == 1 { "pass" } else { "passes" },
        report.elapsed.as_secs_f64()
    );
    let hint = if refused {
        "the server refused them (see each key's error): revoking needs a key holding write:access_tokens; temporary failures, if any, are worth running again".to_owned()
    } else if report.deadline_reached {
        format!(
            "tried in {tried}; another pass would have started after --deadline {}: run the command again for them, or give a longer --deadline",
            narrative_keys::retry::duration_text(deadline)
        )
    } else {
        format!(
            "tried in {tried}; their errors (a timeout, say) are not tried again within a run: run the command again for them"
        )
    };
    let total = report.outcomes.len();
    Some(
        CliError::failed(format!(
            "{} of {} could NOT be revoked and still work",
            failed.len(),
            plural(total)
        ))
        .hint(hint)
        .code("not_revoked"),
    )
}
