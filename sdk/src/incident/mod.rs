//! Incident response: revoke every affected key at once, create replacements,
//! and write the report for Narrative security; resume an incident that was
//! cut off before every replacement was made.

use chrono::Utc;

use crate::client::Client;
use crate::create::deliver_or_revoke;
use crate::deliver::{DeliveryError, SecretSink};
use crate::expiration::Expiration;
use crate::journal::Journal;
use crate::key::{CreatedKey, NewKey};
use crate::permission::Permission;
use crate::revoke::{RevokeManyOptions, RevokeResult, revoke_many_observed};
use crate::rotate::successor;

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
    ReportedKey, SentReplacement, ShownReplacement,
};
#[cfg(not(target_arch = "wasm32"))]
pub use resume::resume_delivering;
pub use resume::{ResumeOptions, resume};
pub use selection::Selection;

/// One run of an incident (its execution or a resume): where secrets and
/// the journal go, and whether it must stop before its next step. Every
/// step changes the report and records it in the journal at once.
struct Run<'a, S: ?Sized, J: ?Sized> {
    client: &'a Client,
    sink: &'a mut S,
    journal: &'a mut J,
    /// The replacements' secrets, by the id of the key each replaces.
    secrets: Vec<(String, CreatedKey)>,
    /// Why a delivery failed: no further replacement is made.
    halted: Option<String>,
    /// The journal's last write failed: no further step is taken.
    journal_error: Option<DeliveryError>,
}

