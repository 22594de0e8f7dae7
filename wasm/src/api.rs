//! The raw exports. Synchronous ones return a value or throw an `ErrorInfo`;
//! asynchronous ones return a task id that the wrapper polls.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};
use narrative_keys as sdk;
use narrative_keys::{AccessLevel, Client, Environment, Resource, RetryPolicy, StatusPolicy};
use wasm_bindgen::prelude::*;

use crate::error::{ErrorInfo, JsResult, js_err};
use crate::runtime::spawn;
use crate::types::*;

fn client(options: JsValue) -> Result<Client, ErrorInfo> {
    let options: ClientOptions = serde_wasm_bindgen::from_value(options)
        .map_err(|e| ErrorInfo::invalid(format!("the client options are not valid: {e}")))?;
    let mut builder = Client::builder().api_key(options.api_key.unwrap_or_default());
    if let Some(env) = options.environment {
        let env: Environment = env.parse().map_err(|e| {
            ErrorInfo::invalid(format!("{e}")) // names the value and the choices
        })?;
        builder = builder.environment(env);
    }
    for (name, value) in options.headers.unwrap_or_default() {
        builder = builder.header(name, value);
    }
    if let Some(ms) = options.timeout_ms {
        if !(ms.is_finite() && ms > 0.0) {
            return Err(ErrorInfo::invalid(
                "timeoutMs must be a positive number of milliseconds",
            ));
        }
        builder = builder.timeout(Duration::from_millis(ms as u64));
    }
    if let Some(retries) = options.retries {
        builder = builder.retry(RetryPolicy {
            max_retries: retries,
            ..RetryPolicy::default()
        });
    }
    builder.build().map_err(ErrorInfo::from)
}

/// Spawns `work` with a client made from `options`; a bad option fails the task.
fn task<F, Fut>(options: JsValue, work: F) -> u32
where
    F: FnOnce(Client) -> Fut + 'static,
    Fut: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    let client = client(options);
    spawn(async move {
        match client {
            Ok(c) => work(c).await,
            Err(e) => Err(js_err(e)),
        }
    })
}

fn sdk_err(e: sdk::Error) -> JsValue {
    js_err(ErrorInfo::from(e))
}

fn now_or(raw: &Raw) -> Result<DateTime<Utc>, ErrorInfo> {
    Ok(raw.instant("now")?.unwrap_or_else(Utc::now))
}

fn policy(soon_days: Option<f64>) -> Result<StatusPolicy, ErrorInfo> {
    match soon_days {
        None => Ok(StatusPolicy::default()),
        Some(d) if d.is_finite() && d >= 0.0 => Ok(StatusPolicy {
            expiring_within: chrono::Duration::milliseconds((d * 86_400_000.0) as i64),
        }),
        Some(_) => Err(ErrorInfo::invalid(
            "soonDays must be a number of days, 0 or more",
        )),
    }
}

/// Checks client options without sending anything.
#[wasm_bindgen(js_name = checkClientOptions)]
pub fn check_client_options(options: JsValue) -> JsResult<()> {
    client(options).map(|_| ()).map_err(js_err)
}

/// The normalised environment name (`prod`, `dev` or the URL).
#[wasm_bindgen(js_name = environmentName)]
pub fn environment_name(options: JsValue) -> JsResult<String> {
    client(options)
        .map(|c| c.environment().name())
        .map_err(js_err)
}

#[wasm_bindgen(js_name = listKeys)]
pub fn list_keys(options: JsValue) -> u32 {
    task(options, |c| async move {
        let keys = c.list_keys().await.map_err(sdk_err)?;
        to_js(&keys.iter().map(ApiKey::from).collect::<Vec<_>>())
    })
}

#[wasm_bindgen(js_name = getKey)]
pub fn get_key(options: JsValue, id: String) -> u32 {
    task(options, |c| async move {
        let key = c.get_key(&id).await.map_err(sdk_err)?;
        to_js(&ApiKey::from(&key))
    })
}

