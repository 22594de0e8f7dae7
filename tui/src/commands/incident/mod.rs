//! `incident`: matching keys revoked and replaced, `--resume` and the report it reads.

mod report_file;
mod text;

pub(super) use self::report_file::read_incident_report;
use self::text::{plan_text, report_text};

use crate::output::{msg, msgln, out};
use std::path::Path;

use chrono::{DateTime, Utc};
use narrative_keys::Permission;
use narrative_keys::deliver::{OutputKind, SecretSink};
use narrative_keys::incident::{
    self, IncidentOptions, IncidentOutcome, IncidentReport, IncidentStep, ResumeOptions, Selection,
    ShownReplacement,
};
use serde::Serialize;

use super::{confirm, parse_permissions, resolve_ids};
use crate::cli::IncidentArgs;
use crate::delivery::{SecretJson, Target};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{Sorted, escape_controls, print_json};
use narrative_keys::journal::JournalFile;

use super::{announce_journal, check_journal, default_journal, interrupted, shell_quoted};
use crate::session::Session;

/// `incident --json`: the replacements' secrets or where they went, and
/// the report. The secrets come first: on standard output each is written
/// as its delivery (see [`Target::print_incident_document`]).
#[derive(Serialize, schemars::JsonSchema)]
pub(in crate::commands) struct IncidentJson<'a> {
    secrets: SecretsJson<'a>,
    report: Sorted<&'a IncidentReport>,
}

/// The replacements' secrets (`[]` when there are none), or an object
/// saying where they went (`{}` on standard output without `--json`).
#[derive(Serialize, schemars::JsonSchema)]
#[serde(untagged)]
enum SecretsJson<'a> {
    Shown(Vec<ShownReplacement<'a>>),
    Note(NoteJson<'a>),
}

#[derive(Serialize, schemars::JsonSchema)]
struct NoteJson<'a> {
    #[serde(flatten)]
    note: Option<SecretJson<'a>>,
}

// long: the command in order: outputs checked, plan, confirmation, journal, execution
pub(super) async fn incident(
    s: &Session,
    args: IncidentArgs,
    now: DateTime<Utc>,
) -> Result<u8, CliError> {
    let mut selection = selection(&args)?;
    // Every output is checked before the first request.
    let mut target = incident_target(&args)?;
    let mut journal = if args.dry_run {
        None
    } else {
        Some(incident_journal(&args, None, now)?)
    };
    let keys = s.client.list_keys().await?;
    // A full id stays as given (the plan reports it missing if no key has
    // it); prefixes and names must each name one listed key.
    selection.ids = resolve_ids(&args.ids, &keys)?;
    let mut plan = incident::plan(&keys, &selection, args.replace, now)?;
    plan.replace_expired = args.include_expired;
    if args.dry_run {
        if args.json {
            print_json(&plan)?;
        } else {
            out!("{}", plan_text(&plan, args.format, true, now))?;
        }
        // A dry run ends as the real run would: an empty selection fails.
        return if plan.keys.is_empty() {
            Err(nothing_selected())
        } else {
            Ok(0)
        };
    }
    if plan.keys.is_empty() {
        msg!("{}", plan_text(&plan, args.format, false, now));
        return Err(nothing_selected());
    }
    msg!("{}", plan_text(&plan, args.format, false, now));
    confirm(
        &format!(
            "Revoke these {} key(s){}?",
            plan.keys.len(),
            if plan.replace {
                " and create replacements"
            } else {
                ""
            }
        ),
        args.yes,
    )?;
    let options = IncidentOptions {
        note: args.note.clone(),
        environment: s.label.clone(),
        revoke_deadline: args.deadline,
        ..IncidentOptions::default()
    };
    let Some(journal) = journal.as_mut() else {
        return Err(CliError::failed("no journal for a real run"));
    };
    announce_journal(journal, RESUME);
    let outcome =
        incident::execute_delivering(&s.client, &plan, &options, &mut target, journal).await?;
    finish_incident(&outcome, &args, &target, journal)
}

