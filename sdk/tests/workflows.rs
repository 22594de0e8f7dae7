//! The key-safety workflows against a real emulator, faults included.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use chrono::{Duration as Days, Utc};
use common::*;
use narrative_keys::incident::{
    self, Failure, IncidentOptions, IncidentReport, IncidentStep, ReportedKey, ResumeOptions,
    Selection, SentReplacement,
};
use narrative_keys::revoke::{RevokeManyOptions, RevokeResult, revoke_many};
use narrative_keys::rotate::{
    OldKeyOutcome, OldKeyPolicy, OldKeyStops, RotateOptions, clone_key, create_successor,
    retire_old_key, rotate,
};
use narrative_keys::{Error, Expiration, NewKey, PermissionSet, Preset, Span};
use narrative_keys_emulator::{BOOTSTRAP_KEY_NAME, Db, FaultConfig, FaultKind, RunningEmulator};

/// A key expiring in 20 days.
fn seed(emu: &RunningEmulator, name: &str, perms: &[(&str, &str)]) -> String {
    seed_days(emu, name, perms, Some(20))
}

fn deletes_fail(kind: FaultKind, rate: f64) -> FaultConfig {
    FaultConfig {
        rate,
        kinds: vec![kind],
        methods: vec!["DELETE".into()],
        retry_after_secs: 0,
        seed: Some(5),
        ..FaultConfig::default()
    }
}

#[tokio::test]
async fn rotation_creates_first_then_revokes() {
    let emu = emulator().await;
    let client = admin(&emu);
    let old = seed(&emu, "etl", &[("write", "datasets"), ("revise", "uploads")]);
    let rotation = rotate(&client, &old, &RotateOptions::default())
        .await
        .unwrap();
    assert!(matches!(rotation.old_key, OldKeyOutcome::Revoked));
    assert!(rotation.is_complete());
    assert_eq!(rotation.new.key.name, "etl");
    assert_eq!(
        rotation.new.key.permissions, rotation.old.permissions,
        "unknown levels carried over"
    );
    let lifetime = rotation.new.key.expires_at.unwrap() - Utc::now();
    assert!((89..=90).contains(&lifetime.num_days()), "{lifetime}");
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_none());
    assert!(
        emu.store()
            .secret_present(rotation.new.secret.expose())
            .unwrap()
    );
}

#[tokio::test]
async fn rotation_in_two_steps_leaves_the_old_key_until_it_is_retired() {
    let emu = emulator().await;
    let client = admin(&emu);
    let old = seed(&emu, "etl", &[("write", "datasets")]);
    let options = RotateOptions::default();
    let successor = create_successor(&client, &old, &options, Utc::now())
        .await
        .unwrap();
    // Between the steps both keys work: the caller is storing the secret.
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_some());
    assert!(
        emu.store()
            .secret_present(successor.new.secret.expose())
            .unwrap()
    );
    assert_eq!(successor.old.id, old);
    let outcome = retire_old_key(
        &client,
        &successor.old,
        &successor.new.key.id,
        options.old_key,
    )
    .await;
    assert!(matches!(outcome, OldKeyOutcome::Revoked), "{outcome:?}");
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_none());
}

#[tokio::test]
async fn rotation_keeps_the_old_key_when_asked() {
    let emu = emulator().await;
    let old = seed(&emu, "ci", &[("read", "jobs")]);
    let options = RotateOptions {
        old_key: OldKeyPolicy::Keep,
        expiration: Some(Expiration::in_days(7, Utc::now())),
        ..RotateOptions::default()
    };
    let rotation = rotate(&admin(&emu), &old, &options).await.unwrap();
    assert!(matches!(rotation.old_key, OldKeyOutcome::Kept));
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_some());
    assert_eq!(
        (rotation.new.key.expires_at.unwrap() - Utc::now()).num_days(),
        6
    );
}

fn overlap(span: &str) -> RotateOptions {
    RotateOptions {
        old_key: OldKeyPolicy::ExpireAfter(Span::parse(span).unwrap()),
        ..RotateOptions::default()
    }
}