fn build_new_key(input: &NewKeyInput, now: DateTime<Utc>) -> Result<sdk::NewKey, ErrorInfo> {
    let (builder, mut problems) = input.to_builder(now)?;
    match builder.build_at(now) {
        Ok(key) if problems.is_empty() => Ok(key),
        Ok(key) => {
            problems.extend(key.warnings().problems.iter().cloned());
            Err(ErrorInfo::from_report(&sdk::ValidationReport { problems }))
        }
        Err(mut report) => {
            problems.append(&mut report.problems);
            Err(ErrorInfo::from_report(&sdk::ValidationReport { problems }))
        }
    }
}

#[wasm_bindgen(js_name = createKey)]
pub fn create_key(options: JsValue, input: JsValue) -> u32 {
    let input: Result<NewKeyInput, JsValue> = from_js(input, "the new key");
    task(options, |c| async move {
        let key = build_new_key(&input?, Utc::now()).map_err(js_err)?;
        let created = c.create_key(&key).await.map_err(sdk_err)?;
        to_js(&CreatedKey::from(&created))
    })
}

#[wasm_bindgen(js_name = updateKey)]
pub fn update_key(options: JsValue, id: String, changes: JsValue) -> u32 {
    let changes: Result<KeyChanges, JsValue> = from_js(changes, "the changes");
    task(options, |c| async move {
        let changes = changes?;
        let now = Utc::now();
        let mut update = sdk::KeyUpdate::new();
        if let Some(name) = changes.name {
            update = update.name(name);
        }
        if let Some(perms) = &changes.permissions {
            update = update.permissions(permission_set(perms).map_err(js_err)?);
        }
        if !changes.expires_at.is_missing() {
            let e = changes
                .expires_at
                .expiration("expiresAt", now)
                .map_err(js_err)?;
            update = update.expires(e);
        }
        let key = c.update_key(&id, &update).await.map_err(sdk_err)?;
        to_js(&ApiKey::from(&key))
    })
}

#[wasm_bindgen(js_name = revokeKey)]
pub fn revoke_key(options: JsValue, id: String) -> u32 {
    task(options, |c| async move {
        c.revoke_key(&id).await.map_err(sdk_err)?;
        Ok(JsValue::UNDEFINED)
    })
}

#[wasm_bindgen(js_name = revokeKeys)]
pub fn revoke_keys(options: JsValue, ids: Vec<String>, revoke: JsValue) -> u32 {
    let revoke: Result<RevokeOptions, JsValue> = from_js(revoke, "the revoke options");
    task(options, |c| async move {
        let revoke = revoke?;
        let opts = sdk::RevokeManyOptions {
            concurrency: revoke
                .concurrency
                .map_or(sdk::revoke::DEFAULT_CONCURRENCY, |n| n.max(1) as usize),
        };
        let report = sdk::revoke_many(&c, &ids, &opts).await;
        let outcomes = report
            .outcomes
            .iter()
            .map(|o| RawRevokeOutcome {
                id: o.id.clone(),
                result: match &o.result {
                    sdk::RevokeResult::Revoked => RevokeResult::Revoked,
                    sdk::RevokeResult::AlreadyGone => RevokeResult::AlreadyGone,
                    sdk::RevokeResult::Failed(_) => RevokeResult::Failed,
                },
                error: match &o.result {
                    sdk::RevokeResult::Failed(e) => Some(ErrorInfo::from_sdk(e)),
                    _ => None,
                },
            })
            .collect();
        to_js(&RawRevokeReport {
            outcomes,
            all_revoked: report.all_revoked(),
        })
    })
}

