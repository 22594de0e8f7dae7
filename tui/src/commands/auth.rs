//! `auth`: signing in once and the named profiles (`crate::profiles`).
//! Human output goes to stderr, as gh's does; only `auth token`, `--json`
//! and the tables of `auth list`/`auth status` go to stdout.

use std::io::{IsTerminal, Read};
use std::time::Duration;

use narrative_keys::{Environment, Secret, Whoami};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::cli::{
    AuthArgs, AuthCommand, GlobalArgs, ListProfilesArgs, LoginArgs, LogoutArgs, StatusArgs,
    TokenArgs,
};
use crate::error::{CliError, EXIT_FINDING};
use crate::output::{self, escape_controls, msgln, out, outln, print_json};
use crate::profiles::{self, KeyStore, Profile, Profiles, Storage};
use crate::session::{self, Credentials};

/// Runs one `auth` subcommand.
pub(super) async fn auth(args: AuthArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    if global.demo {
        return Err(
            CliError::usage("auth keeps keys for real environments; --demo needs none")
                .hint("leave out --demo"),
        );
    }
    match args.command {
        AuthCommand::Login(a) => login(&a, global).await,
        AuthCommand::Logout(a) => logout(&a, global).await,
        AuthCommand::Status(a) => status(&a, global).await,
        AuthCommand::Switch(a) => switch(&a.profile),
        AuthCommand::List(a) => list(&a, global),
        AuthCommand::Token(a) => token(&a, global),
    }
}

/// The profile an `auth` command acts on: `--profile`, else
/// `NARRATIVE_PROFILE`'s, else the default; `None` when none is named.
fn chosen_profile(profiles: &Profiles, global: &GlobalArgs) -> Result<Option<String>, CliError> {
    let name = match &global.profile {
        Some(name) => Some(name.clone()),
        None => session::implicit_profile(profiles).map(|(name, _)| name),
    };
    if let Some(name) = &name {
        profiles::check_name(name)?;
    }
    Ok(name)
}

/// Whether `CI` is set (to anything but empty, `0` or `false`): no desktop
/// keyring there, so the file is chosen without trying one.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

fn warn(text: &str) {
    let style = output::status_style(narrative_keys::KeyStatus::ExpiringSoon);
    msgln!("{style}warning{style:#}: {text}");
}

/// The key variables that are set: they win over the default profile.
fn key_variables_set() -> Option<&'static str> {
    narrative_keys::client::env_var(&narrative_keys::client::API_KEY_VARS).map(|(name, _)| name)
}

// long: read, check, store, record and report: one sign-in, in order.
async fn login(args: &LoginArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    if global.api_key.is_some() {
        return Err(CliError::usage(
            "auth login does not take --api-key: the key would stay in your shell history",
        )
        .hint(
            "run auth login on a terminal to be asked for it, or send it with --with-token < FILE",
        ));
    }
    let mut profiles = Profiles::load()?;
    let name =
        chosen_profile(&profiles, global)?.unwrap_or_else(|| profiles::DEFAULT_PROFILE.into());
    let existing = profiles.config.profiles.get(&name).cloned();
    let environment_text = match (&global.environment, &existing) {
        (Some(text), _) => text.clone(),
        (None, Some(p)) => p.environment.clone(),
        (None, None) => "prod".into(),
    };
    let environment = environment_text
        .parse::<Environment>()
        .map_err(|e| CliError::usage(format!("--environment: {e}")))?;
    let key = read_key(args.with_token)?;
    let me = check_key(global, &key, &environment).await.map_err(|e| {
        let message = format!("{}; nothing was saved", e.message);
        // The general hint speaks of --api-key and NARRATIVE_API_KEY; here
        // the key is the one just given to login.
        let hint = if e.status == Some(401) {
            Some(format!(
                "the key given to auth login was refused by {}: it may be wrong, revoked or expired, or meant for another environment (--environment); copy it again and run auth login again",
                environment.name()
            ))
        } else {
            e.hint
        };
        CliError { message, hint, ..e }
    })?;
    let vault = profiles.vault();
    let (storage, fallback) = vault.save(&name, &key, args.insecure_storage || in_ci())?;
    if let Some(text) = fallback {
        warn(&text);
    }
    // A copy left in the other store would outlive a logout.
    if let Some(old) = existing.filter(|old| old.storage != storage) {
        let _ = vault.store(old.storage).delete(&name);
    }
    profiles.config.profiles.insert(
        name.clone(),
        Profile {
            environment: environment.name(),
            storage,
        },
    );
    let became_default = profiles.config.default.is_none();
    if became_default {
        profiles.config.default = Some(name.clone());
    }
    profiles.save()?;
    msgln!(
        "Signed in to {} as {}.",
        environment.name(),
        account_text(&me)
    );
    let ending = key
        .last_four()
        .map(|e| format!(" …{e}"))
        .unwrap_or_default();
    msgln!(
        "Profile {name}: key{ending} kept in {}{}.",
        vault.describe(storage),
        if profiles.config.default.as_deref() == Some(name.as_str()) {
            "; the default profile"
        } else {
            ""
        }
    );
    if let Some(var) = key_variables_set() {
        warn(&format!(
            "{var} is set and wins over the default profile (not over --profile); unset it to use profile {name}"
        ));
    }
    if !became_default && profiles.config.default.as_deref() != Some(name.as_str()) {
        msgln!(
            "Use it with --profile {name}, or make it the default: narrative-keys auth switch {name}"
        );
    }
    Ok(0)
}

