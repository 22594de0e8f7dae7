//! Where `apply` delivers each new secret: the key's own targets, checked
//! before anything is sent, or, for a key naming none, the run's shared
//! `--secrets-out` file or else the caller ([`HandOff`]: a dialog); each
//! delivery on a blocking thread of its own, so the commands of different
//! keys may run at once, and a hand-off awaited.

use std::sync::{Arc, Mutex, PoisonError};

use super::ApplyOptions;
use crate::client::Client;
use crate::deliver::{
    CapturedOutput, DeliveryError, HandOff, KeptSecret, NewSecret, SecretCommand, SecretFile,
    SecretSink, SecretsFile,
};
use crate::error::{Error, Result};
use crate::key::{ApiKey, CreatedKey};
use crate::keys_as_code::file::{KeySpec, KeysFile};
use crate::keys_as_code::plan::Plan;

/// The run's `--secrets-out` file, which keys of several tasks write to in turn.
pub(super) type SharedFile = Arc<Mutex<SecretsFile>>;

/// One key's delivery: its own targets (its commands in turn, then its
/// file), or, when it names none, the run's shared file or the caller.
pub(super) struct Delivery {
    commands: Vec<SecretCommand>,
    pub(super) file: Option<SecretFile>,
    shared: Option<SharedFile>,
    caller: Option<HandOff>,
    /// Its commands' output, when the run keeps it for the caller.
    pub(super) output: Option<CapturedOutput>,
    /// A key the plan creates (no key of its own is replaced): what its
    /// `secret_out` held may be another live key's secret, so it is kept
    /// beside it ([`KeptSecret`]) and deleted only if it dies in this run.
    pub(super) keeps_held: bool,
    kept: Option<KeptSecret>,
    /// How many of its commands took the secret, named if it is revoked.
    given: usize,
}

impl Delivery {
    fn check(&mut self) -> std::result::Result<(), DeliveryError> {
        for c in &mut self.commands {
            c.check()?;
        }
        if let Some(f) = &mut self.file {
            f.check()?;
        }
        Ok(())
    }

    /// Every target must take it; the first failure stops the rest. A key
    /// with no target at all never counts as delivered.
    fn deliver(&mut self, item: &NewSecret<'_>) -> std::result::Result<(), DeliveryError> {
        if self.commands.is_empty()
            && self.file.is_none()
            && self.shared.is_none()
            && self.caller.is_none()
        {
            return Err(DeliveryError::new(
                item.key.name.clone(),
                "has no target for its secret",
            ));
        }
        for c in &mut self.commands {
            c.deliver(item)?;
            self.given += 1;
        }
        if let Some(f) = &mut self.file {
            f.deliver(item)?;
            match f.take_kept() {
                Some(kept) if self.keeps_held => self.kept = Some(kept),
                // A rotation's file held this key's own previous secret,
                // which the retirement ends: replaced, not kept.
                Some(kept) => kept.discard(),
                None => {}
            }
        }
        if let Some(shared) = &self.shared {
            // A writer that panicked left the file as its atomic write did:
            // whole or untouched.
            shared
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .deliver(item)?;
        }
        Ok(())
    }

    /// Delivers `created`'s secret on a blocking thread (commands and files
    /// block), so other keys' steps go on meanwhile; or hands it to the
    /// caller, waits for the answer that it is stored, and then reads the
    /// key again: it must still be `pending`, as this apply made it.
    pub(super) async fn run(
        mut self,
        client: &Client,
        created: &CreatedKey,
        pending: &ApiKey,
        replaces: Option<&str>,
    ) -> Delivered {
        if let Some(caller) = self.caller.take() {
            let item = NewSecret {
                key: &created.key,
                secret: &created.secret,
                replaces,
            };
            let (result, taken_over) = match caller.hand_over(&item).await {
                Err(e) => (Err(e), None),
                Ok(goes_on) => {
                    let verdict = still_pending(client, pending).await;
                    goes_on.tell(verdict.clone());
                    (Ok(()), verdict.err())
                }
            };
            return Delivered {
                result,
                given: 0,
                kept: None,
                taken_over,
            };
        }
        let key = created.key.clone();
        let secret = created.secret.clone();
        let replaces = replaces.map(str::to_owned);
        let name = key.name.clone();
        tokio::task::spawn_blocking(move || {
            let result = self.deliver(&NewSecret {
                key: &key,
                secret: &secret,
                replaces: replaces.as_deref(),
            });
            Delivered {
                result,
                given: self.given,
                kept: self.kept.take(),
                taken_over: None,
            }
        })
        .await
        .unwrap_or_else(|e| Delivered {
            result: Err(DeliveryError::new(
                name,
                format!("the delivery stopped: {e}"),
            )),
            given: 0,
            kept: None,
            taken_over: None,
        })
    }
}

/// What one key's delivery did.
pub(super) struct Delivered {
    /// Whether every target took the secret.
    pub(super) result: std::result::Result<(), DeliveryError>,
    /// How many of its commands took the secret, named if it is revoked.
    pub(super) given: usize,
    /// What a new key's file held, kept beside it.
    pub(super) kept: Option<KeptSecret>,
    /// Why the apply must not go on with a key whose secret the caller
    /// stored: it was revoked or taken over elsewhere meanwhile.
    pub(super) taken_over: Option<String>,
}

