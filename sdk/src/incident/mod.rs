//! Incident response: revoke every affected key at once, create replacements,
//! and write the report for Narrative security; resume an incident that was
//! cut off before every replacement was made.

use chrono::Utc;

use crate::client::Client;
use crate::deliver::{SecretSink, deliver_or_revoke};
use crate::expiration::Expiration;
use crate::key::CreatedKey;
use crate::rotate::create_like;

mod execute;
mod markdown;
mod plan;
mod report;
mod resume;
mod selection;

#[cfg(not(target_arch = "wasm32"))]
pub use execute::execute_delivering;
pub use execute::{IncidentOptions, execute};
pub use plan::{IncidentPlan, PlannedKey, plan};
pub use report::{
    Failure, IncidentOutcome, IncidentReport, IncidentStep, Replacement, ReportReadError,
    ReportedKey, ShownReplacement,
};
#[cfg(not(target_arch = "wasm32"))]
pub use resume::resume_delivering;
pub use resume::{ResumeOptions, resume};
pub use selection::Selection;

impl IncidentReport {
    /// Creates the replacement of revoked key `old`, expiring at
    /// `expiration`, delivers its secret to `sink`, and records it or its
    /// failure. The new key's secret goes to `secrets`, never into the
    /// report. Once a delivery has failed (`halted`), no further replacement
    /// is made: each is recorded as a `replace` failure for a resume.
    async fn replace<S: SecretSink + ?Sized>(
        &mut self,
        client: &Client,
        old: &ReportedKey,
        expiration: Expiration,
        secrets: &mut Vec<(String, CreatedKey)>,
        sink: &mut S,
        halted: &mut Option<String>,
    ) {
        if let Some(why) = halted {
            self.failures.push(Failure {
                id: old.id.clone(),
                name: old.name.clone(),
                step: IncidentStep::Replace,
                error: format!(
                    "not attempted: an earlier replacement's secret could not be delivered ({why}); fix that and resume"
                ),
            });
            return;
        }
        let created = create_like(
            client,
            &old.permissions,
            &old.name,
            Some(expiration),
            Utc::now(),
        )
        .await;
        let delivered = match created {
            Ok(created) => deliver_or_revoke(client, created, Some(&old.id), sink)
                .await
                .map_err(|undelivered| {
                    *halted = Some(undelivered.error.to_string());
                    undelivered.to_string()
                }),
            Err(e) => Err(e.to_string()),
        };
        match delivered {
            Ok(created) => {
                self.replacements.push(Replacement {
                    replaces: old.id.clone(),
                    key: ReportedKey::from(&created.key),
                });
                secrets.push((old.id.clone(), created));
            }
            Err(e) => self.failures.push(Failure {
                id: old.id.clone(),
                name: old.name.clone(),
                step: IncidentStep::Replace,
                error: e.to_string(),
            }),
        }
    }
}

/// Where incidents are reported: the address in Narrative's published
/// security policy, and step 3 of the documentation's response to a leak.
pub const SECURITY_CONTACT: &str = "security@narrative.io";

#[cfg(test)]
mod tests {
    use super::*;

    use chrono::{DateTime, Duration};

    use crate::key::ApiKey;
    use crate::permission::PermissionSet;

    pub(super) fn now() -> DateTime<Utc> {
        "2026-11-26T10:00:00Z".parse().unwrap()
    }

    pub(super) fn key(id: &str, name: &str, perms: &str) -> ApiKey {
        ApiKey {
            id: id.into(),
            name: name.into(),
            permissions: PermissionSet::parse_compact(perms).unwrap(),
            expires_at: None,
        }
    }

    #[test]
    fn selection_by_ids_and_filters() {
        let keys = [
            key("1", "ci-deploy", "read:datasets"),
            key("2", "CI-nightly", "read:datasets write:datasets"),
            key("3", "laptop", "write:datasets"),
        ];
        let by_glob = Selection {
            name_matches: Some("ci-*".into()),
            ..Default::default()
        };
        let ids = |p: IncidentPlan| p.keys.iter().map(|k| k.key.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(plan(&keys, &by_glob, false, now()).unwrap()),
            ["1", "2"]
        );
        let holding = Selection {
            holding: vec!["write:datasets".parse().unwrap()],
            ids: vec!["1".into(), "gone".into()],
            ..Default::default()
        };
        let p = plan(&keys, &holding, true, now()).unwrap();
        assert_eq!(p.missing_ids, ["gone"]);
        assert_eq!(ids(p), ["1", "2", "3"]);
        assert!(plan(&keys, &Selection::default(), false, now()).is_err());
    }

