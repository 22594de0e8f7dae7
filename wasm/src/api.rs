//! The raw exports. Arguments arrive as JSON text (`JSON.stringify` in the
//! wrapper) and results leave as a JSON envelope (`error::envelope`):
//! one string each way is smaller in code and faster for long lists than
//! building JavaScript objects field by field. Synchronous exports return the
//! envelope; asynchronous ones return a task id the wrapper polls.

use std::future::Future;

use chrono::{DateTime, Utc};
use narrative_keys as sdk;
use narrative_keys::json_object::Object;
use narrative_keys::{AccessLevel, Client, Environment, Resource, RetryPolicy, StatusPolicy};
use wasm_bindgen::prelude::*;

use crate::error::{ErrorInfo, envelope};
use crate::inputs::*;
use crate::listing;
use crate::outputs::*;
use crate::runtime::spawn;

type Out = Result<String, ErrorInfo>;

fn client(options: &str) -> Result<Client, ErrorInfo> {
    let options: ClientOptions = from_json(options, "new NarrativeKeys")?;
    let mut builder = Client::builder().api_key(options.api_key.unwrap_or_default());
    if let Some(env) = options.environment {
        let env: Environment = env
            .parse()
            .map_err(|e| ErrorInfo::invalid(format!("{e}")))?;
        builder = builder.environment(env);
    }
    for (name, value) in options.headers.unwrap_or_default() {
        builder = builder.header(name, value);
    }
    if let Some(ms) = options.timeout_ms {
        builder = builder.timeout(millis("timeoutMs", ms, false)?);
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
fn task<F, Fut>(options: &str, work: F) -> u32
where
    F: FnOnce(Client) -> Fut + 'static,
    Fut: Future<Output = Out> + 'static,
{
    let client = client(options);
    spawn(async move {
        envelope(match client {
            Ok(c) => work(c).await,
            Err(e) => Err(e),
        })
    })
}

fn policy(soon_days: Option<f64>) -> Result<StatusPolicy, ErrorInfo> {
    Ok(
        days(soon_days, "soonDays")?.map_or_else(StatusPolicy::default, |d| StatusPolicy {
            expiring_within: d,
        }),
    )
}

/// The normalised environment name (`prod`, `dev` or the URL); checks the
/// client options without sending anything.
#[wasm_bindgen(js_name = environmentName)]
pub fn environment_name(options: &str) -> String {
    envelope(client(options).and_then(|c| to_json(&c.environment().name())))
}

/// Starts listing every key; the task's result is the key list.
#[wasm_bindgen(js_name = listKeys)]
pub fn list_keys(options: &str) -> u32 {
    task(options, |c| async move {
        let (status, body) = c.list_keys_body().await?;
        listing::answer(status, body)
    })
}

/// Starts fetching the key `id`; the task's result is the key.
#[wasm_bindgen(js_name = getKey)]
pub fn get_key(options: &str, id: String) -> u32 {
    task(options, |c| async move { to_json(&c.get_key(&id).await?) })
}

fn build_new_key(input: &NewKeyInput, now: DateTime<Utc>) -> Result<sdk::NewKey, ErrorInfo> {
    match input.check(now) {
        (Some(key), problems) if problems.iter().all(|p| p.severity != sdk::Severity::Error) => {
            Ok(key)
        }
        (_, problems) => Err(ErrorInfo::from_report(&sdk::ValidationReport { problems })),
    }
}

/// Starts creating the key `input` describes (checked first; nothing is
/// sent if invalid); the task's result is the key with its secret.
#[wasm_bindgen(js_name = createKey)]
pub fn create_key(options: &str, input: &str) -> u32 {
    let input: Result<NewKeyInput, ErrorInfo> = from_json(input, "createKey");
    task(options, |c| async move {
        let key = build_new_key(&input?, Utc::now())?;
        to_json(&c.create_key(&key).await?.shown())
    })
}

/// Starts changing the key `id` as `changes` says; the task's result is the
/// key as it now is.
#[wasm_bindgen(js_name = updateKey)]
pub fn update_key(options: &str, id: String, changes: &str) -> u32 {
    let changes: Result<KeyChanges, ErrorInfo> = from_json(changes, "updateKey");
    task(options, |c| async move {
        let changes = changes?;
        let mut update = sdk::KeyUpdate::new();
        if let Some(name) = changes.name {
            update = update.name(name);
        }
        if let Some(perms) = &changes.permissions {
            let set = permission_set(perms)?;
            if changes.allow_unknown != Some(true) && set.iter().any(|p| p.check_known().is_err()) {
                // The set is whole: only permissions the key does not hold
                // yet are typed ones. Its own are kept, known or not.
                let held = c.get_key(&id).await?.permissions;
                let added = sdk::PermissionDiff::between(&held, &set).granted;
                check_typed(&added, false)?;
            }
            update = update.permissions(set);
        }
        if let Some(at) = changes.expires_at.as_deref() {
            update = update.expires(expiration(Some(at), "expiresAt", Utc::now())?);
        }
        to_json(&c.update_key(&id, &update).await?)
    })
}

/// Starts revoking the key `id`; the task's result is `null`.
#[wasm_bindgen(js_name = revokeKey)]
pub fn revoke_key(options: &str, id: String) -> u32 {
    task(options, |c| async move {
        c.revoke_key(&id).await?;
        Ok("null".to_owned())
    })
}

fn concurrency(n: Option<u32>) -> usize {
    n.map_or(sdk::revoke::DEFAULT_CONCURRENCY, |n| n.max(1) as usize)
}

/// Starts revoking every key in `ids` (a JSON array) with the options in
/// `revoke`; the task's result is a report with one outcome per key.
#[wasm_bindgen(js_name = revokeKeys)]
pub fn revoke_keys(options: &str, ids: &str, revoke: &str) -> u32 {
    let args: Result<(Vec<String>, RevokeOptions), ErrorInfo> =
        from_json(ids, "revokeKeys").and_then(|ids| Ok((ids, from_json(revoke, "revokeKeys")?)));
    task(options, |c| async move {
        let (ids, revoke) = args?;
        let opts = sdk::RevokeManyOptions {
            concurrency: concurrency(revoke.concurrency),
            deadline: revoke.deadline()?,
        };
        let report = sdk::revoke_many(&c, &ids, &opts).await;
        let outcomes = report
            .outcomes
            .iter()
            .map(|o| RevokeOutcome {
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
        to_json(&RevokeReport {
            outcomes,
            all_revoked: report.all_revoked(),
        })
    })
}

/// Starts rotating the key `id` with the options in `rotate`; the task's
/// result is the rotation, the successor's secret included.
#[wasm_bindgen(js_name = rotateKey)]
pub fn rotate_key(options: &str, id: String, rotate: &str) -> u32 {
    let rotate: Result<RotateOptions, ErrorInfo> = from_json(rotate, "rotateKey");
    task(options, |c| async move {
        let opts = rotate_options("rotateKey", rotate?)?;
        let r = sdk::rotate(&c, &id, &opts).await?;
        let retired = retired(&r.old_key, &r.old.id);
        to_json(&Rotation {
            old: &r.old,
            new: r.new.shown(),
            old_key: retired.old_key,
            old_key_stops: retired.old_key_stops,
            error: retired.error,
            complete: retired.complete,
        })
    })
}

/// `rotateKey`'s options (also those of `createSuccessor` and
/// `retireOldKey`) as the SDK's.
fn rotate_options(what: &str, rotate: RotateOptions) -> Result<sdk::RotateOptions, ErrorInfo> {
    Ok(sdk::RotateOptions {
        expiration: rotate
            .expires_at
            .as_deref()
            .map(|at| expiration(Some(at), "expiresAt", Utc::now()))
            .transpose()?,
        name: rotate.name,
        old_key: old_key_policy(
            what,
            rotate.keep_old.unwrap_or(false),
            rotate.overlap.as_deref(),
        )?,
    })
}

/// Starts a rotation's first step: creates the successor of the key `id`,
/// the old key untouched, with `rotateKey`'s options (`keepOld` and
/// `overlap` are checked now and applied by [`retire_old_key`]); the task's
/// result is the old key and the successor with its secret.
#[wasm_bindgen(js_name = createSuccessor)]
pub fn create_successor(options: &str, id: String, rotate: &str) -> u32 {
    let rotate: Result<RotateOptions, ErrorInfo> = from_json(rotate, "createSuccessor");
    task(options, |c| async move {
        let opts = rotate_options("createSuccessor", rotate?)?;
        let s = sdk::rotate::create_successor(&c, &id, &opts, Utc::now()).await?;
        to_json(&Successor {
            old: &s.old,
            new: s.new.shown(),
        })
    })
}

/// Starts a rotation's second step, once the secret of the successor
/// `new_id` is stored: reads the old key `old_id` and its successor, then
/// does to the old key what `rotate`'s `keepOld` and `overlap` say (an
/// overlap counted from now); the task's result is what became of it.
#[wasm_bindgen(js_name = retireOldKey)]
pub fn retire_old_key(options: &str, old_id: String, new_id: String, rotate: &str) -> u32 {
    let rotate: Result<RotateOptions, ErrorInfo> = from_json(rotate, "retireOldKey");
    task(options, |c| async move {
        let policy = rotate_options("retireOldKey", rotate?)?.old_key;
        sdk::rotate::check_overlap(policy, Utc::now())?;
        // Never retire a key whose successor is gone: nobody would hold a
        // working secret.
        if let Err(e) = c.get_key(&new_id).await {
            let mut info = ErrorInfo::from(e);
            info.message = format!(
                "retireOldKey: the successor {new_id} could not be read, so the old key is left as it was: {}",
                info.message
            );
            return Err(info);
        }
        // Read now: the overlap is held to the old key's expiration as it is
        // now, and its name now is the one marked as retiring.
        let outcome = match c.get_key(&old_id).await {
            Ok(old) => sdk::rotate::retire_old_key(&c, &old, &new_id, policy).await,
            // Gone already: it has stopped working, as revoked.
            Err(sdk::Error::NotFound(_)) => sdk::OldKeyOutcome::Revoked,
            Err(e) => return Err(e.into()),
        };
        to_json(&retired(&outcome, &old_id))
    })
}

/// `keepOld` and `overlap` as the SDK's policy; both at once is refused.
fn old_key_policy(
    what: &str,
    keep_old: bool,
    overlap: Option<&str>,
) -> Result<sdk::OldKeyPolicy, ErrorInfo> {
    Ok(match (keep_old, overlap) {
        (true, Some(_)) => {
            return Err(ErrorInfo::invalid(format!(
                "{what}: give keepOld or overlap, not both (keepOld leaves the old key working; overlap lets it expire later)"
            )));
        }
        (true, None) => sdk::OldKeyPolicy::Keep,
        (false, Some(text)) => sdk::OldKeyPolicy::ExpireAfter(
            sdk::Span::parse(text)
                .map_err(|e| ErrorInfo::invalid(format!("overlap: `{text}` is not a span: {e}")))?,
        ),
        (false, None) => sdk::OldKeyPolicy::Revoke,
    })
}

/// What became of the old key `old_id`, with the error when it still works.
fn retired(outcome: &sdk::OldKeyOutcome, old_id: &str) -> Retired {
    let (old_key, error) = match outcome {
        sdk::OldKeyOutcome::Revoked => (OldKeyOutcome::Revoked, None),
        // Nothing requests the package's interrupt; were it requested, the
        // old key would be left working, as when kept.
        sdk::OldKeyOutcome::Kept | sdk::OldKeyOutcome::Interrupted => (OldKeyOutcome::Kept, None),
        sdk::OldKeyOutcome::Expires { .. } => (OldKeyOutcome::Expires, None),
        sdk::OldKeyOutcome::RevokeFailed(e) => {
            (OldKeyOutcome::RevokeFailed, Some(ErrorInfo::from_sdk(e)))
        }
        sdk::OldKeyOutcome::ExpireFailed {
            error,
            wanted,
            name,
        } => {
            let mut info = ErrorInfo::from_sdk(error);
            // The name as a JSON string is a valid JS string literal.
            let name = serde_json::to_string(name).unwrap_or_default();
            info.message = format!(
                "the old key's expiration and name could not be set, so it still works: {}; the new key is ready: set them again with updateKey('{old_id}', {{ expiresAt: '{}', name: {name} }}), or revoke it",
                info.message,
                wanted.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            );
            (OldKeyOutcome::ExpireFailed, Some(info))
        }
    };
    Retired {
        old_key,
        old_key_stops: outcome.stops(),
        error,
        complete: outcome.is_complete(),
    }
}

fn plan_js(plan: &sdk::incident::IncidentPlan, dry_run: bool) -> IncidentPlan<'_> {
    IncidentPlan {
        planned_at: plan.planned_at,
        keys: plan
            .keys
            .iter()
            .map(|p| PlannedKey {
                key: &p.key,
                status: p.status,
            })
            .collect(),
        missing_ids: &plan.missing_ids,
        replace: plan.replace,
        look_alikes: &plan.look_alikes,
        expired: &plan.expired,
        replace_expired: plan.replace_expired,
        markdown: if dry_run {
            plan.to_markdown_dry_run()
        } else {
            plan.to_markdown()
        },
    }
}

/// The SDK's selection from the npm one, its permissions checked as typed.
fn selection_of(selection: IncidentSelection) -> Result<sdk::incident::Selection, ErrorInfo> {
    let holding = selection
        .holding
        .iter()
        .flatten()
        .map(PermissionInput::parse)
        .collect::<Result<Vec<_>, _>>()?;
    check_typed(&holding, selection.allow_unknown.unwrap_or(false))?;
    Ok(sdk::incident::Selection {
        ids: selection.ids.unwrap_or_default(),
        name_matches: selection.name_matches,
        holding,
        statuses: selection.statuses.unwrap_or_default(),
    })
}

/// Starts an incident over the keys `selection` picks, with the options in
/// `incident`; the task's result is the plan, the report and the
/// replacements' secrets (only the plan on a dry run).
#[wasm_bindgen]
pub fn incident(options: &str, selection: &str, incident: &str) -> u32 {
    let args: Result<(IncidentSelection, IncidentOptions), ErrorInfo> =
        from_json(selection, "incident").and_then(|s| Ok((s, from_json(incident, "incident")?)));
    task(options, |c| async move {
        let (selection, incident) = args?;
        let now = Utc::now();
        let sel = selection_of(selection)?;
        let replacement_expiration = incident
            .replacement_expires_at
            .as_deref()
            .map(|at| expiration(Some(at), "replacementExpiresAt", now))
            .transpose()?;
        let revoke_deadline = incident.revoke_deadline()?;
        if sel.is_empty() {
            // Refused before listing: nothing is sent.
            sdk::incident::plan(&[], &sel, false, now)?;
        }
        let keys = c.list_keys().await?;
        let replace = incident.replace.unwrap_or(false);
        let mut plan = sdk::incident::plan(&keys, &sel, replace, now)?;
        plan.replace_expired = incident.include_expired.unwrap_or(false);
        if incident.dry_run.unwrap_or(false) {
            return to_json(&IncidentResult {
                dry_run: true,
                plan: plan_js(&plan, true),
                report: None,
                replacements: Vec::new(),
            });
        }
        let opts = sdk::incident::IncidentOptions {
            concurrency: concurrency(incident.concurrency),
            revoke_deadline,
            replacement_expiration,
            note: incident.note,
            environment: c.environment().name(),
        };
        let outcome = sdk::incident::execute(&c, &plan, &opts).await;
        to_json(&IncidentResult {
            dry_run: false,
            plan: plan_js(&plan, false),
            report: Some(MarkdownReport {
                report: &outcome.report,
                markdown: outcome.report.to_markdown(),
            }),
            replacements: outcome
                .replacements
                .iter()
                .map(|(old, created)| ReplacementSecret {
                    replaces: old,
                    created: created.shown(),
                })
                .collect(),
        })
    })
}

/// Starts asking who the API key belongs to; the task's result is the
/// server's answer.
#[wasm_bindgen]
pub fn whoami(options: &str) -> u32 {
    task(options, |c| async move { to_json(&c.whoami().await?) })
}

// --- pure functions --------------------------------------------------------

/// The permission catalog: every resource with its group and levels.
#[wasm_bindgen]
pub fn catalog() -> String {
    let entries: Vec<CatalogEntry> = sdk::CATALOG
        .iter()
        .map(|e| CatalogEntry {
            resource: e.wire,
            display_name: e.display,
            group: e.group.id(),
            group_title: e.group.title(),
            covers: e.covers,
            read: e.read,
            write: e.write,
            evidence: e.evidence.id(),
            single_level: e.single_level(),
        })
        .collect();
    envelope(to_json(&entries))
}

/// The presets, each with its permissions.
#[wasm_bindgen]
pub fn presets() -> String {
    let list = sdk::Preset::ALL.map(sdk::Preset::info);
    envelope(to_json(&list))
}

/// `args`: `[name, resources?]`.
#[wasm_bindgen(js_name = presetPermissions)]
pub fn preset_permissions(args: &str) -> String {
    envelope((|| {
        let (name, resources): (String, Option<Vec<String>>) =
            from_json(args, "presetPermissions")?;
        let resources: Vec<Resource> = resources
            .unwrap_or_default()
            .iter()
            .map(|r| Resource::from_input(r))
            .collect();
        to_json(&preset(&name)?.permissions(&resources))
    })())
}

/// One permission read from its compact form (`read:datasets`).
#[wasm_bindgen(js_name = parsePermission)]
pub fn parse_permission(text: String) -> String {
    envelope(
        PermissionInput::Compact(text)
            .parse()
            .and_then(|p| to_json(&p)),
    )
}

/// A set of permissions read from the compact form (`read:datasets
/// write:queries`), sorted and deduplicated.
#[wasm_bindgen(js_name = parsePermissions)]
pub fn parse_permissions(text: &str) -> String {
    envelope(
        sdk::PermissionSet::parse_compact(text)
            .map_err(|e| ErrorInfo::problem(sdk::Field::Permissions, e.to_string()))
            .and_then(|set| to_json(&set)),
    )
}

/// `args`: `[input, now?]`.
#[wasm_bindgen(js_name = parseExpiration)]
pub fn parse_expiration(args: &str) -> String {
    envelope((|| {
        let (text, now): (Option<String>, Option<String>) = from_json(args, "parseExpiration")?;
        let now = now_or(now.as_deref())?;
        to_json(&expiration(text.as_deref(), "expiration", now)?.to_wire())
    })())
}

/// `args`: `[input, now?]`.
#[wasm_bindgen(js_name = validateNewKey)]
pub fn validate_new_key(args: &str) -> String {
    envelope((|| {
        let (Object(input), now): (Object<NewKeyInput>, Option<String>) =
            from_json(args, "validateNewKey")?;
        let now = now_or(now.as_deref())?;
        let (_, problems) = input.check(now);
        let valid = !problems.iter().any(|p| p.severity == sdk::Severity::Error);
        to_json(&ValidationReport { valid, problems })
    })())
}

/// `args`: `[key, options?]`.
#[wasm_bindgen(js_name = keyStatus)]
pub fn key_status(args: &str) -> String {
    envelope((|| {
        let (Object(key), options): (Object<KeyInput>, Option<Object<StatusOptions>>) =
            from_json(args, "keyStatus")?;
        let options = options.map(|o| o.0).unwrap_or_default();
        let key = key.to_sdk()?;
        let now = now_or(options.now.as_deref())?;
        to_json(&key.status(now, &policy(options.soon_days)?))
    })())
}

/// `args`: `[keys, options?]`.
#[wasm_bindgen]
pub fn audit(args: &str) -> String {
    envelope((|| {
        let (keys, options): (Vec<Object<KeyInput>>, Option<Object<AuditOptions>>) =
            from_json(args, "audit")?;
        let options = options.map(|o| o.0).unwrap_or_default();
        let keys = keys
            .iter()
            .map(|k| k.0.to_sdk())
            .collect::<Result<Vec<_>, _>>()?;
        let mut opts = sdk::AuditOptions::at(now_or(options.now.as_deref())?);
        opts.policy = policy(options.soon_days)?;
        if let Some(d) = days(options.far_future_days, "farFutureDays")? {
            opts.far_future = d;
        }
        if let Some(s) = options.broad_share {
            if !(s.is_finite() && (0.0..=1.0).contains(&s)) {
                return Err(ErrorInfo::invalid("broadShare must be between 0 and 1"));
            }
            opts.broad_share = s;
        }
        to_json(&sdk::audit(&keys, &opts))
    })())
}

/// What a set of permissions allows, in plain words.
#[wasm_bindgen]
pub fn explain(permissions: &str) -> String {
    envelope((|| {
        let list: Vec<PermissionInput> = from_json(permissions, "explain")?;
        let explanation = sdk::explain(&permission_set(&list)?);
        to_json(&Explanation {
            summary: &explanation.summary,
            sections: &explanation.sections,
            text: explanation.to_text(),
        })
    })())
}

/// `args`: `[key, access, resource]`.
#[wasm_bindgen]
pub fn can(args: &str) -> String {
    envelope((|| {
        let (Object(key), access, resource): (Object<KeyInput>, String, String) =
            from_json(args, "can")?;
        let key = key.to_sdk()?;
        to_json(&sdk::can(
            &key,
            &AccessLevel::from_input(&access),
            &Resource::from_input(&resource),
        ))
    })())
}

/// For the package's own tests: panics now, or after `after_ms` in a task.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(after_ms: Option<u32>) -> u32 {
    match after_ms {
        None => panic!("debugPanic: a deliberate panic"),
        Some(ms) => spawn(async move {
            sleep_ms(ms).await;
            panic!("debugPanic: a deliberate panic in a task");
        }),
    }
}

async fn sleep_ms(ms: u32) {
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
