//! `apply`: the plan shown, confirmed, and carried out; then what each step
//! did. Exit status 0 when everything was done, 1 when a step failed (the
//! next apply finishes the job), 2 for a bad file or target (nothing sent).

use chrono::{DateTime, Utc};
use narrative_keys::keys_as_code::{self, ApplyOptions, ApplyReport, Plan};
use serde::Serialize;

use super::confirm;
use super::plan::{apply_journal, lock_journal, plan_text, read_journal, read_keys_file, summary};
use crate::cli::{ApplyArgs, Format};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{escape_controls, msgln, out, print_json};
use crate::session::Session;

/// `apply --json`: the plan and what each of its steps did.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct ApplyJson<'a> {
    plan: &'a Plan,
    #[serde(flatten)]
    report: &'a ApplyReport,
}

pub(super) async fn apply(
    s: &Session,
    args: &ApplyArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let started = std::time::Instant::now();
    let file = read_keys_file(&args.file.path(), now)?;
    // Held until the run ends: a second apply of this file refuses.
    let _lock = lock_journal(&file, true)?;
    let journal = read_journal(&file)?;
    let keys = s.client.list_keys().await?;
    let planned = keys_as_code::plan(&file, &keys, journal.as_ref(), now);
    if planned.is_empty() {
        if args.json {
            print_json(&ApplyJson {
                plan: &planned,
                report: &ApplyReport::default(),
            })?;
        } else {
            msgln!("{}", summary(&planned));
        }
        return Ok(0);
    }
    if !args.json {
        out!("{}", plan_text(&planned, Format::Text, now))?;
    }
    confirm(&format!("{} Apply it?", summary(&planned)), args.yes)?;
    let stdout_lost = StdoutLost::default();
    let options = apply_options(args, started, &stdout_lost);
    let mut journal = apply_journal(&file)?;
    let report =
        keys_as_code::apply(&s.client, &file, &planned, &options, journal.as_mut()).await?;
    if args.json {
        print_json(&ApplyJson {
            plan: &planned,
            report: &report,
        })?;
    } else {
        print_pins(&report, &file.path);
    }
    say_not_done(&report);
    if let Some(e) = stdout_lost.take() {
        return Err(e);
    }
    Ok(if report.is_complete() {
        0
    } else {
        EXIT_FINDING
    })
}

/// The first standard output failure of the steps' lines, kept until the run ends.
#[derive(Clone, Default)]
struct StdoutLost(std::sync::Arc<std::sync::Mutex<Option<CliError>>>);

impl StdoutLost {
    fn keep(&self, e: CliError) {
        let mut first = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        first.get_or_insert(e);
    }

    fn take(&self) -> Option<CliError> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }
}

/// The apply's options from the command line; each step's line goes to
/// standard output as the step ends.
fn apply_options(
    args: &ApplyArgs,
    started: std::time::Instant,
    stdout_lost: &StdoutLost,
) -> ApplyOptions {
    ApplyOptions {
        secrets_out: args.secrets_out.clone(),
        delivery_limit: Some(args.delivery_timeout),
        deadline: args.deadline.map(|d| started + d),
        jobs: Some(args.jobs),
        // Each key's line as soon as it is done: a run killed later still
        // leaves the new ids in the log. A line standard output does not
        // take is no reason to stop half-way (a key would be left
        // mid-rotation): the run goes on, and the failure is the exit
        // status after it.
        on_outcome: (!args.json).then(|| {
            let lost = stdout_lost.clone();
            keys_as_code::OnOutcome(std::sync::Arc::new(move |o: &keys_as_code::Outcome| {
                if let Err(e) = out!("{}", outcome_text(o)) {
                    lost.keep(e);
                }
            }))
        }),
        // No dialog to hand secrets to (a key naming no target needs
        // --secrets-out); the commands' output goes to stderr as they run.
        ..ApplyOptions::default()
    }
}

/// On stderr, where messages go whatever standard output is: which steps
/// failed and why (their lines on standard output say it too), and what to do.
fn say_not_done(report: &ApplyReport) {
    let failed: Vec<String> = (report.outcomes.iter())
        .filter(|o| !o.ok)
        .map(|o| {
            format!(
                "{}: {}",
                escape_controls(&o.name),
                escape_controls(&o.message)
            )
        })
        .collect();
    if !failed.is_empty() {
        msgln!(
            "error: {} of {} not done ({})",
            failed.len(),
            crate::ui::text::count_of(report.outcomes.len(), "step", "steps"),
            failed.join("; ")
        );
        msgln!("hint: run `narrative-keys apply` again: it finishes the job");
    }
}

/// A step's line, then one per old key it retired.
fn outcome_text(o: &keys_as_code::Outcome) -> String {
    let mark = if o.ok { "done" } else { "FAILED" };
    let mut text = format!(
        "{} {} {mark}: {}\n",
        o.action.symbol(),
        escape_controls(&o.name),
        escape_controls(&o.message)
    );
    for r in &o.retired {
        let when = match r.stops {
            Some(narrative_keys::OldKeyStops::Now) => "revoked".to_owned(),
            Some(narrative_keys::OldKeyStops::At(at)) => {
                format!(
                    "works until {}, then expires",
                    at.format("%Y-%m-%d %H:%M:%S UTC")
                )
            }
            None => format!(
                "still works ({})",
                r.error.as_deref().unwrap_or("the run was interrupted")
            ),
        };
        text.push_str(&format!("    old key {}: {when}\n", r.id));
    }
    text
}

/// The pins rewritten (or which to set by hand); each step's line was
/// printed as it finished.
fn print_pins(report: &ApplyReport, path: &std::path::Path) {
    let pins = &report.pins;
    match &pins.error {
        None => {
            for (name, id) in &pins.changed {
                msgln!(
                    "{}: [[key]] {:?} now pinned to id {id}",
                    path.display(),
                    escape_controls(name)
                );
            }
        }
        Some(error) => {
            msgln!(
                "could not rewrite the pins in {} ({}): set them by hand; until then plan shows `~ id: OLD → NEW` for these keys and apply only retries this rewrite (the keys themselves are done):",
                path.display(),
                escape_controls(error)
            );
            for (name, id) in &pins.changed {
                msgln!("    [[key]] {:?}: id = \"{id}\"", escape_controls(name));
            }
        }
    }
}