/// The key, from standard input with `--with-token`, else from a hidden
/// prompt on a terminal; anything else is an error saying so.
fn read_key(with_token: bool) -> Result<Secret, CliError> {
    let text = if with_token {
        let mut text = Zeroizing::new(String::new());
        std::io::stdin()
            .lock()
            .take(64 * 1024)
            .read_to_string(&mut text)
            .map_err(|e| {
                CliError::usage(format!("cannot read the key from standard input: {e}"))
            })?;
        text
    } else if std::io::stdin().is_terminal() {
        Zeroizing::new(
            rpassword::prompt_password("Paste your Narrative API key (it is not shown): ")
                .map_err(|e| CliError::usage(format!("cannot read the key: {e}")))?,
        )
    } else {
        return Err(CliError::usage(
            "standard input is not a terminal, so the key cannot be asked for",
        )
        .hint("send the key on standard input with --with-token, e.g. narrative-keys auth login --with-token < key.txt"));
    };
    let key = text.trim();
    if key.is_empty() {
        return Err(CliError::usage("no key was given")
            .hint("paste the key, or send it on standard input with --with-token"));
    }
    if key.contains(char::is_whitespace) {
        return Err(
            CliError::usage("the key has spaces or line breaks inside; a key is one word")
                .hint("give the key alone, with nothing before or after it"),
        );
    }
    Ok(Secret::new(key))
}

/// Asks `/whoami` with `key`: who it belongs to, or why it is refused.
async fn check_key(
    global: &GlobalArgs,
    key: &Secret,
    environment: &Environment,
) -> Result<Whoami, CliError> {
    let client = session::builder(global)
        .api_key(key.clone())
        .environment(environment.clone())
        .build()?;
    Ok(client.whoami().await?)
}

/// "Ada (user 1), company Acme [acme] (id 7)", as `whoami` words them.
fn account_text(me: &Whoami) -> String {
    let company = me
        .current_company_scope
        .as_ref()
        .map(|c| format!(", company {}", super::whoami::company_text(c)))
        .unwrap_or_default();
    format!("{}{company}", super::whoami::user_text(me))
}

/// What the server says of a key about to be forgotten: it lists keys (it
/// holds `access_tokens`, so it is one that manages keys, and the way to end
/// it is the revoke command), it is refused (401: dead already), or it
/// cannot list keys or could not be asked. `/whoami` cannot tell: its
/// permissions are the user's, not the key's.
async fn manages_keys(
    global: &GlobalArgs,
    key: &Secret,
    environment: &Environment,
) -> Option<bool> {
    let client = session::builder(&quick(global))
        .api_key(key.clone())
        .environment(environment.clone())
        .build()
        .ok()?;
    match client.list_keys().await {
        Ok(_) => Some(true),
        Err(e) if e.status() == Some(401) => Some(false),
        Err(_) => None,
    }
}

