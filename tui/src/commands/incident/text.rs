//! An incident's plan and report as `--format` asks: aligned tables, or
//! the Markdown the `--report` file holds.

use chrono::{DateTime, Utc};
use narrative_keys::incident::{IncidentPlan, IncidentReport};

use crate::cli::Format;
use crate::output::{self, BOLD, DIM, Table, escape_controls, status_style, status_symbol};

/// Markdown built from server text: escape control characters but keep lines.
fn escape_markdown_controls(md: &str) -> String {
    md.lines()
        .map(escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// An incident's plan as `--format` asks. Its title says "dry run" only
/// when it is one.
pub(super) fn plan_text(
    plan: &IncidentPlan,
    format: Format,
    dry_run: bool,
    now: DateTime<Utc>,
) -> String {
    if format == Format::Md {
        return escape_markdown_controls(&if dry_run {
            plan.to_markdown_dry_run()
        } else {
            plan.to_markdown()
        });
    }
    let title = if dry_run {
        "Incident plan (dry run: nothing is changed)"
    } else {
        "Incident plan"
    };
    let mut out = format!(
        "{BOLD}{title}{BOLD:#}\n{}\n\n",
        escape_controls(&plan.summary())
    );
    if plan.keys.is_empty() {
        out.push_str("No key matches the selection.\n");
    } else {
        out.push_str(&plan_table(plan, now).render());
    }
    for note in plan.notes() {
        out.push_str(&format!("\n{}\n", escape_controls(&note)));
    }
    if !plan.expired_not_replaced().is_empty() {
        out.push_str("hint: --include-expired replaces them too\n");
    }
    out
}

/// The plan's keys, one row each: what each is, and whether it is replaced.
fn plan_table(plan: &IncidentPlan, now: DateTime<Utc>) -> Table {
    let mut headers = vec!["NAME", "ID", "PERMISSIONS", "EXPIRES", "STATUS"];
    if plan.replace {
        headers.push("REPLACED");
    }
    let mut table = Table::new(&headers);
    let plain = anstyle::Style::new();
    for p in &plan.keys {
        let mut row = vec![
            (escape_controls(&p.key.name), plain),
            (p.key.id.clone(), DIM),
            (escape_controls(&p.key.permissions.to_string()), plain),
            (output::expiry_text(&p.key, now), plain),
            (
                format!("{} {}", status_symbol(p.status), p.status.label()),
                status_style(p.status),
            ),
        ];
        if plan.replace {
            let replaced = if plan.replaces(&p.key.id) {
                "yes"
            } else {
                "no (expired)"
            };
            row.push((replaced.to_owned(), plain));
        }
        table.row(row);
    }
    table
}

/// An incident's report as `--format` asks: aligned tables, or the
/// Markdown the `--report` file holds.
pub(super) fn report_text(report: &IncidentReport, format: Format) -> String {
    if format == Format::Md {
        return escape_markdown_controls(&report.to_markdown());
    }
    let plain = anstyle::Style::new();
    let mut out = report_heading(report);
    out.push_str(&format!(
        "\n{BOLD}Revoked{BOLD:#} ({})\n",
        report.revoked.len()
    ));
    if !report.revoked.is_empty() {
        let mut table = Table::new(&["NAME", "ID", "PERMISSIONS", "EXPIRED / EXPIRES"]);
        for k in &report.revoked {
            table.row(vec![
                (escape_controls(&k.name), plain),
                (k.id.clone(), DIM),
                (escape_controls(&k.permissions.to_string()), plain),
                (expires_text(k.expires_at), plain),
            ]);
        }
        out.push_str(&table.render());
    }
    for (title, rows) in [
        ("Replacements", &report.replacements),
        (
            "Replacements found already created (their secrets were lost: rotate each to get one)",
            &report.already_present,
        ),
    ] {
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{BOLD}{title}{BOLD:#} ({})\n", rows.len()));
        let mut table = Table::new(&["NAME", "NEW ID", "REPLACES", "PERMISSIONS", "EXPIRES"]);
        for r in rows {
            table.row(vec![
                (escape_controls(&r.key.name), plain),
                (r.key.id.clone(), DIM),
                (escape_controls(&r.replaces), DIM),
                (escape_controls(&r.key.permissions.to_string()), plain),
                (expires_text(r.key.expires_at), plain),
            ]);
        }
        out.push_str(&table.render());
    }
    push_failures(&mut out, report);
    out
}

/// An instant as the text report writes it, to the second.
fn at_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// An expiration as the text report writes it: the instant, or `never`.
fn expires_text(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_owned(), at_text)
}

/// The text report's title, environment, times and note.
fn report_heading(report: &IncidentReport) -> String {
    let mut out = format!("{BOLD}API key incident report{BOLD:#}\n");
    if !report.environment.is_empty() {
        out.push_str(&format!(
            "environment: {}\n",
            escape_controls(&report.environment)
        ));
    }
    out.push_str(&format!(
        "started:     {}\nfinished:    {}\n",
        at_text(report.started_at),
        at_text(report.finished_at)
    ));
    if !report.resumed_at.is_empty() {
        let runs: Vec<String> = report.resumed_at.iter().map(|t| at_text(*t)).collect();
        out.push_str(&format!("resumed:     {}\n", runs.join(", ")));
    }
    if let Some(note) = &report.note {
        out.push_str(&format!("note:        {}\n", escape_controls(note.trim())));
    }
    out
}

/// The text report's failures table and the keys it left alone.
fn push_failures(out: &mut String, report: &IncidentReport) {
    let plain = anstyle::Style::new();
    if !report.failures.is_empty() {
        out.push_str(&format!(
            "\n{BOLD}Failures{BOLD:#} ({}): a key that failed to revoke still works; one that failed to be replaced has no successor yet\n",
            report.failures.len()
        ));
        let mut table = Table::new(&["NAME", "ID", "STEP", "ERROR"]);
        for f in &report.failures {
            table.row(vec![
                (escape_controls(&f.name), plain),
                (escape_controls(&f.id), DIM),
                (f.step.to_string(), plain),
                (escape_controls(&f.error), plain),
            ]);
        }
        out.push_str(&table.render());
    }
    for note in report.unfinished_notes() {
        out.push_str(&format!("\n{}\n", escape_controls(&note)));
    }
    if !report.expired_not_replaced.is_empty() {
        out.push_str(&format!(
            "\nAlready expired before the incident, so revoked but not replaced: {}\n",
            escape_controls(&report.expired_not_replaced.join(", "))
        ));
    }
    if !report.missing_ids.is_empty() {
        out.push_str(&format!(
            "\nIds not found (already revoked, or not visible): {}\n",
            escape_controls(&report.missing_ids.join(", "))
        ));
    }
}