/// The command that finishes an incident from its journal.
const RESUME: &str = "narrative-keys incident --resume";

/// Where an incident keeps its journal, the JSON report rewritten after
/// every step: `--report FILE.json`; for a resume without it, the report
/// being resumed (unless it is the `--json` output, whose secrets must not
/// be written over); otherwise a new file in the user's state directory.
/// Checked here, before anything is sent.
pub(super) fn incident_journal(
    args: &IncidentArgs,
    resumed: Option<(&Path, bool)>,
    now: DateTime<Utc>,
) -> Result<JournalFile, CliError> {
    let journal = match (&args.report, resumed) {
        (Some(path), _) if is_json_path(path) && args.force => JournalFile::replacing(path),
        (Some(path), _) if is_json_path(path) => JournalFile::new(path),
        (_, Some((path, true))) => JournalFile::replacing(path),
        _ => default_journal("incident", now)?.ok_or_else(|| {
            CliError::usage("there is nowhere to keep the incident's journal: no home or state directory is set")
                .hint("give --report FILE.json: that report, rewritten after every step, is the journal `--resume` finishes a cut-off run from")
        })?,
    };
    check_journal(&journal)?;
    Ok(journal)
}

/// Whether a report path is JSON (`.json`), which `--resume` reads.
fn is_json_path(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// The keys the arguments select; selecting nothing is refused.
fn selection(args: &IncidentArgs) -> Result<Selection, CliError> {
    let holding: Vec<Permission> =
        parse_permissions("--holding", &args.holding, args.allow_unknown)?
            .into_iter()
            .collect();
    let selection = Selection {
        ids: args.ids.clone(),
        name_matches: args.name_matches.clone(),
        holding,
        statuses: Vec::new(),
    };
    if selection.is_empty() {
        return Err(CliError::usage("nothing selected")
            .hint("give key ids, --name-matches GLOB or --holding PERMISSION"));
    }
    Ok(selection)
}

/// `incident --resume REPORT`: finishes what the report (the journal of
/// the run that was cut off) lists as left: keys to revoke, keys made whose
/// secrets were not delivered, replacements to make (the SDK's
/// `incident::resume` makes sure none is made twice).
pub(super) async fn resume_incident(
    s: &Session,
    report: &IncidentReport,
    args: &IncidentArgs,
    target: &mut Target,
    journal: &mut JournalFile,
) -> Result<u8, CliError> {
    let started = report
        .started_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let environment = escape_controls(&report.environment);
    if report.unfinished() || !report.already_present.is_empty() {
        msgln!(
            "Resuming the incident of {started} ({environment}): {}.",
            what_is_left(report)
        );
    } else {
        msgln!(
            "Nothing to resume: the incident of {started} ({environment}) revoked every selected key it could and replaced each."
        );
    }
    announce_journal(journal, RESUME);
    let options = ResumeOptions {
        environment: s.label.clone(),
        ..ResumeOptions::default()
    };
    let outcome = incident::resume_delivering(&s.client, report, &options, target, journal).await?;
    finish_incident(&outcome, args, target, journal)
}

/// What a report leaves for a resume, in a phrase.
fn what_is_left(report: &IncidentReport) -> String {
    let mut parts = Vec::new();
    if !report.to_revoke.is_empty() {
        parts.push(format!(
            "{} selected key(s) not revoked yet (they still work)",
            report.to_revoke.len()
        ));
    }
    let answered = report
        .undelivered
        .iter()
        .filter(|s| s.created.is_some())
        .count()
        + report.already_present.len();
    if answered > 0 {
        parts.push(format!(
            "{answered} key(s) made whose secret was not delivered (to revoke, then make again)"
        ));
    }
    let lost = report.undelivered.len() + report.already_present.len() - answered;
    if lost > 0 {
        parts.push(format!(
            "{lost} replacement(s) sent whose answer was lost (a key made by one is found and revoked)"
        ));
    }
    let unreplaced = report.unreplaced().len();
    if unreplaced > 0 {
        parts.push(format!("{unreplaced} revoked key(s) without a replacement"));
    }
    if parts.is_empty() {
        "nothing is left to do".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Where an incident's replacement secrets go, and its report: both checked
/// before the first request. The report is never written over an existing
/// file without `--force`.
pub(super) fn incident_target(args: &IncidentArgs) -> Result<Target, CliError> {
    if let Some(path) = &args.report {
        let kind = if args.force {
            OutputKind::ReplaceFile
        } else {
            OutputKind::New
        };
        narrative_keys::deliver::check_output(path, &kind).map_err(|e| {
            // Only a regular file may be replaced, and only with --force.
            let e = if !args.force && e.message.starts_with("already exists") {
                e.hint("choose a new file for the report, or add --force to replace it")
            } else {
                e
            };
            CliError::from(narrative_keys::Error::Output(e))
        })?;
        if args.secrets_out.as_deref() == Some(path.as_path()) {
            return Err(CliError::usage(format!(
                "--report and --secrets-out both name {}; nothing was sent",
                path.display()
            ))
            .hint("give the report and the secrets a file each"));
        }
    }
    let mut target = Target::many(args);
    target.check().map_err(narrative_keys::Error::Output)?;
    Ok(target)
}

/// Says where the replacements' secrets went, saves and prints the report,
/// and says what is left to do; a run stopped by a signal ends in an
/// `interrupted` error saying how to finish it.
// long: the report saved and printed, then what to send, what is left, and the exit status
fn finish_incident(
    outcome: &IncidentOutcome,
    args: &IncidentArgs,
    target: &Target,
    journal: &JournalFile,
) -> Result<u8, CliError> {
    let report = &outcome.report;
    // Each secret was delivered as its key was made; say where they went.
    if let Some(note) = target.delivered_note(outcome.replacements.len()) {
        msgln!("{note}");
    }
    let secrets = if target.in_json() {
        SecretsJson::Shown(outcome.shown_secrets())
    } else if outcome.replacements.is_empty() {
        SecretsJson::Shown(Vec::new())
    } else {
        SecretsJson::Note(NoteJson {
            note: target.json_note(false),
        })
    };
    let resumable = match &outcome.journal_error {
        None => Some(journal.path()),
        Some(e) => {
            msgln!(
                "error: the journal could not be written ({e}); the run stopped before its next step"
            );
            None
        }
    };
    let saved = save_report(report, args, resumable)?;
    // A standard output that fails ends the run in an error, but only once
    // everything below is said: the replacements exist either way.
    let printed = if args.json {
        target.print_incident_document(
            &Sorted(report),
            &IncidentJson {
                secrets,
                report: Sorted(report),
            },
        )
    } else {
        out!("{}", report_text(report, args.format))
    };
    let report_lost = matches!(saved, Saved::Lost);
    let attach = match (&saved, &args.report) {
        (Saved::To(path), _) => format!("attach {} (it holds no secret)", path.display()),
        // The JSON on stdout carries the new secrets beside the report.
        _ if args.json => {
            "send the JSON's \"report\" (it holds no secret), never its \"secrets\"".to_owned()
        }
        _ => "send the report above (it holds no secret)".to_owned(),
    };
    // Only Narrative's own environments have anyone to report to: the demo
    // and an emulator are practice.
    if matches!(report.environment.as_str(), "prod" | "dev") {
        msgln!(
            "Next: report the incident to Narrative security at {}: {attach}.",
            incident::SECURITY_CONTACT
        );
    } else {
        msgln!(
            "This ran against {}, not Narrative's API: there is nothing to report (against prod or dev, the next step is to report the incident to Narrative security at {}: {attach}).",
            report.environment,
            incident::SECURITY_CONTACT
        );
    }
    let resume = resumable.map(|p| {
        let mut command = format!("{RESUME} {}", shell_quoted(p));
        if args.secrets_out.is_some() {
            command.push_str(" --secrets-out NEW-FILE");
        }
        command
    });
    if outcome.interrupted
        && let Some(resume) = &resume
    {
        return Err(interrupted(what_is_left(report), resume.clone()));
    }
    say_what_is_left(report, args, resume.as_deref());
    if let Err(e) = printed {
        // The document that lists them is lost: the failures, on stderr.
        for f in &report.failures {
            msgln!(
                "failed to {} {} ({}): {}",
                f.step,
                escape_controls(&f.name),
                escape_controls(&f.id),
                escape_controls(&f.error)
            );
        }
        return Err(match &saved {
            Saved::To(path) => e.hint(format!("the report is saved in {}", path.display())),
            Saved::Lost => e,
        });
    }
    Ok(
        if report.failures.is_empty()
            && !report_lost
            && !report.unfinished()
            && outcome.journal_error.is_none()
        {
            0
        } else {
            EXIT_FINDING
        },
    )
}

/// What became of the report.
enum Saved<'a> {
    /// Saved to this file (`--report`, or the journal).
    To(&'a Path),
    /// Neither `--report` nor a journal holds it: it is only printed.
    Lost,
}

/// Writes `--report FILE` (JSON when it ends in `.json`, Markdown
/// otherwise). A JSON report is the journal, written already.
fn save_report<'a>(
    report: &IncidentReport,
    args: &'a IncidentArgs,
    journal: Option<&'a Path>,
) -> Result<Saved<'a>, CliError> {
    let saved = |path: &'a Path| {
        msgln!("The report was saved to {}.", path.display());
        Ok(Saved::To(path))
    };
    let Some(path) = &args.report else {
        return journal.map_or(Ok(Saved::Lost), saved);
    };
    if journal == Some(path.as_path()) {
        return saved(path);
    }
    let text = if is_json_path(path) {
        serde_json::to_string_pretty(report)
            .map_err(|e| CliError::failed(format!("could not encode the report: {e}")))?
    } else {
        report.to_markdown()
    };
    // The path was checked before the incident; this fails only if the
    // disk or directory changed since. The report is printed anyway.
    match narrative_keys::deliver::write_new_file(path, &text, args.force) {
        Ok(()) => saved(path),
        Err(e) => {
            msgln!(
                "error: the report could not be saved: {e}; it is printed on standard output instead (add --json for the form --resume reads)"
            );
            Ok(Saved::Lost)
        }
    }
}