impl<'a, S, J> Run<'a, S, J>
where
    S: SecretSink + ?Sized,
    J: Journal<IncidentReport> + ?Sized,
{
    fn new(client: &'a Client, sink: &'a mut S, journal: &'a mut J) -> Self {
        Self {
            client,
            sink,
            journal,
            secrets: Vec::new(),
            halted: None,
            journal_error: None,
        }
    }

    /// Writes the report to the journal; a failure stops the run.
    fn record(&mut self, report: &IncidentReport) {
        if self.journal_error.is_none()
            && let Err(e) = self.journal.record(report)
        {
            tracing::warn!(target = %e.target, "the incident's journal could not be written; stopping");
            self.journal_error = Some(e);
        }
    }

    /// Whether to stop before the next step: an interrupt was requested, or
    /// the journal cannot be written.
    fn must_stop(&self) -> bool {
        self.journal_error.is_some() || self.client.interrupt().is_requested()
    }

    /// The outcome: the report, the secrets, and why the run stopped early.
    fn finish(self, mut report: IncidentReport) -> IncidentOutcome {
        report.finished_at = Utc::now();
        let interrupted = self.client.interrupt().is_requested() && report.unfinished();
        let mut run = self;
        // The last write is tried even after one failed (a full disk may
        // have room again): a stale journal could make a resume take a
        // delivered replacement for one whose secret was lost.
        if let Err(e) = run.journal.record(&report) {
            run.journal_error.get_or_insert(e);
        }
        IncidentOutcome {
            report,
            replacements: run.secrets,
            interrupted,
            journal_error: run.journal_error,
        }
    }

    /// Revokes `report.to_revoke`, keys that can manage keys last (the
    /// caller's own key may be among them, and once it is revoked nothing
    /// else can be), moving each key to `revoked` or recording its failure
    /// as its answer comes.
    async fn revoke(&mut self, report: &mut IncidentReport, options: RevokeManyOptions) {
        let manages_keys =
            |k: &ReportedKey| k.permissions.contains(&Permission::write("access_tokens"));
        for admins in [false, true] {
            if self.must_stop() {
                return;
            }
            let ids: Vec<String> = report
                .to_revoke
                .iter()
                .filter(|k| manages_keys(k) == admins)
                .map(|k| k.id.clone())
                .collect();
            if ids.is_empty() {
                continue;
            }
            let journal = &mut *self.journal;
            let journal_error = &mut self.journal_error;
            revoke_many_observed(self.client, &ids, &options, &mut |outcome| {
                report
                    .failures
                    .retain(|f| !(f.id == outcome.id && f.step == IncidentStep::Revoke));
                match &outcome.result {
                    RevokeResult::Failed(e) => {
                        let name = report
                            .to_revoke
                            .iter()
                            .find(|k| k.id == outcome.id)
                            .map(|k| k.name.clone())
                            .unwrap_or_default();
                        report.failures.push(Failure {
                            id: outcome.id.clone(),
                            name,
                            step: IncidentStep::Revoke,
                            error: e.to_string(),
                        });
                    }
                    RevokeResult::Revoked | RevokeResult::AlreadyGone => {
                        if let Some(at) = report.to_revoke.iter().position(|k| k.id == outcome.id) {
                            report.revoked.push(report.to_revoke.remove(at));
                        }
                    }
                }
                match journal.record(report) {
                    Ok(()) => true,
                    Err(e) => {
                        *journal_error = Some(e);
                        false
                    }
                }
            })
            .await;
        }
    }

    /// Creates the replacement of revoked key `old`, expiring at
    /// `expiration`, delivers its secret, and records it or its failure. The
    /// create is recorded in `undelivered` before it is sent and stays there
    /// until its secret is delivered or its key revoked again, so a run cut
    /// off at any point leaves no key that the report does not lead a
    /// resume to. Once a delivery has failed (`halted`), no further
    /// replacement is made: each is recorded as a `replace` failure.
    // long: each step of one replacement, each recorded in the journal as it happens
    async fn replace(
        &mut self,
        report: &mut IncidentReport,
        old: &ReportedKey,
        expiration: Expiration,
    ) {
        let fail = |report: &mut IncidentReport, error: String| {
            report.failures.push(Failure {
                id: old.id.clone(),
                name: old.name.clone(),
                step: IncidentStep::Replace,
                error,
            });
        };
        if let Some(why) = &self.halted {
            fail(
                report,
                format!(
                    "not attempted: an earlier replacement's secret could not be delivered ({why}); fix that and resume"
                ),
            );
            self.record(report);
            return;
        }
        let new = match successor(&old.permissions, &old.name, Some(expiration), Utc::now()) {
            Ok(new) => new,
            Err(e) => {
                fail(report, e.to_string());
                self.record(report);
                return;
            }
        };
        report.undelivered.push(SentReplacement::of(&old.id, &new));
        let at = report.undelivered.len() - 1;
        self.record(report);
        if self.journal_error.is_some() {
            // Not recorded, so not sent.
            report.undelivered.pop();
            return;
        }
        let created = match self.client.create_key(&new).await {
            Ok(created) => created,
            Err(e) => {
                let maybe_made = crate::client::outcome_unknown(&e);
                if !maybe_made {
                    report.undelivered.remove(at);
                }
                let error = if maybe_made {
                    format!(
                        "{e}; the key may have been made all the same: a resume revokes it and makes a new one"
                    )
                } else {
                    e.to_string()
                };
                fail(report, error);
                self.record(report);
                return;
            }
        };
        report.undelivered[at].created = Some(created.key.id.clone());
        self.record(report);
        match deliver_or_revoke(self.client, created, Some(&old.id), self.sink).await {
            Ok(created) => {
                report.undelivered.remove(at);
                report.replacements.push(Replacement {
                    replaces: old.id.clone(),
                    key: ReportedKey::from(&created.key),
                });
                self.secrets.push((old.id.clone(), created));
            }
            Err(undelivered) => {
                self.halted = Some(undelivered.error.to_string());
                if undelivered.revoked_again.is_ok() {
                    report.undelivered.remove(at);
                }
                fail(report, undelivered.to_string());
            }
        }
        self.record(report);
    }
}

impl SentReplacement {
    /// The create of `new`, replacing `replaces`, before it is sent.
    fn of(replaces: &str, new: &NewKey) -> Self {
        Self {
            replaces: replaces.to_owned(),
            name: new.name().to_owned(),
            permissions: new.permissions().clone(),
            expires_at: new.expiration().instant(),
            created: None,
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
            to_revoke: vec![],
            undelivered: vec![],
            creates_recorded: true,
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