#[wasm_bindgen(js_name = rotateKey)]
pub fn rotate_key(options: JsValue, id: String, rotate: JsValue) -> u32 {
    let rotate: Result<RotateOptions, JsValue> = from_js(rotate, "the rotate options");
    task(options, |c| async move {
        let rotate = rotate?;
        let now = Utc::now();
        let expiration = if rotate.expires_at.is_missing() {
            None
        } else {
            Some(
                rotate
                    .expires_at
                    .expiration("expiresAt", now)
                    .map_err(js_err)?,
            )
        };
        let opts = sdk::RotateOptions {
            expiration,
            name: rotate.name,
            keep_old: rotate.keep_old.unwrap_or(false),
        };
        let r = sdk::rotate(&c, &id, &opts).await.map_err(sdk_err)?;
        let (old_key, error) = match &r.old_key {
            sdk::OldKey::Revoked => (OldKeyOutcome::Revoked, None),
            sdk::OldKey::Kept => (OldKeyOutcome::Kept, None),
            sdk::OldKey::RevokeFailed(e) => {
                (OldKeyOutcome::RevokeFailed, Some(ErrorInfo::from_sdk(e)))
            }
        };
        to_js(&RawRotation {
            complete: r.is_complete(),
            old: ApiKey::from(&r.old),
            new: CreatedKey::from(&r.new),
            old_key,
            error,
        })
    })
}

fn reported(k: &sdk::incident::ReportedKey) -> ApiKey {
    ApiKey {
        id: k.id.clone(),
        name: k.name.clone(),
        permissions: k.permissions.iter().cloned().collect(),
        expires_at: k.expires_at.map(iso),
    }
}

fn plan_js(plan: &sdk::incident::IncidentPlan) -> IncidentPlan {
    IncidentPlan {
        planned_at: iso(plan.planned_at),
        keys: plan
            .keys
            .iter()
            .map(|p| PlannedKey {
                key: ApiKey::from(&p.key),
                status: p.status,
            })
            .collect(),
        missing_ids: plan.missing_ids.clone(),
        replace: plan.replace,
        markdown: plan.to_markdown(),
    }
}

#[wasm_bindgen]
pub fn incident(options: JsValue, selection: JsValue, incident: JsValue) -> u32 {
    let selection: Result<IncidentSelection, JsValue> = from_js(selection, "the selection");
    let incident: Result<IncidentOptions, JsValue> = from_js(incident, "the incident options");
    task(options, |c| async move {
        let (selection, incident) = (selection?, incident?);
        let now = Utc::now();
        let holding = selection
            .holding
            .iter()
            .flatten()
            .map(PermissionInput::parse)
            .collect::<Result<Vec<_>, _>>()
            .map_err(js_err)?;
        let sel = sdk::incident::Selection {
            ids: selection.ids.unwrap_or_default(),
            name_matches: selection.name_matches,
            holding,
            statuses: selection.statuses.unwrap_or_default(),
        };
        let replacement_expiration = if incident.replacement_expires_at.is_missing() {
            None
        } else {
            Some(
                incident
                    .replacement_expires_at
                    .expiration("replacementExpiresAt", now)
                    .map_err(js_err)?,
            )
        };
        if sel.is_empty() {
            // Fail before listing: nothing to do, and nothing was sent.
            sdk::incident::plan(&[], &sel, false, now).map_err(sdk_err)?;
        }
        let keys = c.list_keys().await.map_err(sdk_err)?;
        let replace = incident.replace.unwrap_or(false);
        let plan = sdk::incident::plan(&keys, &sel, replace, now).map_err(sdk_err)?;
        if incident.dry_run.unwrap_or(false) {
            return to_js(&IncidentResult {
                dry_run: true,
                plan: plan_js(&plan),
                report: None,
                replacements: Vec::new(),
            });
        }
        let opts = sdk::incident::IncidentOptions {
            concurrency: incident
                .concurrency
                .map_or(sdk::revoke::DEFAULT_CONCURRENCY, |n| n.max(1) as usize),
            replacement_expiration,
            note: incident.note,
            environment: c.environment().name(),
        };
        let outcome = sdk::incident::execute(&c, &plan, &opts).await;
        let r = &outcome.report;
        let report = IncidentReport {
            environment: r.environment.clone(),
            started_at: iso(r.started_at),
            finished_at: iso(r.finished_at),
            note: r.note.clone(),
            revoked: r.revoked.iter().map(reported).collect(),
            replacements: r
                .replacements
                .iter()
                .map(|x| Replacement {
                    replaces: x.replaces.clone(),
                    key: reported(&x.key),
                })
                .collect(),
            failures: r
                .failures
                .iter()
                .map(|f| IncidentFailure {
                    id: f.id.clone(),
                    name: f.name.clone(),
                    step: f.step.to_owned(),
                    error: f.error.clone(),
                })
                .collect(),
            missing_ids: r.missing_ids.clone(),
            markdown: r.to_markdown(),
        };
        to_js(&IncidentResult {
            dry_run: false,
            plan: plan_js(&plan),
            report: Some(report),
            replacements: outcome
                .replacements
                .iter()
                .map(|(old, created)| ReplacementSecret {
                    replaces: old.clone(),
                    created: CreatedKey::from(created),
                })
                .collect(),
        })
    })
}