/// After the caller said "stored": the key read again must still be as
/// this apply made it (its pending name, its expiration). Otherwise another
/// apply or a change elsewhere took it over while its secret was on
/// screen, and going on (renaming it, retiring the key it replaces) would
/// tell the person a key is good when it is not: `Err` says so, when the
/// secret stops working, and what to do.
async fn still_pending(client: &Client, pending: &ApiKey) -> std::result::Result<(), String> {
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let why = match client.get_key(&pending.id).await {
        Ok(key) if key.name == pending.name && key.expires_at == pending.expires_at => {
            return Ok(());
        }
        Ok(key) => {
            let ends = match key.expires_at {
                Some(t) if t <= chrono::Utc::now() => {
                    format!("the secret shown stopped working at {}", at(t))
                }
                Some(t) => format!("the secret shown stops working at {}", at(t)),
                None => "the secret shown does not expire".to_owned(),
            };
            format!(
                "was taken over while its secret was on screen: another apply or a change elsewhere renamed it {:?} or changed its expiration; {ends}",
                key.name
            )
        }
        Err(Error::NotFound(_)) => "was revoked while its secret was on screen (by another apply or a change elsewhere): the secret shown no longer works".to_owned(),
        Err(e) => format!(
            "could not be read again once its secret was stored ({e}), so whether another apply took it over is unknown"
        ),
    };
    Err(format!(
        "the new key {} {why}. This apply does not go on with it, and leaves the key it was to replace as it is: run `narrative-keys plan` to see where the keys stand",
        pending.id
    ))
}

/// A delivery already made (by [`Delivery::run`]), handed to
/// `deliver_or_revoke`, which revokes the key again when it failed.
pub(super) struct Made(pub(super) Option<std::result::Result<(), DeliveryError>>);

impl SecretSink for Made {
    fn check(&mut self) -> std::result::Result<(), DeliveryError> {
        Ok(())
    }

    fn deliver(&mut self, item: &NewSecret<'_>) -> std::result::Result<(), DeliveryError> {
        self.0.take().unwrap_or_else(|| {
            Err(DeliveryError::new(
                item.key.name.clone(),
                "was handed over twice",
            ))
        })
    }
}

/// The delivery of every action that makes a key, checked, before anything
/// is sent: a target that cannot work, or a key without any (and neither
/// `--secrets-out` nor a caller to hand it to), is [`Error::Output`].
pub(super) fn prepare_targets(
    client: &Client,
    file: &KeysFile,
    plan: &Plan,
    options: &ApplyOptions,
) -> Result<Vec<Option<Delivery>>> {
    let mut prepared = Vec::new();
    let mut no_target = Vec::new();
    for (i, action) in plan.actions.iter().enumerate() {
        let spec = action.entry.and_then(|e| file.keys.get(e));
        match spec {
            Some(spec) if action.action.creates() => {
                if spec.targets.is_empty() {
                    no_target.push(i);
                }
                let mut delivery = own_targets(client, spec, options);
                delivery.keeps_held = action.keys.is_empty();
                prepared.push(Some(delivery));
            }
            _ => prepared.push(None),
        }
    }
    if let (None, Some(caller)) = (&options.secrets_out, &options.to_caller) {
        for &i in &no_target {
            if let Some(delivery) = &mut prepared[i] {
                delivery.caller = Some(caller.clone());
            }
        }
    } else if let Some(&first) = no_target.first() {
        let Some(path) = &options.secrets_out else {
            let name = &plan.actions[first].name;
            return Err(Error::Output(
                DeliveryError::new(
                    format!("[[key]] {name:?}"),
                    "names no target for its new secret (secret_to or secret_out)",
                )
                .hint("add secret_to or secret_out to the entry, or pass --secrets-out FILE to collect such secrets in a new file"),
            ));
        };
        let mut file = SecretsFile::new(path);
        file.check().map_err(Error::Output)?;
        let shared = Arc::new(Mutex::new(file));
        for i in no_target {
            if let Some(delivery) = &mut prepared[i] {
                delivery.shared = Some(Arc::clone(&shared));
            }
        }
    }
    for delivery in prepared.iter_mut().flatten() {
        delivery.check().map_err(Error::Output)?;
    }
    Ok(prepared)
}

/// For `plan`: the own targets (`secret_to`, `secret_out`) of every key it
/// would create or rotate, checked as `apply` checks them before its first
/// request, so a target apply would refuse is [`Error::Output`] in the plan
/// too. The run's `--secrets-out` is apply's alone, and not checked here.
pub fn check_targets(client: &Client, file: &KeysFile, plan: &Plan) -> Result<()> {
    for action in plan.actions.iter().filter(|a| a.action.creates()) {
        if let Some(spec) = action.entry.and_then(|e| file.keys.get(e)) {
            own_targets(client, spec, &ApplyOptions::default())
                .check()
                .map_err(Error::Output)?;
        }
    }
    Ok(())
}

fn own_targets(client: &Client, spec: &KeySpec, options: &ApplyOptions) -> Delivery {
    let output = options.keep_command_output.then(CapturedOutput::new);
    Delivery {
        commands: spec
            .targets
            .secret_to
            .iter()
            .map(|c| {
                let mut command = SecretCommand::new(c).interrupt(client.interrupt().clone());
                if let Some(limit) = options.delivery_limit {
                    command = command.limit(limit);
                }
                if let Some(output) = &output {
                    command = command.keep_output(output.clone());
                }
                command
            })
            .collect(),
        file: spec.targets.secret_out.as_ref().map(|p| {
            let f = SecretFile::new(p);
            match &spec.targets.secret_env_name {
                Some(name) => f.env_name(name),
                None => f,
            }
        }),
        shared: None,
        caller: None,
        output,
        keeps_held: false,
        kept: None,
        given: 0,
    }
}
