//! `auth`'s arguments: signing in once, named profiles. The profile and the
//! environment are the global `--profile` and `--environment`.

use clap::{Args, Subcommand};

use super::{JSON_HELP, JSON_LONG_HELP};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys auth login\n  narrative-keys auth login --profile dev --environment dev\n  pass show narrative/prod | narrative-keys auth login --with-token\n  narrative-keys auth status\n  narrative-keys auth switch dev\n  narrative-keys --profile dev list\n\nA key given with --api-key, NARRATIVE_API_KEY or NARRATIVE_API_TOKEN wins over the default profile and NARRATIVE_PROFILE; --profile wins over the variables."
)]
/// `auth`'s arguments.
pub struct AuthArgs {
    #[command(subcommand)]
    /// What to do.
    pub command: AuthCommand,
}

impl AuthArgs {
    /// Whether `--json` was asked for.
    pub fn json(&self) -> bool {
        match &self.command {
            AuthCommand::Status(a) => a.json,
            AuthCommand::List(a) => a.json,
            _ => false,
        }
    }
}

#[derive(Debug, Subcommand)]
/// The `auth` subcommands.
pub enum AuthCommand {
    /// Sign in: check an API key with the API, then keep it under a profile
    /// (--profile, else the default profile, else `default`) in the OS keyring.
    ///
    /// On a terminal the key is asked for without echo; otherwise pass
    /// --with-token and send it on standard input. The first profile becomes
    /// the default. Where no keyring answers, the key goes to an owner-only
    /// credentials.toml beside config.toml, with a warning.
    Login(LoginArgs),
    /// Forget a profile's key on this machine (it still works on the server).
    Logout(LogoutArgs),
    /// Every profile: its environment, where its key is kept (masked), and
    /// whether the API still takes it. Exits 1 when a stored key no longer works.
    Status(StatusArgs),
    /// Make a profile the default.
    Switch(SwitchArgs),
    /// The profiles, the default marked.
    List(ListProfilesArgs),
    /// Print the profile's bare key on standard output, for scripts
    /// (`export NARRATIVE_API_KEY=$(narrative-keys auth token)`).
    Token(TokenArgs),
}

#[derive(Debug, Args)]
/// `auth login`'s arguments.
pub struct LoginArgs {
    /// Read the key from standard input (e.g. a file or a secret manager's
    /// output) instead of asking for it.
    #[arg(long)]
    pub with_token: bool,
    /// Keep the key in credentials.toml (owner-only) without trying the OS
    /// keyring, as when CI is set.
    #[arg(long)]
    pub insecure_storage: bool,
}

#[derive(Debug, Args)]
/// `auth logout`'s arguments.
pub struct LogoutArgs {
    /// Every profile.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
/// `auth status`'s arguments.
pub struct StatusArgs {
    /// Show the keys in full instead of their last four characters.
    #[arg(long, conflicts_with = "json")]
    pub show_token: bool,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON (never a key).
    pub json: bool,
}

#[derive(Debug, Args)]
/// `auth switch`'s arguments.
pub struct SwitchArgs {
    /// The profile to make the default.
    pub profile: String,
}

#[derive(Debug, Args)]
/// `auth list`'s arguments.
pub struct ListProfilesArgs {
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}

#[derive(Debug, Args)]
/// `auth token`'s arguments.
pub struct TokenArgs {
    /// Print the key even when standard output is a terminal, where it
    /// would stay on the screen and in the terminal's scrollback.
    #[arg(long)]
    pub show_token: bool,
}