#[wasm_bindgen]
pub fn whoami(options: JsValue) -> u32 {
    task(options, |c| async move {
        let w = c.whoami().await.map_err(sdk_err)?;
        to_js(&Whoami::from(w))
    })
}

// --- pure functions --------------------------------------------------------

#[wasm_bindgen]
pub fn catalog() -> JsResult {
    let entries: Vec<CatalogEntry> = sdk::CATALOG
        .iter()
        .map(|e| CatalogEntry {
            resource: e.wire.to_owned(),
            display_name: e.display.to_owned(),
            group: e.group.into(),
            group_title: e.group.title().to_owned(),
            covers: e.covers.to_owned(),
            read: e.read,
            write: e.write,
        })
        .collect();
    to_js(&entries)
}

#[wasm_bindgen]
pub fn presets() -> JsResult {
    let list: Vec<PresetInfo> = sdk::Preset::ALL
        .into_iter()
        .map(|p| PresetInfo {
            name: PresetName::from_sdk(p),
            title: p.title().to_owned(),
            description: p.description().to_owned(),
            takes_resources: p.takes_resources(),
            permissions: p.permissions(&[]).iter().cloned().collect(),
        })
        .collect();
    to_js(&list)
}

#[wasm_bindgen(js_name = presetPermissions)]
pub fn preset_permissions(name: JsValue, resources: Option<Vec<String>>) -> JsResult {
    let name: PresetName = from_js(name, "the preset name")?;
    let resources: Vec<Resource> = resources
        .unwrap_or_default()
        .iter()
        .map(|r| Resource::from_input(r))
        .collect();
    let set = name.to_sdk().permissions(&resources);
    to_js(&set)
}

#[wasm_bindgen(js_name = parsePermission)]
pub fn parse_permission(text: String) -> JsResult {
    let p = PermissionInput::Compact(text).parse().map_err(js_err)?;
    to_js(&p)
}

#[wasm_bindgen(js_name = parsePermissions)]
pub fn parse_permissions(text: String) -> JsResult {
    let set = sdk::PermissionSet::parse_compact(&text).map_err(|e| {
        let mut info = ErrorInfo::invalid(e.to_string());
        info.problems = Some(vec![problem(sdk::Field::Permissions, e.to_string())]);
        js_err(info)
    })?;
    to_js(&set)
}

#[wasm_bindgen(js_name = parseExpiration)]
pub fn parse_expiration(text: JsValue, now: JsValue) -> JsResult {
    let now = now_or(&Raw(now)).map_err(js_err)?;
    let e = Raw(text).expiration("expiration", now).map_err(js_err)?;
    to_js(&e.to_wire())
}