    fn reported(id: &str, name: &str, perms: &str) -> ReportedKey {
        ReportedKey::from(&key(id, name, perms))
    }

    #[test]
    fn expired_keys_are_revoked_but_replaced_only_when_asked() {
        let mut stale = key("2", "stale", "read:views");
        stale.expires_at = Some(now() - Duration::days(3));
        let keys = [key("1", "ci", "read:datasets"), stale];
        let by_ids = Selection {
            ids: vec!["1".into(), "2".into()],
            ..Selection::default()
        };
        let mut p = plan(&keys, &by_ids, true, now()).unwrap();
        assert_eq!(p.keys.len(), 2, "both are revoked");
        assert_eq!(p.expired, ["2"]);
        assert!(p.replaces("1") && !p.replaces("2"));
        assert_eq!(p.expired_not_replaced().len(), 1);
        assert!(
            p.summary().contains("then 1 replaced with new keys holding the same permissions (1 already expired: not replaced)"),
            "{}",
            p.summary()
        );
        let md = p.to_markdown();
        assert!(
            md.starts_with("# Incident plan\n") && !md.contains("dry run"),
            "{md}"
        );
        assert!(md.contains("Already expired, so revoked but not replaced (include expired keys to replace them too): stale (2)"), "{md}");
        assert!(
            p.to_markdown_dry_run()
                .starts_with("# Incident plan (dry run)\n")
        );

        p.replace_expired = true;
        assert!(p.replaces("2") && p.expired_not_replaced().is_empty());
        assert!(
            p.to_markdown()
                .contains("Already expired, and replaced all the same as asked: stale (2)")
        );
        // Without replacement there is nothing to say about it.
        let p = plan(&keys, &by_ids, false, now()).unwrap();
        assert!(!p.replaces("1") && p.expired_not_replaced().is_empty() && p.notes().is_empty());
    }

    #[test]
    fn a_resume_does_not_replace_an_expired_key_left_out_on_purpose() {
        let mut report = cut_off_report();
        let pending: Vec<String> = report.unreplaced().iter().map(|k| k.id.clone()).collect();
        assert!(!pending.is_empty());
        report.expired_not_replaced = vec![pending[0].clone()];
        assert!(report.unreplaced().iter().all(|k| k.id != pending[0]));
        assert_eq!(report.unreplaced().len(), pending.len() - 1);
        let json = serde_json::to_string(&report).unwrap();
        assert_eq!(
            IncidentReport::from_json(&json).unwrap(),
            report,
            "it reads back"
        );
        assert!(
            report
                .to_markdown()
                .contains("Already expired before the incident, so revoked but not replaced")
        );
    }

    pub(super) fn cut_off_report() -> IncidentReport {
        IncidentReport {
            environment: "prod".into(),
            started_at: now(),
            finished_at: now(),
            note: None,
            revoked: vec![
                reported("1", "ci", "read:datasets"),
                reported("2", "ci", "read:datasets"),
                reported("3", "future", "admin:datasets read:uploads_v2"),
            ],
            replacements: vec![Replacement {
                replaces: "1".into(),
                key: reported("r1", "ci", "read:datasets"),
            }],
            already_present: vec![],
            failures: vec![
                Failure {
                    id: "2".into(),
                    name: "ci".into(),
                    step: IncidentStep::Replace,
                    error: "could not connect".into(),
                },
                Failure {
                    id: "4".into(),
                    name: "stuck".into(),
                    step: IncidentStep::Revoke,
                    error: "server error".into(),
                },
            ],
            missing_ids: vec![],
            replacement_expiration: Some(Expiration::in_days(90, now())),
            resumed_at: vec![],
            look_alikes: vec![],
            expired_not_replaced: vec![],
        }
    }

