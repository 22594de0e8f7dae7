//! `audit`: findings across all keys, as a table, Markdown or JSON.

use crate::output::{msgln, out};
use chrono::{DateTime, Utc};
use narrative_keys::audit::{self, AuditOptions, Finding, FindingSeverity};
use narrative_keys::{KeyStatus, Span, StatusPolicy};
use serde::Serialize;

use super::severity_label;
use crate::cli::{AuditArgs, Format};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{self, DIM, Sorted, Table, escape_controls, print_json, status_style};
use crate::session::Session;

/// `audit --json`: the findings, how many of each severity, and how many
/// keys were audited.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct AuditJson<'a> {
    counts: Counts,
    findings: Sorted<&'a [Finding]>,
    keys: usize,
}

#[derive(Serialize, schemars::JsonSchema)]
struct Counts {
    critical: usize,
    info: usize,
    warning: usize,
}

pub(super) async fn audit(
    s: &Session,
    args: &AuditArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let (within, format, json) = (args.expiring_within.as_str(), args.format, args.json);
    let soon = Span::parse(within)
        .map_err(super::span_reason)
        .and_then(|span| {
            span.after(now)
                .map(|at| at - now)
                .ok_or_else(|| "that is past the calendar's end".to_owned())
        })
        .map_err(|reason| {
            CliError::usage(format!(
                "--expiring-within `{}` is not a span: {reason}",
                escape_controls(within)
            ))
            .hint("use e.g. 14d, 4w, 36h or 1mo")
        })?;
    let keys = s.client.list_keys().await?;
    let mut options = AuditOptions::at(now);
    options.policy = StatusPolicy {
        expiring_within: soon,
    };
    let findings = audit::audit(&keys, &options);
    let count = |sev: FindingSeverity| findings.iter().filter(|f| f.severity == sev).count();
    let failing = findings
        .iter()
        .any(|f| f.severity >= FindingSeverity::Warning);
    if json {
        print_json(&AuditJson {
            counts: Counts {
                critical: count(FindingSeverity::Critical),
                info: count(FindingSeverity::Info),
                warning: count(FindingSeverity::Warning),
            },
            findings: Sorted(&findings),
            keys: keys.len(),
        })?;
    } else {
        out!("{}", findings_text(&findings, format))?;
        msgln!(
            "{} audited: {} critical, {} warning, {} info",
            crate::ui::text::count_of(keys.len(), "key", "keys"),
            count(FindingSeverity::Critical),
            count(FindingSeverity::Warning),
            count(FindingSeverity::Info)
        );
    }
    Ok(if failing { EXIT_FINDING } else { 0 })
}

/// Audit findings as `--format` asks: an aligned table, or Markdown.
fn findings_text(findings: &[audit::Finding], format: Format) -> String {
    if findings.is_empty() {
        return String::new();
    }
    if format == Format::Md {
        let mut md = String::from("| severity | name | id | finding |\n|---|---|---|---|\n");
        for f in findings {
            md.push_str(&format!(
                "| {} | {} | `{}` | {} |\n",
                severity_label(f.severity),
                output::markdown_cell(&f.key_name),
                output::markdown_cell(&f.key_id),
                output::markdown_cell(&f.message)
            ));
        }
        return md;
    }
    let mut table = Table::new(&["SEVERITY", "NAME", "ID", "FINDING"]);
    for f in findings {
        let style = match f.severity {
            FindingSeverity::Critical => status_style(KeyStatus::Expired),
            FindingSeverity::Warning => status_style(KeyStatus::ExpiringSoon),
            FindingSeverity::Info => DIM,
        };
        table.row(vec![
            (severity_label(f.severity).to_owned(), style),
            (escape_controls(&f.key_name), anstyle::Style::new()),
            (escape_controls(&f.key_id), DIM),
            (escape_controls(&f.message), anstyle::Style::new()),
        ]);
    }
    table.render()
}