/// Says how to finish what the incident left: keys still working,
/// replacements still missing, keys made whose secrets were not delivered.
fn say_what_is_left(report: &IncidentReport, args: &IncidentArgs, resume: Option<&str>) {
    if report.unfinished() {
        let left = what_is_left(report);
        match resume {
            Some(resume) => msgln!("Left to do: {left}: run `{resume}` to finish."),
            None if args.json => msgln!(
                "Left to do: {left}: save this --json output to a file and run `{RESUME} FILE` to finish."
            ),
            None => msgln!(
                "Left to do: {left}. `{RESUME}` needs the JSON report, which was not saved: revoke and create them by hand (`narrative-keys revoke`, `narrative-keys create`), using the report above."
            ),
        }
    }
    // Reports of earlier versions did not keep the keys they failed to revoke.
    let unrevoked = report
        .failures
        .iter()
        .filter(|f| f.step == IncidentStep::Revoke)
        .filter(|f| !report.to_revoke.iter().any(|k| k.id == f.id))
        .count();
    if unrevoked > 0 && args.resume.is_some() {
        msgln!(
            "{unrevoked} key(s) could not be revoked and still work; this report does not record them for a resume: run `narrative-keys incident ID... --replace` for them."
        );
    }
}

/// An incident whose selection matched no key: exit status 1, nothing changed.
fn nothing_selected() -> CliError {
    CliError::failed("no key matches the selection; nothing was changed").code("nothing_selected")
}

