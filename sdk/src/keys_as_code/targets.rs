//! A key's targets as `apply` uses them: checked before the first request
//! (and by `plan`), then given its new secret in turn.

use super::apply::ApplyOptions;
use super::file::{KeySpec, KeysFile};
use super::plan::Plan;
use crate::client::Client;
use crate::deliver::{
    DeliveryError, KeptSecret, NewSecret, SecretCommand, SecretFile, SecretSink, SecretsFile,
};
use crate::error::{Error, Result};

/// A key's own targets, as sinks: its commands in turn, then its file;
/// `shared` when it has none and takes the run's `--secrets-out` file.
pub(super) struct KeySinks {
    pub(super) commands: Vec<SecretCommand>,
    pub(super) file: Option<SecretFile>,
    pub(super) shared: bool,
}

impl KeySinks {
    fn check(&mut self) -> std::result::Result<(), DeliveryError> {
        for c in &mut self.commands {
            c.check()?;
        }
        if let Some(f) = &mut self.file {
            f.check()?;
        }
        Ok(())
    }
}

/// One key's delivery: its own targets, or the run's shared file.
pub(super) struct Delivery<'a> {
    pub(super) own: &'a mut KeySinks,
    pub(super) shared: Option<&'a mut SecretsFile>,
    /// A key the plan creates (no key of its own is replaced): what its
    /// `secret_out` held may be another live key's secret, so it is kept
    /// beside it ([`KeptSecret`]) and deleted only if it dies in this run.
    pub(super) keeps_held: bool,
    pub(super) kept: Option<KeptSecret>,
    /// How many of its commands took the secret, named if it is revoked.
    pub(super) given: usize,
}

impl SecretSink for Delivery<'_> {
    /// Checked before the first request, by [`prepare_targets`].
    fn check(&mut self) -> std::result::Result<(), DeliveryError> {
        Ok(())
    }

    /// Every target must take it; the first failure stops the rest. A key
    /// with no target at all never counts as delivered.
    fn deliver(&mut self, item: &NewSecret<'_>) -> std::result::Result<(), DeliveryError> {
        let own = &mut *self.own;
        if own.commands.is_empty() && own.file.is_none() && self.shared.is_none() {
            return Err(DeliveryError::new(
                item.key.name.clone(),
                "has no target for its secret",
            ));
        }
        for c in &mut own.commands {
            c.deliver(item)?;
            self.given += 1;
        }
        if let Some(f) = &mut own.file {
            f.deliver(item)?;
            match f.take_kept() {
                Some(kept) if self.keeps_held => self.kept = Some(kept),
                // A rotation's file held this key's own previous secret,
                // which the retirement ends: replaced, not kept.
                Some(kept) => kept.discard(),
                None => {}
            }
        }
        if let Some(s) = &mut self.shared {
            s.deliver(item)?;
        }
        Ok(())
    }
}

/// The sinks of every action that makes a key, checked, before anything is
/// sent: a target that cannot work, or a key without any (and no
/// `--secrets-out`), is [`Error::Output`].
pub(super) fn prepare_targets(
    client: &Client,
    file: &KeysFile,
    plan: &Plan,
    options: &ApplyOptions,
) -> Result<(Vec<Option<KeySinks>>, Option<SecretsFile>)> {
    let mut prepared = Vec::new();
    let mut needs_shared = Vec::new();
    for (i, action) in plan.actions.iter().enumerate() {
        let spec = action.entry.and_then(|e| file.keys.get(e));
        match spec {
            Some(spec) if action.action.creates() => {
                let mut sinks = own_targets(client, spec, options);
                if spec.targets.is_empty() {
                    needs_shared.push(i);
                    sinks.shared = true;
                }
                prepared.push(Some(sinks));
            }
            _ => prepared.push(None),
        }
    }
    let mut shared = None;
    if let Some(&first) = needs_shared.first() {
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
        shared = Some(file);
    }
    for targets in prepared.iter_mut().flatten() {
        targets.check().map_err(Error::Output)?;
    }
    Ok((prepared, shared))
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

fn own_targets(client: &Client, spec: &KeySpec, options: &ApplyOptions) -> KeySinks {
    KeySinks {
        commands: spec
            .targets
            .secret_to
            .iter()
            .map(|c| {
                let command = SecretCommand::new(c).interrupt(client.interrupt().clone());
                match options.delivery_limit {
                    Some(limit) => command.limit(limit),
                    None => command,
                }
            })
            .collect(),
        file: spec.targets.secret_out.as_ref().map(|p| {
            let f = SecretFile::new(p);
            match &spec.targets.secret_env_name {
                Some(name) => f.env_name(name),
                None => f,
            }
        }),
        shared: false,
    }
}
