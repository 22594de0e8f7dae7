//! The report `incident --resume` reads: the JSON report saved with
//! `--report FILE.json`, or the incident's own `--json` output around it.

use std::path::Path;

use narrative_keys::incident::{IncidentReport, ReportReadError};

use crate::error::CliError;

/// Reads the JSON report `--resume` names, refusing anything else with a
/// message saying what the file is and what is needed instead; with it,
/// whether the file is the report itself (`true`), not the `--json` output
/// around it, so that the resume may keep its journal there.
pub(in crate::commands) fn read_incident_report(
    path: &Path,
) -> Result<(IncidentReport, bool), CliError> {
    const NEEDED: &str = "--resume needs the incident's JSON report: the file saved with `--report FILE.json`, or the incident's `--json` output";
    let shown = path.display();
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(
                CliError::usage(format!("--resume {shown}: there is no such file")).hint(NEEDED),
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
            return Err(CliError::usage(format!(
                "--resume {shown}: the file is not text, so not a JSON report"
            ))
            .hint(NEEDED));
        }
        Err(e) => {
            return Err(
                CliError::usage(format!("--resume {shown}: cannot read it: {e}"))
                    .hint("check the path and that you may read the file"),
            );
        }
    };
    let read = report_from_output(&text);
    let bare = read.is_ok() && IncidentReport::from_json(&text).is_ok();
    // It may be the `--json` output, which holds the replacements' secrets.
    zeroize::Zeroize::zeroize(&mut text);
    read.map(|report| (report, bare)).map_err(|e| {
        let hint = match e {
            ReportReadError::Markdown => format!(
                "{NEEDED}. With the Markdown report only, create the missing replacements by hand (`narrative-keys create --name N --grant P ...`, using the permissions it lists)"
            ),
            _ => NEEDED.to_owned(),
        };
        CliError::usage(format!("--resume {shown}: {e}")).hint(hint)
    })
}

/// Reads a report saved with `--report FILE.json`, or this command's own
/// `--json` output, `{"report", "secrets"}`: the envelope is the CLI's, so it
/// is unwrapped here and the SDK reads only the report. The secrets are
/// skipped without being kept.
pub(super) fn report_from_output(text: &str) -> Result<IncidentReport, ReportReadError> {
    #[derive(serde::Deserialize)]
    struct Shape {
        report: Option<serde::de::IgnoredAny>,
        revoked: Option<serde::de::IgnoredAny>,
    }
    #[derive(serde::Deserialize)]
    struct Envelope {
        report: serde_json::Value,
    }
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let wrapped = matches!(
        serde_json::from_str::<Shape>(body),
        Ok(Shape {
            report: Some(_),
            revoked: None
        })
    );
    let Some(Ok(envelope)) = wrapped.then(|| serde_json::from_str::<Envelope>(body)) else {
        return IncidentReport::from_json(text);
    };
    IncidentReport::from_json(&envelope.report.to_string()).map_err(|e| match e {
        ReportReadError::NotAReport { path, message } => ReportReadError::NotAReport {
            path: match path.as_str() {
                "" => "report".to_owned(),
                p if p.starts_with('[') => format!("report{p}"),
                p => format!("report.{p}"),
            },
            message,
        },
        other => other,
    })
}
