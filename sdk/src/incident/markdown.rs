//! The plan and the report as Markdown.

use chrono::{DateTime, SecondsFormat, Utc};

use super::{IncidentPlan, IncidentReport, PlannedKey, Replacement, SECURITY_CONTACT};

fn when(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A section listing replacement keys, or nothing when there are none.
/// `heading` ends with the table's header row.
fn replacement_table(md: &mut String, heading: &str, rows: &[Replacement]) {
    if rows.is_empty() {
        return;
    }
    md.push_str(heading);
    md.push_str("|---|---|---|---|---|\n");
    for r in rows {
        md.push_str(&format!(
            "| {} | `{}` | `{}` | {} | {} |\n",
            cell(&r.key.name),
            r.key.id,
            r.replaces,
            cell(&r.key.permissions.to_string()),
            expiry(r.key.expires_at)
        ));
    }
}

fn expiry(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "never".to_owned(), when)
}

/// Markdown table cells must not break the table (no `|`, no line break),
/// nor carry markup (see [`text`]).
fn cell(s: &str) -> String {
    escaped(s, true)
}

/// Text from a person or the server (the note), with `&`, `<` and `>`
/// written as HTML entities: Markdown passes raw HTML through, so a viewer
/// would otherwise render a name such as `<img src=x onerror=…>`.
fn text(s: &str) -> String {
    escaped(s, false)
}

/// One pass for both: in a table cell, `|` escaped and controls as spaces too.
fn escaped(s: &str, in_cell: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '|' if in_cell => out.push_str("\\|"),
            c if in_cell && c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl IncidentPlan {
    /// The plan, as Markdown, titled "Incident plan".
    pub fn to_markdown(&self) -> String {
        self.markdown("Incident plan")
    }

    /// The plan as a dry run shows it: titled "Incident plan (dry run)".
    pub fn to_markdown_dry_run(&self) -> String {
        self.markdown("Incident plan (dry run)")
    }

    fn markdown(&self, title: &str) -> String {
        let mut md = format!("# {title}\n\n{}\n\n", self.summary());
        md.push_str("| name | id | permissions | expires | status |\n|---|---|---|---|---|\n");
        for p in &self.keys {
            md.push_str(&format!(
                "| {} | `{}` | {} | {} | {} |\n",
                cell(&p.key.name),
                p.key.id,
                cell(&p.key.permissions.to_string()),
                expiry(p.key.expires_at),
                p.status.label()
            ));
        }
        for note in self.notes() {
            md.push_str(&format!("\n{}\n", cell(&note)));
        }
        md
    }

    /// One sentence: when it was planned and what it will do.
    pub fn summary(&self) -> String {
        let not_replaced = self.expired_not_replaced().len();
        format!(
            "Planned {}. {} key(s) will be revoked{}.",
            when(self.planned_at),
            self.keys.len(),
            match (self.replace, not_replaced) {
                (false, _) => String::new(),
                (true, 0) =>
                    ", then replaced with new keys holding the same permissions".to_owned(),
                (true, n) => format!(
                    ", then {} replaced with new keys holding the same permissions ({n} already expired: not replaced)",
                    self.keys.len() - n
                ),
            }
        )
    }

    /// What else the plan should say, as sentences: keys not found,
    /// look-alikes left alone, expired keys not replaced.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if !self.missing_ids.is_empty() {
            notes.push(format!(
                "Not found (already revoked, or not visible to these credentials): {}",
                self.missing_ids.join(", ")
            ));
        }
        if !self.look_alikes.is_empty() {
            notes.push(format!(
                "Not selected, though they have the name and permissions of a planned key (select them too if they leaked): {}",
                self.look_alikes.join(", ")
            ));
        }
        let named = |keys: Vec<&PlannedKey>| {
            keys.iter()
                .map(|p| format!("{} ({})", p.key.name, p.key.id))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let not_replaced = self.expired_not_replaced();
        if !not_replaced.is_empty() {
            notes.push(format!(
                "Already expired, so revoked but not replaced (include expired keys to replace them too): {}",
                named(not_replaced)
            ));
        } else if self.replace && !self.expired.is_empty() {
            let expired = self
                .keys
                .iter()
                .filter(|p| self.expired.contains(&p.key.id))
                .collect();
            notes.push(format!(
                "Already expired, and replaced all the same as asked: {}",
                named(expired)
            ));
        }
        notes
    }
}