/// `…abcd`, or a note for a key too short to show any of.
fn masked(key: &Secret) -> String {
    key.last_four()
        .map_or_else(|| "(too short to show)".into(), |e| format!("…{e}"))
}

// long: each profile is removed from its store and the settings, and told about.
async fn logout(args: &LogoutArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let mut profiles = Profiles::load()?;
    if args.all && global.profile.is_some() {
        return Err(CliError::usage("give --profile or --all, not both"));
    }
    let names = if args.all {
        profiles.names()
    } else {
        match chosen_profile(&profiles, global)? {
            Some(name) if profiles.config.profiles.contains_key(&name) => vec![name],
            Some(name) => {
                msgln!("Profile {name} is not signed in on this machine; nothing to remove.");
                return Ok(0);
            }
            None => Vec::new(),
        }
    };
    // Keys the file holds for no profile (config.toml moved away): --all
    // removes them too, whatever config.toml says.
    let orphans = if args.all {
        profiles.orphaned_keys()
    } else {
        Vec::new()
    };
    if names.is_empty() && orphans.is_empty() {
        match profiles.names() {
            known if known.is_empty() => {
                msgln!("No profile is signed in on this machine; nothing to remove.")
            }
            known => msgln!(
                "No profile was named and none is the default; nothing was removed. Signed in: {}; name one with --profile NAME, or sign out of all with --all.",
                known.join(", ")
            ),
        }
        return Ok(0);
    }
    let vault = profiles.vault();
    for name in names {
        let Some(profile) = profiles.config.profiles.get(&name).cloned() else {
            continue;
        };
        let store = vault.store(profile.storage);
        let key = store.get(&name).ok().flatten();
        // Asked before the key is forgotten: whether it still works, and
        // whether it manages keys (then the way to end it is said).
        let answer = match (&key, profile.environment.parse::<Environment>()) {
            (Some(key), Ok(env)) => manages_keys(global, key, &env).await,
            _ => None,
        };
        store.delete(&name).map_err(|e| e.into_cli(&name))?;
        profiles.config.profiles.remove(&name);
        if profiles.config.default.as_deref() == Some(name.as_str()) {
            profiles.config.default = None;
        }
        profiles.save()?;
        msgln!(
            "Signed out of profile {name}: its key was removed from {}.",
            vault.describe(profile.storage)
        );
        let ending = key.as_ref().map(masked).unwrap_or_default();
        match answer {
            Some(true) => msgln!(
                "The key {ending} still works on the server: signing out only forgets it here. It manages keys; to end it, revoke it with a key that can: narrative-keys revoke ID (`narrative-keys list` shows its id)."
            ),
            Some(false) => {
                msgln!("The server already refuses the key {ending}; nothing more to do.")
            }
            _ => msgln!(
                "The key {ending} may still work on the server: signing out only forgets it here. Whoever manages your keys can revoke it with narrative-keys revoke ID."
            ),
        }
    }
    if !orphans.is_empty() {
        let file = profiles.file_store();
        for name in &orphans {
            file.delete(name).map_err(|e| e.into_cli(name))?;
        }
        msgln!(
            "Removed the keys {} held for profiles no longer in config.toml ({}). They may still work on the server: whoever manages your keys can revoke them with narrative-keys revoke ID.",
            file.path().display(),
            orphans.join(", ")
        );
    }
    if profiles.config.default.is_none() && !profiles.config.profiles.is_empty() {
        msgln!(
            "No default profile now; choose one with narrative-keys auth switch NAME ({}).",
            profiles.names().join(", ")
        );
    }
    Ok(0)
}

/// The global options with a short timeout: a check that only informs.
fn quick(global: &GlobalArgs) -> GlobalArgs {
    GlobalArgs {
        timeout: Some(global.timeout.unwrap_or(Duration::from_secs(10))),
        ..global.clone()
    }
}