    #[test]
    fn a_report_reads_back_from_its_json_unknown_permissions_included() {
        let report = cut_off_report();
        let json = serde_json::to_string_pretty(&report).unwrap();
        assert!(json.contains("\"step\": \"replace\""), "{json}");
        assert!(json.contains("\"access\": \"admin\""), "{json}");
        assert!(json.contains("\"resource\": \"uploads_v2\""), "{json}");
        assert!(
            json.contains("\"replacement_expiration\": \"2027-02-24T10:00:00Z\""),
            "{json}"
        );
        let back = IncidentReport::from_json(&json).unwrap();
        assert_eq!(back, report);
        assert_eq!(serde_json::to_string_pretty(&back).unwrap(), json);
        let ids: Vec<&str> = back.unreplaced().iter().map(|k| k.id.as_str()).collect();
        assert_eq!(
            ids,
            ["2", "3"],
            "a replace failure, and a key with no entry"
        );
    }

    #[test]
    fn a_report_from_before_resume_existed_still_reads() {
        let json = r#"{"environment":"prod","started_at":"2026-11-26T10:00:00Z",
            "finished_at":"2026-11-26T10:00:05Z","revoked":[{"id":"1","name":"a",
            "permissions":[{"access":"read","resource":"jobs"}],"expires_at":null}],
            "replacements":[],"failures":[{"id":"1","name":"a","step":"replace",
            "error":"x"}],"missing_ids":[]}"#;
        let report = IncidentReport::from_json(json).unwrap();
        assert!(report.already_present.is_empty() && report.resumed_at.is_empty());
        assert_eq!(report.replacement_expiration, None);
        assert_eq!(report.unreplaced().len(), 1);
        // Without replacement asked for, nothing is pending.
        let no_replace = json.replace("\"step\":\"replace\"", "\"step\":\"revoke\"");
        assert!(
            IncidentReport::from_json(&no_replace)
                .unwrap()
                .unreplaced()
                .is_empty()
        );
    }

    #[test]
    fn bad_files_are_named() {
        // The CLI's `--json` envelope is read (and tested) in the CLI.
        let report = cut_off_report();
        let output = serde_json::to_string(&report).unwrap();
        assert_eq!(IncidentReport::from_json(&output).unwrap(), report);

        assert_eq!(
            IncidentReport::from_json(&report.to_markdown()),
            Err(ReportReadError::Markdown)
        );
        assert!(matches!(
            IncidentReport::from_json("{\"revoked\": ["),
            Err(ReportReadError::NotJson { line: 1, .. })
        ));
        // A value that does not fit is not repeated: it may be a secret.
        let bad_step = output.replace("\"replace\"", "\"TOP-SECRET-VALUE\"");
        let err = IncidentReport::from_json(&bad_step).unwrap_err();
        assert!(
            matches!(&err, ReportReadError::NotAReport { path, message }
                if path == "failures[0].step" && message.starts_with("unknown variant `…`, expected `revoke`")),
            "{err:?}"
        );
        let bad_name = output.replace("\"name\":\"ci\"", "\"name\":[\"TOP-SECRET-VALUE\"]");
        let mut errors = vec![err, IncidentReport::from_json(&bad_name).unwrap_err()];
        errors.push(IncidentReport::from_json(r#"{"secret": "TOP-SECRET-VALUE"}"#).unwrap_err());
        assert!(
            errors[2].to_string().contains("missing field"),
            "{}",
            errors[2]
        );
        errors.push(IncidentReport::from_json("\"TOP-SECRET-VALUE\"").unwrap_err());
        errors.push(IncidentReport::from_json(r#"{"revoked": "TOP-SECRET-VALUE"}"#).unwrap_err());
        for e in errors {
            assert!(!e.to_string().contains("TOP-SECRET"), "{e}");
        }
    }

    #[test]
    fn markdown_escapes_table_breakers() {
        let keys = [key("1", "a|b\nc", "read:datasets")];
        let sel = Selection {
            ids: vec!["1".into()],
            ..Default::default()
        };
        let md = plan(&keys, &sel, false, now()).unwrap().to_markdown();
        assert!(md.contains("| a\\|b c |"), "{md}");
    }
}