impl IncidentReport {
    /// The report as Markdown, ready to send to Narrative security.
    pub fn to_markdown(&self) -> String {
        let mut md = self.markdown_heading();
        md.push_str("\n## Revoked keys\n\n");
        if self.revoked.is_empty() {
            md.push_str("None.\n");
        } else {
            md.push_str("| name | id | permissions | expired / expires |\n|---|---|---|---|\n");
            for k in &self.revoked {
                md.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    cell(&k.name),
                    k.id,
                    cell(&k.permissions.to_string()),
                    expiry(k.expires_at)
                ));
            }
        }
        replacement_table(
            &mut md,
            "\n## Replacement keys\n\nTheir secrets were given to the operator only.\n\n| name | new id | replaces | permissions | expires |\n",
            &self.replacements,
        );
        replacement_table(
            &mut md,
            "\n## Replacements found already created\n\nAn earlier attempt created these, but its answer was lost: their secrets were never delivered and cannot be shown. Rotate each to get a secret. (The API does not say when a key was created: each was recognised by its name, permissions and expiration.)\n\n| name | id | replaces | permissions | expires |\n",
            &self.already_present,
        );
        self.markdown_failures(&mut md);
        md.push_str(&format!(
            "\n## Report it to Narrative security\n\nSend this report to {SECURITY_CONTACT} (the address in Narrative's published security policy). It holds no secret, so it can be attached as it is. Say in the message how the keys leaked, when it was noticed, where they were used, and anything seen done with them; Narrative's account audit logs show what the keys were used for.\n"
        ));
        md
    }

    /// The report's title and summary lines, and the note.
    fn markdown_heading(&self) -> String {
        let mut md = String::from("# API key incident report\n\n");
        if !self.environment.is_empty() {
            md.push_str(&format!("- Environment: {}\n", cell(&self.environment)));
        }
        md.push_str(&format!(
            "- Started: {}\n- Finished: {}\n- Keys revoked: {}\n- Replacements created: {}\n- Failures: {}\n",
            when(self.started_at),
            when(self.finished_at),
            self.revoked.len(),
            self.replacements.len(),
            self.failures.len()
        ));
        if !self.already_present.is_empty() {
            md.push_str(&format!(
                "- Replacements found already created: {}\n",
                self.already_present.len()
            ));
        }
        if !self.resumed_at.is_empty() {
            let runs: Vec<String> = self.resumed_at.iter().map(|t| when(*t)).collect();
            md.push_str(&format!("- Resumed: {}\n", runs.join(", ")));
        }
        if let Some(note) = &self.note {
            md.push_str(&format!("\n## What happened\n\n{}\n", text(note.trim())));
        }
        md
    }

    /// The failures table and the keys the incident left alone.
    fn markdown_failures(&self, md: &mut String) {
        if !self.failures.is_empty() {
            md.push_str("\n## Failures\n\nThese need attention: a key that failed to revoke still works; a key that failed to be replaced is revoked and has no successor yet (resuming the incident from its JSON report creates it).\n\n| name | id | step | error |\n|---|---|---|---|\n");
            for f in &self.failures {
                md.push_str(&format!(
                    "| {} | `{}` | {} | {} |\n",
                    cell(&f.name),
                    f.id,
                    f.step,
                    cell(&f.error)
                ));
            }
        }
        for note in self.unfinished_notes() {
            md.push_str(&format!("\n{}\n", cell(&note)));
        }
        if !self.expired_not_replaced.is_empty() {
            md.push_str(&format!(
                "\nAlready expired before the incident, so revoked but not replaced: {}\n",
                self.expired_not_replaced.join(", ")
            ));
        }
        if !self.missing_ids.is_empty() {
            md.push_str(&format!(
                "\nIds not found (already revoked, or not visible): {}\n",
                self.missing_ids.join(", ")
            ));
        }
    }
}