/// `auth status --json`: the winning sources and every profile; never a key.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct StatusJson {
    active: ActiveJson,
    /// Profiles `credentials.toml` holds a key for that no profile names.
    orphaned_keys: Vec<String>,
    profiles: Vec<ProfileStatusJson>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct ActiveJson {
    credential_source: Option<String>,
    environment_source: Option<String>,
    error: Option<String>,
    profile: Option<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct ProfileStatusJson {
    account: Option<String>,
    active: bool,
    credential_last_four: Option<String>,
    default: bool,
    environment: String,
    error: Option<String>,
    name: String,
    storage: &'static str,
    storage_path: Option<String>,
    works: Option<bool>,
}

/// Which source wins now, as `whoami` would use it, and the profile it is.
fn active(global: &GlobalArgs) -> ActiveJson {
    match session::credentials(global) {
        Ok(Credentials::Real {
            key_source,
            environment_source,
            profile,
            ..
        }) => ActiveJson {
            credential_source: Some(key_source),
            environment_source: Some(environment_source),
            error: None,
            profile,
        },
        Ok(_) => ActiveJson {
            credential_source: None,
            environment_source: None,
            error: None,
            profile: None,
        },
        Err(e) => ActiveJson {
            credential_source: None,
            environment_source: None,
            error: Some(e.message),
            profile: None,
        },
    }
}

// long: one check per profile, then text or JSON.
async fn status(args: &StatusArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let profiles = Profiles::load()?;
    let vault = profiles.vault();
    let active = active(global);
    let mut rows = Vec::new();
    let mut shown_keys = Vec::new();
    for (name, profile) in &profiles.config.profiles {
        let key = vault.store(profile.storage).get(name);
        let answer = match (&key, profile.environment.parse::<Environment>()) {
            (Ok(Some(key)), Ok(env)) => Some(check_key(global, key, &env).await),
            _ => None,
        };
        let (works, account, error) = match (&key, answer) {
            (Err(e), _) => (None, None, Some(e.message.clone())),
            (Ok(None), _) => (
                Some(false),
                None,
                Some("no key stored: sign in again".into()),
            ),
            (_, None) => (None, None, Some("the environment is not valid".into())),
            (_, Some(Ok(me))) => (Some(true), Some(account_text(&me)), None),
            (_, Some(Err(e))) => (
                (e.status == Some(401)).then_some(false),
                None,
                Some(e.message),
            ),
        };
        let key = key.ok().flatten();
        rows.push(ProfileStatusJson {
            account,
            active: active.profile.as_deref() == Some(name.as_str()),
            credential_last_four: key.as_ref().and_then(Secret::last_four),
            default: profiles.config.default.as_deref() == Some(name.as_str()),
            environment: profile.environment.clone(),
            error,
            name: name.clone(),
            storage: profile.storage.name(),
            storage_path: (profile.storage == Storage::File).then(|| vault.describe(Storage::File)),
            works,
        });
        shown_keys.push(key);
    }
    let failing = rows.iter().any(|r| r.works != Some(true));
    let signed_in = !rows.is_empty() || active.credential_source.is_some();
    let code = if failing || !signed_in {
        EXIT_FINDING
    } else {
        0
    };
    if args.json {
        print_json(&StatusJson {
            active,
            orphaned_keys: profiles.orphaned_keys(),
            profiles: rows,
        })?;
        return Ok(code);
    }
    say_orphaned_keys(&profiles);
    match (&active.credential_source, &active.error) {
        (Some(key), _) => outln!(
            "Commands use: key from {}, environment from {}",
            key,
            active.environment_source.as_deref().unwrap_or("default")
        )?,
        (None, Some(e)) => outln!("Commands cannot run: {e}")?,
        (None, None) => outln!("Commands use: no key (sign in with narrative-keys auth login)")?,
    }
    for (row, key) in rows.iter().zip(&shown_keys) {
        let mark = if row.active { "*" } else { " " };
        let key_text = match key {
            Some(k) if args.show_token => k.expose().to_owned(),
            Some(k) => masked(k),
            None => "(none)".into(),
        };
        let kept = row.storage_path.as_deref().unwrap_or("keyring");
        let state = match (&row.account, &row.error) {
            (Some(account), _) => format!("signed in as {account}"),
            (None, Some(e)) if row.works == Some(false) => format!("NOT WORKING: {e}"),
            (None, Some(e)) => format!("could not check: {e}"),
            (None, None) => String::new(),
        };
        let default = if row.default { " (default)" } else { "" };
        out!(
            "{mark} {}{default}\n    environment: {}\n    key: {key_text} in {kept}\n    {state}\n",
            row.name,
            escape_controls(&row.environment),
        )?;
    }
    Ok(code)
}

/// `auth list --json`: one entry per profile.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct ProfileJson<'a> {
    active: bool,
    default: bool,
    environment: &'a str,
    name: &'a str,
    storage: &'static str,
}

