//! `show`: one key, its permissions explained and its findings.

use crate::output::outln;
use chrono::{DateTime, Utc};
use narrative_keys::audit::{self, AuditOptions, Finding};
use narrative_keys::explain::Explanation;
use narrative_keys::{StatusPolicy, explain};
use serde::Serialize;

use super::severity_label;
use crate::cli::ShowArgs;
use crate::error::CliError;
use crate::output::{self, BOLD, KeyJson, Sorted, escape_controls, print_json, status_style};
use crate::session::Session;

/// `show --json`: the key, what its permissions allow, and its findings.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct ShowJson<'a> {
    explanation: Sorted<&'a Explanation>,
    findings: Sorted<&'a [Finding]>,
    key: Sorted<KeyJson<'a>>,
}

pub(super) async fn show(s: &Session, args: &ShowArgs, now: DateTime<Utc>) -> Result<u8, CliError> {
    let json = args.json;
    let id = super::resolve_id(s, &args.id).await?;
    let key = s.client.get_key(&id).await?;
    let explanation = explain(&key.permissions);
    let findings = audit::audit_one(&key, &AuditOptions::at(now));
    if json {
        print_json(&ShowJson {
            explanation: Sorted(&explanation),
            findings: Sorted(&findings),
            key: Sorted(KeyJson::new(&key, now)),
        })?;
        return Ok(0);
    }
    let st = key.status(now, &StatusPolicy::default());
    let style = status_style(st);
    outln!("{BOLD}{}{BOLD:#}", escape_controls(&key.name))?;
    outln!("  id:          {}", key.id)?;
    outln!(
        "  status:      {style}{}{style:#}",
        output::status_text(&key, st, now)
    )?;
    outln!("  expires:     {}", output::expiry_text(&key, now))?;
    if let Some(at) = output::retiring(&key, now) {
        outln!(
            "  retiring:    replaced by a rotation; works beside its successor until {}",
            output::when_text(at, now)
        )?;
    }
    outln!(
        "  permissions: {}",
        escape_controls(&key.permissions.to_string())
    )?;
    outln!()?;
    for line in explanation.lines() {
        outln!("{}", escape_controls(&line))?;
    }
    if !findings.is_empty() {
        outln!()?;
        outln!("{BOLD}Findings{BOLD:#}")?;
        for f in &findings {
            outln!(
                "  [{}] {}",
                severity_label(f.severity),
                escape_controls(&f.message)
            )?;
        }
    }
    Ok(0)
}