#[wasm_bindgen(js_name = validateNewKey)]
pub fn validate_new_key(input: JsValue, now: JsValue) -> JsResult {
    let now = now_or(&Raw(now)).map_err(js_err)?;
    let input: NewKeyInput = from_js(input, "the new key")?;
    let (builder, mut problems) = input.to_builder(now).map_err(js_err)?;
    match builder.build_at(now) {
        Ok(key) => problems.extend(key.warnings().problems.iter().cloned()),
        Err(report) => problems.extend(report.problems),
    }
    let valid = !problems.iter().any(|p| p.severity == sdk::Severity::Error);
    to_js(&ValidationReport { valid, problems })
}

#[wasm_bindgen(js_name = keyStatus)]
pub fn key_status(key: JsValue, options: JsValue) -> JsResult {
    let key: KeyInput = from_js(key, "the key")?;
    let options: StatusOptions = if options.is_undefined() {
        StatusOptions::default()
    } else {
        from_js(options, "the status options")?
    };
    let key = key.to_sdk().map_err(js_err)?;
    let now = now_or(&options.now).map_err(js_err)?;
    let policy = policy(options.soon_days).map_err(js_err)?;
    to_js(&key.status(now, &policy))
}

#[wasm_bindgen]
pub fn audit(keys: JsValue, options: JsValue) -> JsResult {
    let keys: Vec<KeyInput> = from_js(keys, "the keys")?;
    let options: AuditOptions = if options.is_undefined() {
        AuditOptions::default()
    } else {
        from_js(options, "the audit options")?
    };
    let keys = keys
        .iter()
        .map(KeyInput::to_sdk)
        .collect::<Result<Vec<_>, _>>()
        .map_err(js_err)?;
    let mut opts = sdk::AuditOptions::at(now_or(&options.now).map_err(js_err)?);
    opts.policy = policy(options.soon_days).map_err(js_err)?;
    if let Some(d) = options.far_future_days {
        if !(d.is_finite() && d >= 0.0) {
            return Err(js_err(ErrorInfo::invalid(
                "farFutureDays must be 0 or more",
            )));
        }
        opts.far_future = chrono::Duration::milliseconds((d * 86_400_000.0) as i64);
    }
    if let Some(s) = options.broad_share {
        if !(s.is_finite() && (0.0..=1.0).contains(&s)) {
            return Err(js_err(ErrorInfo::invalid(
                "broadShare must be between 0 and 1",
            )));
        }
        opts.broad_share = s;
    }
    let findings: Vec<Finding> = sdk::audit(&keys, &opts)
        .into_iter()
        .map(Finding::from)
        .collect();
    to_js(&findings)
}

#[wasm_bindgen]
pub fn explain(permissions: JsValue) -> JsResult {
    let list: Vec<PermissionInput> = from_js(permissions, "the permissions")?;
    let set = permission_set(&list).map_err(js_err)?;
    to_js(&Explanation::from(sdk::explain(&set)))
}

#[wasm_bindgen]
pub fn can(key: JsValue, access: String, resource: String) -> JsResult<bool> {
    let key: KeyInput = from_js(key, "the key")?;
    let key = key.to_sdk().map_err(js_err)?;
    Ok(sdk::can(
        &key,
        &AccessLevel::from_input(&access),
        &Resource::from_input(&resource),
    ))
}

/// For the package's own tests: panics now, or after `after_ms` in a task.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(after_ms: Option<u32>) -> u32 {
    match after_ms {
        None => panic!("debugPanic: a deliberate panic"),
        Some(ms) => spawn(async move {
            gloo_sleep(ms).await;
            panic!("debugPanic: a deliberate panic in a task");
        }),
    }
}

async fn gloo_sleep(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &"setTimeout".into())
            && let Some(f) = set_timeout.dyn_ref::<js_sys::Function>()
        {
            let _ = f.call2(&JsValue::NULL, &resolve, &JsValue::from(ms));
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