#[tokio::test]
async fn an_overlap_lets_the_old_key_work_until_it_expires() {
    let emu = emulator().await;
    let (old_id, old_secret) = emu
        .store()
        .insert_key(
            "etl",
            &[("write", "datasets"), ("revise", "uploads")],
            Some(Utc::now() + Days::days(20)),
        )
        .unwrap();
    let before = Utc::now();
    let rotation = rotate(&admin(&emu), &old_id.to_string(), &overlap("24h"))
        .await
        .unwrap();
    let after = Utc::now();
    let OldKeyOutcome::Expires {
        at,
        changed: true,
        ref name,
    } = rotation.old_key
    else {
        panic!("expected a new expiration, got {:?}", rotation.old_key)
    };
    assert_eq!(rotation.old_key_stops(), Some(OldKeyStops::At(at)));
    assert!(rotation.is_complete());
    let day = Days::hours(24);
    assert!(
        at >= before + day - Days::seconds(1) && at <= after + day,
        "{at}"
    );
    // Both keys work; the old one now expires at the end of the overlap,
    // its permissions (an unknown level included) untouched.
    let stored = emu.store().get(old_id).unwrap().unwrap();
    assert_eq!(stored.expires_at, Some(at));
    // Renamed in the same update, leaving its name to the successor.
    assert_eq!(&stored.name, name);
    assert_eq!(*name, narrative_keys::retiring::retiring_name("etl", at));
    assert_eq!(rotation.new.key.name, "etl");
    assert_eq!(stored.permissions.len(), 2);
    assert!(stored.has("revise", "uploads") && stored.has("write", "datasets"));
    assert_eq!(rotation.new.key.permissions, rotation.old.permissions);
    assert!(client_for(&emu, &old_secret).whoami().await.is_ok());
    assert!(
        client_for(&emu, rotation.new.secret.expose())
            .whoami()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn an_overlap_never_extends_the_old_key() {
    let emu = emulator().await;
    let own = Utc::now() + Days::days(3);
    let (old_id, _) = emu
        .store()
        .insert_key("svc", &[("read", "jobs")], Some(own))
        .unwrap();
    let rotation = rotate(&admin(&emu), &old_id.to_string(), &overlap("1w"))
        .await
        .unwrap();
    let stored = emu.store().get(old_id).unwrap().unwrap().expires_at;
    let OldKeyOutcome::Expires {
        at, changed: false, ..
    } = rotation.old_key
    else {
        panic!(
            "expected its own expiration kept, got {:?}",
            rotation.old_key
        )
    };
    assert_eq!(Some(at), stored);
    assert_eq!(Some(at), rotation.old.expires_at);
    assert!((at - own).num_seconds().abs() <= 1, "{at} vs {own}");

    // A key that never expires gets an end.
    let (forever, _) = emu
        .store()
        .insert_key("forever", &[("read", "jobs")], None)
        .unwrap();
    let rotation = rotate(&admin(&emu), &forever.to_string(), &overlap("2d"))
        .await
        .unwrap();
    let Some(OldKeyStops::At(at)) = rotation.old_key_stops() else {
        panic!("expected an end, got {:?}", rotation.old_key)
    };
    assert_eq!((at - Utc::now()).num_hours(), 47);
    assert_eq!(
        emu.store().get(forever).unwrap().unwrap().expires_at,
        Some(at)
    );
}

#[tokio::test]
async fn a_failed_overlap_update_still_delivers_and_leaves_the_old_key_working() {
    let faults = FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::InternalError],
        methods: vec!["PUT".into()],
        retry_after_secs: 0,
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let own = Some(Utc::now() + Days::days(20));
    let (old_id, old_secret) = emu
        .store()
        .insert_key("svc", &[("read", "jobs")], own)
        .unwrap();
    let rotation = rotate(&admin(&emu), &old_id.to_string(), &overlap("24h"))
        .await
        .unwrap();
    let OldKeyOutcome::ExpireFailed {
        error,
        wanted,
        name,
    } = &rotation.old_key
    else {
        panic!("expected a failed update, got {:?}", rotation.old_key)
    };
    assert_eq!(
        *name,
        narrative_keys::retiring::retiring_name("svc", *wanted)
    );
    assert_eq!(error.status(), Some(500));
    assert_eq!((*wanted - Utc::now()).num_hours(), 23);
    assert!(!rotation.is_complete());
    assert_eq!(rotation.old_key_stops(), None, "it still works");
    let stored = emu.store().get(old_id).unwrap().unwrap();
    assert_eq!(stored.expires_at, rotation.old.expires_at);
    assert_eq!(stored.name, "svc", "neither field changed");
    assert!(emu.store().secret_present(&old_secret).unwrap());
    assert!(
        emu.store()
            .secret_present(rotation.new.secret.expose())
            .unwrap()
    );
}

#[tokio::test]
async fn after_an_overlap_the_name_names_the_successor() {
    let emu = emulator().await;
    let client = admin(&emu);
    let (old_id, _) = emu
        .store()
        .insert_key(
            "etl",
            &[("read", "jobs")],
            Some(Utc::now() + Days::days(20)),
        )
        .unwrap();
    let first = rotate(&client, &old_id.to_string(), &overlap("24h"))
        .await
        .unwrap();
    let keys = client.list_keys().await.unwrap();
    let named = narrative_keys::KeyRef::parse("etl").resolve(&keys).unwrap();
    assert_eq!(named, first.new.key.id);
    let old = keys.iter().find(|k| k.id == old_id.to_string()).unwrap();
    let Some(OldKeyStops::At(stops)) = first.old_key_stops() else {
        panic!("{:?}", first.old_key)
    };
    assert_eq!(old.retiring(), Some(stops));
    assert!(old.name.starts_with("etl (retiring "), "{}", old.name);
    assert_eq!(first.new.key.retiring(), None);

    // The successor rotated in its turn: its own successor is "etl" again,
    // and it is marked once.
    let second = rotate(&client, &first.new.key.id, &overlap("2d"))
        .await
        .unwrap();
    assert_eq!(second.new.key.name, "etl");
    let OldKeyOutcome::Expires { ref name, .. } = second.old_key else {
        panic!("{:?}", second.old_key)
    };
    assert_eq!(name.matches("(retiring").count(), 1, "{name}");

    // The retiring key rotated again: no second mark, on either key, and its
    // own (sooner) expiration stays.
    let third = rotate(&client, &old_id.to_string(), &overlap("1w"))
        .await
        .unwrap();
    assert_eq!(third.new.key.name, "etl");
    let OldKeyOutcome::Expires {
        at,
        changed: false,
        ref name,
    } = third.old_key
    else {
        panic!("{:?}", third.old_key)
    };
    assert_eq!(at, stops);
    assert_eq!(*name, old.name, "marked once, at the same instant");
    let stored = emu.store().get(old_id).unwrap().unwrap();
    assert_eq!(
        (stored.name.as_str(), stored.expires_at),
        (old.name.as_str(), Some(stops))
    );
}

#[tokio::test]
async fn a_long_name_is_cut_to_fit_when_it_retires() {
    let emu = emulator().await;
    let long = "n".repeat(narrative_keys::validation::MAX_NAME_CHARS);
    let (old_id, _) = emu
        .store()
        .insert_key(
            &long,
            &[("read", "jobs")],
            Some(Utc::now() + Days::days(20)),
        )
        .unwrap();
    let rotation = rotate(&admin(&emu), &old_id.to_string(), &overlap("24h"))
        .await
        .unwrap();
    assert!(rotation.is_complete(), "{:?}", rotation.old_key);
    assert_eq!(rotation.new.key.name, long, "the successor keeps it whole");
    let stored = emu.store().get(old_id).unwrap().unwrap();
    assert_eq!(
        stored.name.chars().count(),
        narrative_keys::validation::MAX_NAME_CHARS
    );
    assert!(stored.name.contains(" (retiring "), "{}", stored.name);
}

#[tokio::test]
async fn an_overlap_that_ends_at_once_is_refused_before_anything_is_sent() {
    let emu = emulator().await;
    let old = seed(&emu, "svc", &[("read", "jobs")]);
    let before = emu.store().list_keys().unwrap();
    let options = RotateOptions {
        old_key: OldKeyPolicy::ExpireAfter(Span::Hours(0)),
        ..RotateOptions::default()
    };
    let err = rotate(&admin(&emu), &old, &options).await.unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert!(
        err.to_string().contains("does not end in the future"),
        "{err}"
    );
    assert_eq!(emu.store().list_keys().unwrap(), before);
}

#[tokio::test]
async fn rotation_with_a_failing_revoke_keeps_both_secrets_reachable() {
    let emu = emulator_with(Db::Memory, deletes_fail(FaultKind::InternalError, 1.0)).await;
    let (old_id, old_secret) = emu
        .store()
        .insert_key(
            "svc",
            &[("read", "datasets")],
            Some(Utc::now() + Days::days(3)),
        )
        .unwrap();
    let rotation = rotate(&admin(&emu), &old_id.to_string(), &RotateOptions::default())
        .await
        .unwrap();
    let OldKeyOutcome::RevokeFailed(err) = &rotation.old_key else {
        panic!("expected a failed revoke, got {:?}", rotation.old_key)
    };
    assert_eq!(err.status(), Some(500));
    assert!(!rotation.is_complete());
    // Both keys work: the old one was not revoked, the new secret was handed back.
    assert!(emu.store().secret_present(&old_secret).unwrap());
    assert!(
        emu.store()
            .secret_present(rotation.new.secret.expose())
            .unwrap()
    );
    assert!(
        client_for(&emu, rotation.new.secret.expose())
            .whoami()
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_failed_create_leaves_the_old_key_untouched() {
    let faults = FaultConfig {
        rate: 1.0,
        kinds: vec![FaultKind::Unavailable],
        methods: vec!["POST".into()],
        ..FaultConfig::default()
    };
    let emu = emulator_with(Db::Memory, faults).await;
    let old = seed(&emu, "svc", &[("read", "datasets")]);
    let before = emu.store().list_keys().unwrap();
    let err = rotate(&admin(&emu), &old, &RotateOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(503));
    assert_eq!(emu.store().list_keys().unwrap(), before);
}

#[tokio::test]
async fn clone_copies_permissions_under_a_new_name() {
    let emu = emulator().await;
    let source = seed(
        &emu,
        "template",
        &[("read", "connections"), ("write", "destinations")],
    );
    let created = clone_key(&admin(&emu), &source, "copy", None)
        .await
        .unwrap();
    assert_eq!(created.key.name, "copy");
    assert_eq!(
        created.key.permissions.to_string(),
        "read:connections,write:destinations"
    );
    assert_eq!(emu.store().count().unwrap(), 3);
}

#[tokio::test]
async fn revoke_many_completes_through_injected_503s() {
    let emu = emulator_with(Db::Memory, deletes_fail(FaultKind::Unavailable, 0.4)).await;
    let ids: Vec<String> = (0..40)
        .map(|i| seed(&emu, &format!("k{i}"), &[("read", "datasets")]))
        .collect();
    let mut with_gone = ids.clone();
    with_gone.push("8d0c1bfe-5d1b-4d7c-9f0e-3c8f3f1c0a11".into());
    with_gone.push(ids[0].clone());
    // Concurrency makes which request draws which fault vary between runs;
    // enough retries that a key failing every attempt (0.4^13) cannot happen.
    let client = retrying_admin(&emu, 12);
    let options = RevokeManyOptions {
        concurrency: 8,
        deadline: std::time::Duration::ZERO,
    };
    let report = revoke_many(&client, &with_gone, &options).await;
    assert_eq!(report.outcomes.len(), 41, "duplicates removed, order kept");
    assert_eq!(report.outcomes[0].id, ids[0]);
    assert!(
        report.all_revoked(),
        "{:?}",
        report.failed().collect::<Vec<_>>()
    );
    assert!(matches!(
        report.outcomes[40].result,
        RevokeResult::AlreadyGone
    ));
    assert!(emu.fault_stats().unavailable > 0);
    assert_eq!(
        emu.store().count().unwrap(),
        1,
        "only the admin key is left"
    );
}

fn client_without_retries(emu: &RunningEmulator, secret: &str) -> narrative_keys::Client {
    retrying_client(emu, secret, 0)
}

/// With no retries of its own, every key that drew a 503 is left to the
/// further passes, which revoke it before the deadline.
#[tokio::test]
async fn revoke_many_makes_further_passes_over_failed_keys() {
    let emu = emulator_with(Db::Memory, deletes_fail(FaultKind::Unavailable, 0.5)).await;
    let ids: Vec<String> = (0..20)
        .map(|i| seed(&emu, &format!("k{i}"), &[("read", "datasets")]))
        .collect();
    let client = client_without_retries(&emu, ADMIN);
    let options = RevokeManyOptions {
        deadline: std::time::Duration::from_secs(30),
        ..RevokeManyOptions::default()
    };
    let report = revoke_many(&client, &ids, &options).await;
    assert!(
        report.all_revoked(),
        "{:?}",
        report.failed().collect::<Vec<_>>()
    );
    assert!(report.passes > 1, "some keys needed another pass");
    assert_eq!(emu.store().count().unwrap(), 1);
}

/// Keys still failing at the deadline keep their error; no pass starts
/// after it; a refusal (403) gets no further pass at all.
#[tokio::test]
async fn revoke_many_stops_at_the_deadline_and_never_repeats_a_refusal() {
    let emu = emulator_with(Db::Memory, deletes_fail(FaultKind::Unavailable, 1.0)).await;
    let ids: Vec<String> = (0..4)
        .map(|i| seed(&emu, &format!("k{i}"), &[("read", "datasets")]))
        .collect();
    let options = RevokeManyOptions {
        deadline: std::time::Duration::from_millis(500),
        ..RevokeManyOptions::default()
    };
    let started = std::time::Instant::now();
    let report = revoke_many(&client_without_retries(&emu, ADMIN), &ids, &options).await;
    let took = started.elapsed();
    assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    assert!(report.passes > 1);
    assert_eq!(report.failed().count(), 4);
    for o in &report.outcomes {
        assert!(
            matches!(&o.result, RevokeResult::Failed(e) if e.status() == Some(503)),
            "{o:?}"
        );
    }
    let tried = emu.fault_stats().unavailable;
    assert_eq!(
        tried,
        4 * u64::from(report.passes),
        "every pass tried every key"
    );

    // Faults come before authentication: a 403 needs a healthy emulator.
    let emu = emulator().await;
    let ids: Vec<String> = (0..4)
        .map(|i| seed(&emu, &format!("k{i}"), &[("read", "datasets")]))
        .collect();
    let (_, reader) = emu
        .store()
        .insert_key("reader", &[("read", "access_tokens")], None)
        .unwrap();
    let options = RevokeManyOptions::default(); // 60 s
    let started = std::time::Instant::now();
    let report = revoke_many(&client_without_retries(&emu, &reader), &ids, &options).await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(report.passes, 1, "a 403 is not tried again");
    assert!(
        report
            .outcomes
            .iter()
            .all(|o| matches!(&o.result, RevokeResult::Failed(Error::Forbidden(_))))
    );
    assert_eq!(emu.store().count().unwrap(), 6, "nothing revoked");
}

#[tokio::test]
async fn an_incident_with_failing_revocations_reports_exactly_which() {
    let emu = emulator_with(Db::Memory, deletes_fail(FaultKind::InternalError, 0.5)).await;
    // No retries and no further passes, so that some revocations fail.
    let client = client_builder(&emu, ADMIN)
        .retry(narrative_keys::RetryPolicy::none())
        .build()
        .unwrap();
    for i in 0..12 {
        seed(
            &emu,
            &format!("leaked-{i}"),
            &[("read", "datasets"), ("write", "datasets")],
        );
    }
    seed(&emu, "unrelated", &[("read", "datasets")]);
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        name_matches: Some("LEAKED-*".into()),
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    assert_eq!(plan.keys.len(), 12);
    assert!(plan.to_markdown().contains("12 key(s) will be revoked"));
    let options = IncidentOptions {
        revoke_deadline: std::time::Duration::ZERO,
        ..IncidentOptions::default()
    };
    let outcome = incident::execute(&client, &plan, &options).await;
    let report = &outcome.report;
    assert!(
        !report.failures.is_empty() && !report.revoked.is_empty(),
        "seeded to split"
    );
    assert_eq!(report.revoked.len() + report.failures.len(), 12);
    let planned: Vec<String> = plan.keys.iter().map(|p| p.key.id.clone()).collect();
    let remaining: Vec<String> = emu
        .store()
        .list_keys()
        .unwrap()
        .into_iter()
        .map(|k| k.id.to_string())
        .filter(|id| planned.contains(id))
        .collect();
    let mut failed: Vec<String> = report.failures.iter().map(|f| f.id.clone()).collect();
    failed.sort();
    let mut remaining_sorted = remaining.clone();
    remaining_sorted.sort();
    assert_eq!(
        failed, remaining_sorted,
        "the failures are exactly the keys still alive"
    );
    assert!(
        report
            .failures
            .iter()
            .all(|f| f.step == IncidentStep::Revoke)
    );
    // Replacements only for revoked keys, with the same permissions; secrets
    // go to the caller and never into the report.
    assert_eq!(report.replacements.len(), report.revoked.len());
    assert_eq!(outcome.replacements.len(), report.revoked.len());
    let json = serde_json::to_string(report).unwrap();
    let md = report.to_markdown();
    assert!(
        md.contains("## Report it to Narrative security") && md.contains("security@narrative.io"),
        "{md}"
    );
    for (_, created) in &outcome.replacements {
        assert_eq!(
            created.key.permissions.to_string(),
            "read:datasets,write:datasets"
        );
        assert!(!json.contains(created.secret.expose()) && !md.contains(created.secret.expose()));
    }
    assert!(md.contains("## Failures") && md.contains("still works"));
}

#[tokio::test]
async fn rerunning_an_incident_finishes_the_job_without_duplicates() {
    let emu = emulator().await;
    let client = admin(&emu);
    let ids: Vec<String> = (0..3)
        .map(|i| seed(&emu, &format!("svc-{i}"), &[("read", "jobs")]))
        .collect();
    let selection = Selection {
        ids: ids.clone(),
        ..Selection::default()
    };
    let run = || async {
        let keys = client.list_keys().await.unwrap();
        let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
        incident::execute(&client, &plan, &IncidentOptions::default()).await
    };
    let first = run().await;
    assert_eq!(first.report.revoked.len(), 3);
    let second = run().await;
    assert!(second.report.revoked.is_empty() && second.report.replacements.is_empty());
    assert_eq!(second.report.missing_ids.len(), 3);
    assert_eq!(
        emu.store().count().unwrap(),
        4,
        "admin + 3 replacements, none twice"
    );
}

#[tokio::test]
async fn a_key_needing_validation_fixes_is_not_rotated() {
    let emu = emulator().await;
    // A name longer than a new key may have (stored directly, as an older
    // policy might have allowed it).
    let old = seed(&emu, &"n".repeat(200), &[("read", "datasets")]);
    let err = rotate(&admin(&emu), &old, &RotateOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
    assert!(emu.store().get(old.parse().unwrap()).unwrap().is_some());
}

#[tokio::test]
async fn audit_and_explain_over_listed_keys() {
    let emu = emulator().await;
    let client = admin(&emu);
    client
        .create_key(
            &NewKey::builder("forever")
                .preset(Preset::WorkflowAutomation, &[])
                .expires(Expiration::Never)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let keys = client.list_keys().await.unwrap();
    let findings = narrative_keys::audit(&keys, &narrative_keys::AuditOptions::at(Utc::now()));
    assert!(
        findings
            .iter()
            .any(|f| f.key_name == "forever" && f.message.contains("never expires"))
    );
    let e = narrative_keys::explain(&PermissionSet::parse_compact("read:jobs").unwrap());
    assert!(
        e.to_text()
            .contains("Jobs: can read jobs and their status (read only).")
    );
}

/// Apps run workflows as spawned tasks, which needs their futures to be `Send`.
#[tokio::test]
async fn workflow_futures_can_be_spawned() {
    let emu = emulator().await;
    let client = admin(&emu);
    let ids = vec![seed(&emu, "a", &[("read", "jobs")])];
    let c = client.clone();
    let report =
        tokio::spawn(async move { revoke_many(&c, &ids, &RevokeManyOptions::default()).await })
            .await
            .unwrap();
    assert!(report.all_revoked());
    let id = seed(&emu, "b", &[("read", "jobs")]);
    let c = client.clone();
    let rotation = tokio::spawn(async move { rotate(&c, &id, &RotateOptions::default()).await })
        .await
        .unwrap()
        .unwrap();
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        ids: vec![rotation.new.key.id.clone()],
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    let c = client.clone();
    let outcome =
        tokio::spawn(
            async move { incident::execute(&c, &plan, &IncidentOptions::default()).await },
        )
        .await
        .unwrap();
    assert_eq!(outcome.report.revoked.len(), 1);
}

/// The emulator restarts in the middle of a bulk revoke; running the same
/// revocation again finishes the job, and nothing else is touched.
#[tokio::test]
async fn a_restart_mid_bulk_revoke_then_a_rerun_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (db, emu) = restartable_emulator(&dir).await;
    let ids: Vec<String> = (0..60)
        .map(|i| seed(&emu, &format!("bulk-{i}"), &[("read", "jobs")]))
        .collect();
    let bystander = seed(&emu, "bystander", &[("read", "jobs")]);
    let client = admin(&emu);
    let bulk = {
        let (client, ids) = (client.clone(), ids.clone());
        tokio::spawn(async move {
            // No further passes: the run ends cut off, for the rerun to finish.
            let options = RevokeManyOptions {
                concurrency: 4,
                deadline: std::time::Duration::ZERO,
            };
            revoke_many(&client, &ids, &options).await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(120)).await;
    let port = emu.addr();
    emu.shutdown().await;
    let first = bulk.await.unwrap();
    assert!(!first.all_revoked(), "the restart interrupted the run");
    assert!(first.revoked().count() > 0, "some were revoked before it");

    // Same store, same port: the rerun finds the keys still there.
    let emu = emulator_at(db, std::time::Duration::ZERO, port).await;
    let second = revoke_many(&client, &ids, &RevokeManyOptions::default()).await;
    assert!(
        second.all_revoked(),
        "{:?}",
        second.failed().collect::<Vec<_>>()
    );
    let left: Vec<String> = emu.store().key_names().unwrap();
    assert_eq!(left, [BOOTSTRAP_KEY_NAME, "bystander"], "{left:?}");
    assert!(
        emu.store()
            .get(bystander.parse().unwrap())
            .unwrap()
            .is_some()
    );
}

/// The emulator restarts in the middle of an incident with replacements;
/// running the incident again revokes what is left and replaces each key
/// exactly once overall.
#[tokio::test]
async fn a_restart_mid_incident_then_a_rerun_completes_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let (db, emu) = restartable_emulator(&dir).await;
    let port = emu.addr();
    let leaked: Vec<String> = (0..40)
        .map(|i| seed(&emu, &format!("leaked-{i}"), &[("read", "jobs")]))
        .collect();
    let client = admin(&emu);
    let selection = Selection {
        name_matches: Some("leaked-*".into()),
        ..Selection::default()
    };
    let run = |client: narrative_keys::Client, selection: Selection| async move {
        let keys = client.list_keys().await.unwrap();
        let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
        incident::execute(
            &client,
            &plan,
            &IncidentOptions {
                concurrency: 4,
                // No further passes over keys the restart cut off.
                revoke_deadline: std::time::Duration::ZERO,
                ..IncidentOptions::default()
            },
        )
        .await
    };
    let first = tokio::spawn(run(client.clone(), selection.clone()));
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    emu.shutdown().await;
    let first = first.await.unwrap();
    assert!(
        !first.report.failures.is_empty(),
        "the restart interrupted the run"
    );

    let emu = emulator_at(db, std::time::Duration::ZERO, port).await;
    // The replacements share the name pattern: select the leaked ids only.
    let second = run(
        client.clone(),
        Selection {
            ids: leaked.clone(),
            ..Selection::default()
        },
    )
    .await;
    assert!(
        second.report.failures.is_empty(),
        "{:?}",
        second.report.failures
    );
    let stored = emu.store().list_keys().unwrap();
    assert!(
        leaked
            .iter()
            .all(|id| stored.iter().all(|k| &k.id.to_string() != id)),
        "every leaked key is gone"
    );
    let mut replaced: Vec<String> = first
        .report
        .replacements
        .iter()
        .chain(&second.report.replacements)
        .map(|r| r.replaces.clone())
        .collect();
    let total = replaced.len();
    replaced.sort();
    replaced.dedup();
    assert_eq!(replaced.len(), total, "no key replaced twice");
    // Keys revoked in the first run but not replaced (the restart cut in
    // between) are reported there as replace failures, not lost silently.
    let replace_failures = first
        .report
        .failures
        .iter()
        .filter(|f| f.step == IncidentStep::Replace)
        .count();
    assert_eq!(
        total + replace_failures,
        40,
        "each leaked key replaced once, or its failure reported"
    );
    let replacements = stored
        .iter()
        .filter(|k| k.name.starts_with("leaked-"))
        .count();
    assert_eq!(replacements, total);
}

/// The emulator restarts while an incident is creating replacements, and one
/// replacement was made although its answer was lost. Resuming from the
/// report creates exactly the missing replacements; resuming again (from
/// the new report, or from the first one once more) creates nothing; each
/// revoked key ends with exactly one replacement.
#[tokio::test]
async fn a_restart_mid_replacement_then_resume_replaces_each_key_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let (db, emu) = restartable_emulator(&dir).await;
    let port = emu.addr();
    let mut leaked: Vec<String> = (0..24)
        .map(|i| seed(&emu, &format!("leaked-{i}"), &[("read", "jobs")]))
        .collect();
    // A permission from beyond the catalog: kept verbatim through the report.
    leaked.push(seed(
        &emu,
        "leaked-future",
        &[("admin", "datasets"), ("read", "uploads_v2")],
    ));
    let bystander = seed(&emu, "bystander", &[("read", "jobs")]);
    let client = admin(&emu);
    let environment = client.environment().name();
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        ids: leaked.clone(),
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    let options = IncidentOptions {
        concurrency: 4,
        environment: environment.clone(),
        ..IncidentOptions::default()
    };
    let first = {
        let client = client.clone();
        tokio::spawn(async move { incident::execute(&client, &plan, &options).await })
    };
    // Cut in once every key is revoked and a few replacements exist.
    let names = |emu: &RunningEmulator| -> Vec<String> { emu.store().key_names().unwrap() };
    loop {
        let stored = emu.store().list_keys().unwrap();
        let originals = stored
            .iter()
            .filter(|k| leaked.contains(&k.id.to_string()))
            .count();
        if originals == 0 && stored.len() >= 2 + 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    emu.shutdown().await;
    let first = first.await.unwrap();
    assert_eq!(first.report.revoked.len(), 25);
    assert!(
        first
            .report
            .failures
            .iter()
            .all(|f| f.step == IncidentStep::Replace),
        "{:?}",
        first.report.failures
    );
    assert!(
        first.report.failures.len() >= 2 && !first.report.replacements.is_empty(),
        "the restart cut the replacements short: {} made, {} failed",
        first.report.replacements.len(),
        first.report.failures.len()
    );
    assert_eq!(first.report.unreplaced().len(), first.report.failures.len());
    // The report is saved as JSON and read back, as the command line does.
    let saved = serde_json::to_string_pretty(&first.report).unwrap();
    let report = IncidentReport::from_json(&saved).unwrap();
    assert_eq!(report, first.report);

    let mut report = report;
    let emu = emulator_at(db, std::time::Duration::ZERO, port).await;
    // One replacement was created but its answer was lost: it exists with the
    // name, permissions and expiration the attempt sent, as the report
    // recorded before sending it.
    let lost = report
        .failures
        .iter()
        .find(|f| {
            f.name != "leaked-future" && !report.undelivered.iter().any(|s| s.replaces == f.id)
        })
        .unwrap()
        .clone();
    let asked = report.replacement_expiration.unwrap().instant();
    report.undelivered.push(SentReplacement {
        replaces: lost.id.clone(),
        name: lost.name.clone(),
        permissions: PermissionSet::parse_compact("read:jobs").unwrap(),
        expires_at: asked,
        created: None,
    });
    let (orphan, orphan_secret) = emu
        .store()
        .insert_key(&lost.name, &[("read", "jobs")], asked)
        .unwrap();
    // A key made before the incident with the same name and permissions is
    // not taken for a replacement.
    let pending_name = &report
        .failures
        .iter()
        .find(|f| f.id != lost.id && f.name != "leaked-future")
        .unwrap()
        .name;
    let older = emu
        .store()
        .insert_key(
            pending_name,
            &[("read", "jobs")],
            Some(Utc::now() + Days::days(10)),
        )
        .unwrap()
        .0;

    let resume_options = ResumeOptions {
        environment: environment.clone(),
        ..ResumeOptions::default()
    };
    let second = incident::resume(&client, &report, &resume_options)
        .await
        .unwrap();
    assert!(
        second.report.failures.is_empty(),
        "{:?}",
        second.report.failures
    );
    assert_eq!(
        second.replacements.len(),
        report.failures.len(),
        "every missing replacement is created now, the lost one's too"
    );
    assert!(
        emu.store().get(orphan).unwrap().is_none(),
        "the key whose secret was lost with the answer is revoked"
    );
    assert!(second.report.undelivered.is_empty() && second.report.already_present.is_empty());
    for (_, created) in &second.replacements {
        assert!(emu.store().secret_present(created.secret.expose()).unwrap());
        assert_ne!(created.key.id, older.to_string());
    }
    let future = second
        .replacements
        .iter()
        .chain(&first.replacements)
        .find(|(_, c)| c.key.name == "leaked-future")
        .map(|(_, c)| c.key.permissions.to_string());
    assert_eq!(future.as_deref(), Some("admin:datasets,read:uploads_v2"));
    assert_eq!(second.report.started_at, report.started_at);
    assert_eq!(second.report.resumed_at.len(), 1);
    assert!(second.report.unreplaced().is_empty());
    let json = serde_json::to_string(&second.report).unwrap();
    assert!(!json.contains(&orphan_secret));
    for (_, created) in &second.replacements {
        assert!(!json.contains(created.secret.expose()));
    }

    // Again, from the new report and from the first one: nothing is created.
    let resumed = IncidentReport::from_json(&json).unwrap();
    let third = incident::resume(&client, &resumed, &resume_options)
        .await
        .unwrap();
    assert!(third.replacements.is_empty() && third.report.failures.is_empty());
    assert_eq!(third.report.replacements, second.report.replacements);
    assert_eq!(third.report.resumed_at.len(), 2);
    // The first report is an older copy: it does not know the replacements
    // the resume made, so it makes none, and says why.
    let again = incident::resume(&client, &report, &resume_options)
        .await
        .unwrap();
    assert!(again.replacements.is_empty(), "nothing twice");
    assert_eq!(again.report.failures.len(), report.failures.len());
    assert!(
        again
            .report
            .failures
            .iter()
            .all(|f| f.error.contains("resume from the latest report")),
        "{:?}",
        again.report.failures
    );

    // Exactly one replacement per revoked key, plus the older look-alike, the
    // bystander and the admin key.
    let stored = names(&emu);
    for name in first.report.revoked.iter().map(|k| &k.name) {
        let expected = if name == pending_name { 2 } else { 1 };
        assert_eq!(
            stored.iter().filter(|n| *n == name).count(),
            expected,
            "{name}: {stored:?}"
        );
    }
    assert_eq!(stored.len(), 25 + 3);
    assert!(stored.contains(&"bystander".to_owned()));
    assert!(
        emu.store()
            .get(bystander.parse().unwrap())
            .unwrap()
            .is_some()
    );

    // Another environment's report is refused before anything is sent.
    let elsewhere = ResumeOptions {
        environment: "prod".into(),
        ..ResumeOptions::default()
    };
    let err = incident::resume(&client, &report, &elsewhere)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("resume with credentials for"),
        "{err}"
    );
}

/// A key named `etl` that may read jobs and expires in a year: it looks like
/// a replacement an incident made, to a resume.
fn long_lived_etl(emu: &RunningEmulator) -> String {
    seed_days(emu, "etl", &[("read", "jobs")], Some(365))
}

/// The resume created exactly one replacement, for `revoked`, and took no
/// existing key (`not_this` least of all) for one.
fn assert_one_new_replacement(resumed: &incident::IncidentOutcome, revoked: &str, not_this: &str) {
    assert!(resumed.report.already_present.is_empty());
    let [(replaces, created)] = resumed.replacements.as_slice() else {
        panic!("one replacement expected: {:?}", resumed.report);
    };
    assert_eq!(replaces, revoked);
    assert_ne!(created.key.id, not_this);
}

/// A key the incident left alone, with the name and permissions of a revoked
/// one and a long life (so it looks like a replacement), is never taken for
/// the lost replacement: the resume creates a new one.
#[tokio::test]
async fn a_resume_never_takes_a_key_from_before_the_incident_for_a_replacement() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::Path(dir.path().join("keys.db"));
    // Every creation fails, so the incident revokes and cannot replace.
    let creates_fail = FaultConfig {
        methods: vec!["POST".into()],
        ..deletes_fail(FaultKind::InternalError, 1.0)
    };
    let emu = emulator_with(db.clone(), creates_fail).await;
    let client = admin(&emu);
    let leaked = seed(&emu, "etl", &[("read", "jobs")]);
    let twin = long_lived_etl(&emu);
    let other = seed(&emu, "etl", &[("write", "jobs")]);
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        ids: vec![leaked.clone()],
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    assert_eq!(
        plan.look_alikes,
        std::slice::from_ref(&twin),
        "same name and permissions; not {other}, whose permissions differ"
    );
    assert!(
        plan.to_markdown()
            .contains(&format!("select them too if they leaked): {twin}")),
        "{}",
        plan.to_markdown()
    );
    let first = incident::execute(&client, &plan, &IncidentOptions::default()).await;
    assert_eq!(first.report.unreplaced().len(), 1, "{:?}", first.report);
    let report = IncidentReport::from_json(&serde_json::to_string(&first.report).unwrap()).unwrap();
    assert_eq!(report.look_alikes, std::slice::from_ref(&twin));
    emu.shutdown().await;

    let emu = emulator_with(db, FaultConfig::default()).await;
    let resumed = incident::resume(&admin(&emu), &report, &ResumeOptions::default())
        .await
        .unwrap();
    assert_one_new_replacement(&resumed, &leaked, &twin);
    assert!(
        emu.store().get(twin.parse().unwrap()).unwrap().is_some(),
        "the twin is kept"
    );
    let names = emu.store().key_names().unwrap();
    assert_eq!(names.iter().filter(|n| *n == "etl").count(), 3);
}

/// Two selected keys alike: one failed to revoke (still live, long-lived),
/// the other was revoked and its replacement's answer lost. The live one,
/// which may have leaked, is never taken for that replacement.
#[tokio::test]
async fn a_resume_never_takes_a_key_the_incident_failed_to_revoke_for_a_replacement() {
    let emu = emulator().await;
    let still_live = long_lived_etl(&emu);
    let revoked = "00000000-0000-4000-8000-000000000002".to_owned();
    let failure = |id: &str, step: IncidentStep| Failure {
        id: id.to_owned(),
        name: "etl".into(),
        step,
        error: "the server answered 503".into(),
    };
    let started = Utc::now();
    // As the incident saved it.
    let report = IncidentReport {
        environment: String::new(),
        started_at: started,
        finished_at: started,
        note: None,
        revoked: vec![ReportedKey {
            id: revoked.clone(),
            name: "etl".into(),
            permissions: PermissionSet::parse_compact("read:jobs").unwrap(),
            expires_at: None,
        }],
        replacements: vec![],
        already_present: vec![],
        // A report of the version before journals: nothing recorded to revoke or sent.
        to_revoke: vec![],
        undelivered: vec![],
        creates_recorded: false,
        failures: vec![
            failure(&still_live, IncidentStep::Revoke),
            failure(&revoked, IncidentStep::Replace),
        ],
        missing_ids: vec![],
        replacement_expiration: Some(Expiration::in_days(90, started)),
        resumed_at: vec![],
        look_alikes: vec![],
        expired_not_replaced: vec![],
    };
    let resumed = incident::resume(&admin(&emu), &report, &ResumeOptions::default())
        .await
        .unwrap();
    assert_one_new_replacement(&resumed, &revoked, &still_live);
    assert_eq!(
        resumed.report.failures,
        [failure(&still_live, IncidentStep::Revoke)],
        "the failed revocation is carried over"
    );
}

/// A sink that takes every secret, and asks the run to stop at the first:
/// a signal arriving while a replacement is being made.
struct StopAfterFirst(narrative_keys::Interrupt, usize);

impl narrative_keys::deliver::SecretSink for StopAfterFirst {
    fn check(&mut self) -> Result<(), narrative_keys::deliver::DeliveryError> {
        Ok(())
    }

    fn deliver(
        &mut self,
        _: &narrative_keys::deliver::NewSecret<'_>,
    ) -> Result<(), narrative_keys::deliver::DeliveryError> {
        self.1 += 1;
        self.0.request();
        Ok(())
    }
}

#[tokio::test]
async fn an_interrupt_stops_an_incident_between_replacements_and_a_resume_finishes_it() {
    let emu = emulator().await;
    for i in 0..4 {
        seed(&emu, &format!("term-{i}"), &[("read", "jobs")]);
    }
    let interrupt = narrative_keys::Interrupt::new();
    let client = client_builder(&emu, ADMIN)
        .retry(fast_retries())
        .interrupt(interrupt.clone())
        .build()
        .unwrap();
    let selection = Selection {
        name_matches: Some("term-*".into()),
        ..Selection::default()
    };
    let plan = incident::plan(
        &client.list_keys().await.unwrap(),
        &selection,
        true,
        Utc::now(),
    )
    .unwrap();
    let mut sink = StopAfterFirst(interrupt.clone(), 0);
    let outcome = incident::execute_delivering(
        &client,
        &plan,
        &IncidentOptions::default(),
        &mut sink,
        &mut narrative_keys::NoJournal,
    )
    .await
    .unwrap();
    assert!(outcome.interrupted && outcome.unfinished());
    assert_eq!(sink.1, 1, "no replacement is started after the interrupt");
    let report = &outcome.report;
    assert_eq!((report.revoked.len(), report.replacements.len()), (4, 1));
    assert_eq!(report.unreplaced().len(), 3);
    assert!(report.undelivered.is_empty() && report.to_revoke.is_empty());

    // Interrupted before the first step: nothing is sent at all.
    let ids: Vec<String> = report
        .replacements
        .iter()
        .map(|r| r.key.id.clone())
        .collect();
    let stopped = revoke_many(&client, &ids, &RevokeManyOptions::default()).await;
    assert!(stopped.stopped && stopped.outcomes.is_empty());
    assert_eq!(stopped.not_attempted, ids);
    assert!(emu.store().get(ids[0].parse().unwrap()).unwrap().is_some());

    let resumed = incident::resume(&admin(&emu), report, &ResumeOptions::default())
        .await
        .unwrap();
    assert!(!resumed.interrupted && !resumed.unfinished());
    assert_eq!(resumed.replacements.len(), 3);
    let names = emu.store().key_names().unwrap();
    for i in 0..4 {
        let name = format!("term-{i}");
        assert_eq!(names.iter().filter(|n| **n == name).count(), 1, "{names:?}");
    }
}
