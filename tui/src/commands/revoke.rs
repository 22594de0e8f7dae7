//! `revoke`: keys revoked at once, after confirmation, and its dry run.

use anstream::println;
use narrative_keys::revoke::{
    RevokeManyOptions, RevokeManyReport, RevokeOutcomeSummary, revoke_many,
};
use narrative_keys::{ApiKey, key_ref};
use serde::Serialize;

use super::{confirm, resolve_ids};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{escape_controls, print_json};
use crate::session::Session;

/// `revoke --json`: each key's outcome, in the order given.
#[derive(Serialize)]
struct RevokeJson {
    results: Vec<RevokeOutcomeSummary>,
}

/// `revoke --dry-run --json`: the keys that would be revoked.
#[derive(Serialize)]
struct RevokeDryRunJson<'a> {
    dry_run: bool,
    revoke: Vec<DryRunKey<'a>>,
}

/// A key a dry run would revoke; `name` is `null` when it was not found.
#[derive(Serialize)]
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
        println!(
            "Would revoke {} key(s); each would stop working at once:",
            ids.len()
        );
        for id in ids {
            match found(id) {
                Some(k) => println!("  \"{}\" ({id})", escape_controls(&k.name)),
                None => println!(
                    "  {id} (not found: already revoked, or not visible to these credentials)"
                ),
            }
        }
    }
    eprintln!("Dry run: nothing was sent.");
    Ok(0)
}

pub(super) async fn revoke(
    s: &Session,
    refs: &[String],
    yes: bool,
    deadline: std::time::Duration,
    dry_run: bool,
    json: bool,
) -> Result<u8, CliError> {
    // One list serves the references, the confirmation and the dry run.
    let keys = if !yes || dry_run || key_ref::any_needs_list(refs) {
        s.client.list_keys().await?
    } else {
        Vec::new()
    };
    let ids = &resolve_ids(refs, &keys)?;
    if dry_run {
        return revoke_dry_run(ids, &keys, json);
    }
    if !yes {
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
        deadline,
        ..RevokeManyOptions::default()
    };
    let report = revoke_many(&s.client, ids, &options).await;
    print_outcomes(&report, json)?;
    if let Some(error) = not_revoked(&report, deadline) {
        return Err(error);
    }
    // Scripts learn of a mistyped id; revoking it again is harmless.
    let all_found = report
        .outcomes
        .iter()
        .all(|o| matches!(o.result, narrative_keys::RevokeResult::Revoked));
    Ok(if all_found { 0 } else { EXIT_FINDING })
}

/// Each key's outcome: `{"results": [..]}` with `--json`, a line each otherwise.
fn print_outcomes(report: &RevokeManyReport, json: bool) -> Result<(), CliError> {
    if json {
        let results = report.outcomes.iter().map(|o| o.summary()).collect();
        return print_json(&RevokeJson { results });
    }
    for o in &report.outcomes {
        match &o.result {
            narrative_keys::RevokeResult::Revoked => println!("revoked       {}", o.id),
            narrative_keys::RevokeResult::AlreadyGone => {
                println!(
                    "not found     {} (already revoked, or not visible to these credentials)",
                    o.id
                )
            }
            narrative_keys::RevokeResult::Failed(e) => println!("FAILED        {}: {e}", o.id),
        }
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
    let hint = if !refused {
        format!(
            "run the command again for them (temporary failures were retried for up to {}; --deadline sets how long)",
            narrative_keys::retry::duration_text(deadline)
        )
    } else {
        "the server refused them (see each key's error): revoking needs a key holding write:access_tokens; temporary failures, if any, are worth running again".to_owned()
    };
    let total = report.outcomes.len();
    Some(
        CliError::failed(format!(
            "{} of {total} {} could NOT be revoked and still work",
            failed.len(),
            if total == 1 { "key" } else { "keys" }
        ))
        .hint(hint)
        .code("not_revoked"),
    )
}