#[cfg(test)]
mod tests {
    use narrative_keys::incident::{IncidentReport, ReportReadError, ShownReplacement};

    use super::report_file::report_from_output;
    use super::{IncidentJson, SecretsJson};
    use crate::output::Sorted;

    /// A report with a `replace` failure, as `--report FILE.json` writes it.
    const REPORT: &str = r#"{"environment":"prod","started_at":"2026-11-26T10:00:00Z",
        "finished_at":"2026-11-26T10:00:05Z","revoked":[{"id":"1","name":"ci",
        "permissions":[{"access":"read","resource":"jobs"}],"expires_at":null}],
        "replacements":[],"failures":[{"id":"1","name":"ci","step":"replace",
        "error":"x"}],"missing_ids":[]}"#;

    #[test]
    fn secrets_written_as_delivered_make_the_same_document_as_printed_whole() {
        use crate::delivery::{write_secrets_end, write_secrets_entry};
        use narrative_keys::deliver::NewSecret;
        use narrative_keys::{ApiKey, PermissionSet, Secret};
        let report = IncidentReport::from_json(REPORT).unwrap();
        let made = [("r1", "1", "SECRET-\"ONE\"\\"), ("r2", "2", "SECRET-TWO")];
        let mut streamed = Vec::new();
        for (i, (id, replaces, secret)) in made.iter().enumerate() {
            let key = ApiKey {
                id: (*id).to_owned(),
                name: "ci".to_owned(),
                permissions: PermissionSet::default(),
                expires_at: None,
            };
            let secret = Secret::new(*secret);
            let item = NewSecret {
                key: &key,
                secret: &secret,
                replaces: Some(replaces),
            };
            write_secrets_entry(&mut streamed, &item, i == 0).unwrap();
        }
        let report_json = serde_json::to_string_pretty(&Sorted(&report)).unwrap();
        write_secrets_end(&mut streamed, &report_json).unwrap();
        let whole = serde_json::to_string_pretty(&IncidentJson {
            secrets: SecretsJson::Shown(
                made.iter()
                    .map(|(id, replaces, secret)| ShownReplacement {
                        id,
                        replaces,
                        secret,
                    })
                    .collect(),
            ),
            report: Sorted(&report),
        })
        .unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), whole + "\n");
    }

    #[test]
    fn the_json_output_reads_as_its_report_and_bad_files_are_named() {
        let report = IncidentReport::from_json(REPORT).unwrap();
        let output = serde_json::to_string(&IncidentJson {
            report: Sorted(&report),
            secrets: SecretsJson::Shown(vec![ShownReplacement {
                id: "r1",
                replaces: "1",
                secret: "TOP-SECRET-VALUE",
            }]),
        })
        .unwrap();
        assert_eq!(report_from_output(&output).unwrap(), report);
        assert_eq!(report_from_output(REPORT).unwrap(), report);
        assert_eq!(
            report_from_output(&report.to_markdown()),
            Err(ReportReadError::Markdown)
        );
        // A value that does not fit is not repeated: it may be a secret.
        let bad_step = output.replace("\"replace\"", "\"TOP-SECRET-VALUE\"");
        let err = report_from_output(&bad_step).unwrap_err();
        assert!(
            matches!(&err, ReportReadError::NotAReport { path, message }
                if path == "report.failures[0].step" && message.starts_with("unknown variant `…`, expected `revoke`")),
            "{err:?}"
        );
        let bad_name = output.replace("\"name\":\"ci\"", "\"name\":[\"TOP-SECRET-VALUE\"]");
        let mut errors = vec![err, report_from_output(&bad_name).unwrap_err()];
        errors.push(report_from_output(r#"{"report": "TOP-SECRET-VALUE"}"#).unwrap_err());
        for e in errors {
            assert!(!e.to_string().contains("TOP-SECRET"), "{e}");
        }
    }
}