fn list(args: &ListProfilesArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let profiles = Profiles::load()?;
    let active = chosen_profile(&profiles, global)?;
    let rows: Vec<ProfileJson> = profiles
        .config
        .profiles
        .iter()
        .map(|(name, p)| ProfileJson {
            active: active.as_deref() == Some(name.as_str()),
            default: profiles.config.default.as_deref() == Some(name.as_str()),
            environment: &p.environment,
            name,
            storage: p.storage.name(),
        })
        .collect();
    if args.json {
        print_json(&rows)?;
        return Ok(0);
    }
    say_orphaned_keys(&profiles);
    if rows.is_empty() {
        msgln!("No profiles; sign in with narrative-keys auth login");
        return Ok(0);
    }
    let mut table = output::Table::new(&["", "PROFILE", "ENVIRONMENT", "KEY KEPT IN"]);
    let plain = anstyle::Style::new();
    for r in &rows {
        let mark = match (r.active, r.default) {
            (true, true) => "* (default)",
            (true, false) => "*",
            (false, true) => "(default)",
            (false, false) => "",
        };
        table.row(vec![
            (mark.into(), plain),
            (r.name.into(), plain),
            (escape_controls(r.environment), plain),
            (r.storage.into(), plain),
        ]);
    }
    out!("{}", table.render())?;
    Ok(0)
}

/// Names the keys `credentials.toml` holds for no profile, and how to
/// remove them: a moved or replaced `config.toml` must not hide them.
fn say_orphaned_keys(profiles: &Profiles) {
    let orphans = profiles.orphaned_keys();
    if !orphans.is_empty() {
        warn(&format!(
            "{} also holds keys no profile in config.toml names (orphaned): {}; remove them with narrative-keys auth logout --all, or delete that file",
            profiles.file_store().path().display(),
            orphans.join(", ")
        ));
    }
}

fn switch(name: &str) -> Result<u8, CliError> {
    profiles::check_name(name)?;
    let mut profiles = Profiles::load()?;
    let environment = profiles.get(name, "auth switch")?.environment.clone();
    profiles.config.default = Some(name.to_owned());
    profiles.save()?;
    msgln!(
        "Default profile: {name} ({})",
        escape_controls(&environment)
    );
    if let Ok(var) = std::env::var(profiles::PROFILE_VAR)
        && !var.trim().is_empty()
        && var.trim() != name
    {
        warn(&format!(
            "{} is set to {} and wins over the default in this shell",
            profiles::PROFILE_VAR,
            escape_controls(var.trim())
        ));
    }
    if let Some(var) = key_variables_set() {
        warn(&format!("{var} is set and wins over the default profile"));
    }
    Ok(0)
}

/// The profile's bare key on stdout, for scripts. Refused on a terminal
/// without `--show-token`, and where it would be lost (`/dev/null`, closed).
fn token(args: &TokenArgs, global: &GlobalArgs) -> Result<u8, CliError> {
    let profiles = Profiles::load()?;
    let Some(name) = chosen_profile(&profiles, global)? else {
        return Err(CliError::usage("no profile is signed in")
            .hint("sign in with narrative-keys auth login, or name one with --profile"));
    };
    let named_by = match &global.profile {
        Some(_) => "--profile",
        None => session::implicit_profile(&profiles).map_or("the default profile", |(_, by)| by),
    };
    profiles.get(&name, named_by)?;
    if std::io::stdout().is_terminal() && !args.show_token {
        return Err(CliError::usage(
            "standard output is a terminal: the key would stay on the screen and in its scrollback",
        )
        .hint("send it to a program (narrative-keys auth token | pbcopy), or pass --show-token to print it here"));
    }
    crate::delivery::check_stdout_keeps("the key")
        .map_err(|e| CliError::from(narrative_keys::Error::Output(e)))?;
    let key = profiles.key(&profiles.vault(), &name)?;
    outln!("{}", key.expose())?;
    Ok(0)
}
