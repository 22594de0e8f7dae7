//! The command line, as clap reads it.

use std::path::PathBuf;
use std::time::Duration;

use std::sync::OnceLock;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};
use narrative_keys::{CATALOG, Preset, Secret};

fn parse_secret(s: &str) -> Result<Secret, String> {
    Ok(Secret::new(s))
}

/// The longest `--timeout` or `--deadline` taken.
const LONGEST: Duration = Duration::from_secs(24 * 3600);

/// A duration as `500ms`, `30s`, `2m`, `1h`, or a sum such as `1m30s`:
/// whole numbers, each with its unit.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "`{text}` is not a duration: write a number and a unit, e.g. 30s, 2m, 500ms or 1m30s"
        )
    };
    let lower = text.trim().to_ascii_lowercase();
    let mut rest = lower.as_str();
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = Duration::ZERO;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(bad());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let millis_per = match &rest[..unit] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit..];
        let part = number
            .checked_mul(millis_per)
            .map(Duration::from_millis)
            .ok_or_else(bad)?;
        total = total.checked_add(part).ok_or_else(bad)?;
    }
    if total > LONGEST {
        return Err(format!("`{text}` is longer than the 24h allowed"));
    }
    Ok(total)
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        Duration::ZERO => Err("the timeout must be more than zero, e.g. 30s".to_owned()),
        d => Ok(d),
    }
}

/// Manage Narrative API keys: list, create, rotate, revoke, audit, and respond to incidents.
///
/// Run with no command to open the terminal UI. `--demo` uses a local emulator
/// with sample keys, so nothing needs an account.
#[derive(Debug, Parser)]
#[command(
    name = "narrative-keys",
    version,
    propagate_version = true,
    after_help = "Examples:\n  narrative-keys --demo                  # the terminal UI, on sample keys\n  narrative-keys list --status expiring\n  narrative-keys show \"Analytics dashboard\""
)]
pub struct Cli {
    #[command(flatten)]
    /// Options every subcommand takes.
    pub global: GlobalArgs,
    #[command(flatten)]
    /// Options of the terminal UI.
    pub ui: UiArgs,
    #[command(subcommand)]
    /// The subcommand; none starts the terminal UI.
    pub command: Option<Command>,
}

/// Options of the terminal UI (no subcommand).
#[derive(Debug, Clone, Default, Args)]
pub struct UiArgs {
    /// Browse only: hide and refuse every change (create, edit, clone,
    /// rotate, revoke, incident), e.g. with a key that holds only
    /// read:access_tokens. Terminal UI only.
    #[arg(long)]
    pub readonly: bool,
    /// Reload the list this often, e.g. 30s or 5m, keeping the selected
    /// key and the marks. Terminal UI only.
    // Hyphen values too, so `--refresh -5s` reaches the parser's message
    // rather than clap's "unexpected argument".
    #[arg(long, value_name = "DURATION", value_parser = parse_refresh, allow_hyphen_values = true)]
    pub refresh: Option<Duration>,
}

impl UiArgs {
    /// The first UI-only flag given, to refuse it with a subcommand.
    pub fn given(&self) -> Option<&'static str> {
        if self.readonly {
            Some("--readonly")
        } else if self.refresh.is_some() {
            Some("--refresh")
        } else {
            None
        }
    }
}

/// The shortest `--refresh`: more often would only load the server.
const SHORTEST_REFRESH: Duration = Duration::from_secs(1);

fn parse_refresh(text: &str) -> Result<Duration, String> {
    match parse_duration(text)? {
        d if d < SHORTEST_REFRESH => {
            Err("the refresh interval must be at least 1s, e.g. 30s".to_owned())
        }
        d => Ok(d),
    }
}

#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
/// Options every subcommand takes: credentials, environment, demo, logs, timeout.
pub struct GlobalArgs {
    /// API key to authenticate with [env: NARRATIVE_API_KEY, else NARRATIVE_API_TOKEN];
    /// with --demo, a key of the demo's store (e.g. to try a read-only key)
    #[arg(long, global = true, value_name = "KEY", value_parser = parse_secret)]
    pub api_key: Option<Secret>,
    /// prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT, else NARRATIVE_API_URL; default: prod]
    #[arg(long, global = true, value_name = "ENV", conflicts_with = "demo")]
    pub environment: Option<String>,
    /// Use a local emulator with sample keys instead of Narrative's API.
    #[arg(long, global = true)]
    #[cfg_attr(
        not(feature = "demo"),
        arg(
            help = "Use a local emulator with sample keys instead of Narrative's API (not in this build: rebuild with --features demo)"
        )
    )]
    pub demo: bool,
    /// Where --demo keeps its keys [default: the user's data directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub demo_db: Option<PathBuf>,
    /// With --demo: start from the sample keys again (every key made or
    /// changed in the demo's store is removed).
    #[arg(long, global = true, requires = "demo")]
    pub reset: bool,
    /// Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// How long each request may wait for its answer, e.g. 30s, 2m or 500ms [default: 30s]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

/// Help text of an `--allow-unknown` flag that sends unknown permissions.
const ALLOW_UNKNOWN_HELP: &str = "Send permissions the catalog does not know as written (a newer resource, a wire-only level such as admin); without it they are refused as typos";
/// Help text of a new key's `--expires`.
const NEW_EXPIRES_HELP: &str =
    "90d, 12w, 6mo, 1y, 2027-01-31, an RFC 3339 instant, or never [default: 90d]";

impl GlobalArgs {
    /// The first of `--demo`, `--demo-db`, `--reset` given, if any: what a
    /// build without the `demo` feature refuses.
    pub fn demo_flag(&self) -> Option<&'static str> {
        if self.demo {
            Some("--demo")
        } else if self.demo_db.is_some() {
            Some("--demo-db")
        } else if self.reset {
            Some("--reset")
        } else {
            None
        }
    }
}

/// Help text of a `--json` flag.
const JSON_HELP: &str = "Print JSON on stdout for scripts; errors as one JSON document on stderr";

#[derive(Debug, Subcommand)]
/// The subcommands, one file each in `commands/`.
pub enum Command {
    /// List keys: name, id, permissions, expiry and status.
    #[command(
        after_help = "Examples:\n  narrative-keys list\n  narrative-keys list --status expiring\n  narrative-keys list --json"
    )]
    List {
        /// Only keys with this status.
        #[arg(long, value_enum)]
        status: Option<StatusFilter>,
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// Show one key and what it can do.
    #[command(
        after_help = "Examples:\n  narrative-keys show \"Analytics dashboard\"\n  narrative-keys show 546c65d6\n  narrative-keys show 546c65d6-e589-4d3c-b1fe-7e61711cc418 --json"
    )]
    Show {
        #[arg(value_name = "KEY", help = KEY_HELP)]
        /// The key: id, id prefix or exact name.
        id: String,
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// Create a key. Its secret is shown once.
    #[command(
        after_help = "Examples:\n  narrative-keys create --name \"nightly ingestion\" --preset data-ingestion --secret-out ingest.env\n  narrative-keys create --name dashboard --grant read:datasets --expires 30d --dry-run\n  narrative-keys create --name ci --preset sdk-development --grant datasets --json"
    )]
    Create(CreateArgs),
    /// Change a key's name, permissions or expiration.
    #[command(
        after_help = "Examples:\n  narrative-keys update \"Airflow workflows\" --grant read:datasets --drop write:jobs --dry-run\n  narrative-keys update 546c65d6 --expires 90d\n  narrative-keys update \"Analytics dashboard\" --name \"Analytics dashboard (prod)\""
    )]
    Update(UpdateArgs),
    /// Revoke keys. They stop working at once.
    #[command(
        after_help = "Examples:\n  narrative-keys revoke \"Legacy export job\" --dry-run\n  narrative-keys revoke 546c65d6 39f485cc --yes --ignore-missing --journal revoke.json\n  narrative-keys revoke --resume revoke.json   # after that run was cut off"
    )]
    Revoke(RevokeArgs),
    /// Replace a key with a new one holding the same permissions; then revoke
    /// the old key, keep it, or let it expire after an overlap.
    #[command(
        after_help = "Examples:\n  narrative-keys rotate \"Partner upload bot\" --dry-run\n  narrative-keys rotate 546c65d6 --overlap 24h --secret-out ingest.env\n  narrative-keys rotate 546c65d6 --keep-old --secret-to 'gh secret set NARRATIVE_API_KEY'"
    )]
    Rotate {
        #[arg(value_name = "KEY", help = KEY_HELP)]
        /// The key: id, id prefix or exact name.
        id: String,
        /// The new key's expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]
        #[arg(long, value_name = "WHEN", value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
        expires: Option<String>,
        /// Keep the old key working; revoke it yourself later.
        #[arg(long)]
        keep_old: bool,
        /// Zero-downtime rotation: keep the old key working for SPAN (24h,
        /// 7d, 2w, 1mo) after the new secret is delivered, then let it
        /// expire; an old key that expires sooner keeps its expiration.
        #[arg(
            long,
            value_name = "SPAN",
            conflicts_with = "keep_old",
            allow_hyphen_values = true
        )]
        overlap: Option<String>,
        #[command(flatten)]
        /// Where the new secret goes.
        delivery: SecretDelivery,
        /// Print the successor that would be made and what would happen to the old key, and change nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// Create a key with the same permissions as another, under a new name.
    /// Its secret is shown once, delivered as for create.
    #[command(
        after_help = "Examples:\n  narrative-keys clone \"Airflow workflows\" --name \"Airflow staging\" --secret-out staging.env\n  narrative-keys clone 546c65d6 --name ci-deploy --expires 30d --json\n  narrative-keys clone \"Airflow workflows\" --name \"Airflow staging\" --dry-run"
    )]
    Clone(CloneArgs),
    /// Respond to a leak: revoke every affected key at once, optionally replace them, and report.
    ///
    /// `--resume REPORT.json` finishes an incident that was cut off before every
    /// replacement was made: it creates the missing replacements, never twice.
    #[command(
        after_help = "Examples:\n  narrative-keys incident --name-matches 'laptop-*' --replace --dry-run\n  narrative-keys incident \"Old prototype\" 546c65d6 --replace --report incident.json --yes\n  narrative-keys incident --resume incident.json --secrets-out replacements.env"
    )]
    Incident(IncidentArgs),
    /// Find risky keys. Exits 1 when anything is at warning level or above.
    ///
    /// What the API cannot tell: keys are not tied to a person, so they are not
    /// revoked when someone leaves or loses single sign-on; and there is no
    /// last-used or creation time. To off-board, revoke and replace the
    /// person's keys (`narrative-keys incident --name-matches 'alice-*'
    /// --replace`); for usage, see Narrative's account audit logs.
    #[command(
        after_help = "Examples:\n  narrative-keys audit\n  narrative-keys audit --expiring-within 30d\n  narrative-keys audit --json"
    )]
    Audit {
        /// How near an expiration counts as soon, e.g. 14d or 30d.
        #[arg(long, default_value = "14d", value_name = "SPAN", value_parser = suggest(span_values), hide_possible_values = true)]
        expiring_within: String,
        /// text: an aligned table; md: a Markdown table.
        #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
        format: Format,
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// Describe in plain words what a key, or a set of permissions, allows.
    #[command(
        after_help = "Examples:\n  narrative-keys explain \"Key admin (CI)\"\n  narrative-keys explain --grant write:access_tokens\n  narrative-keys explain --grant read:datasets --grant write:data_streams --json"
    )]
    Explain {
        #[arg(value_name = "KEY", help = KEY_HELP, conflicts_with = "grant", required_unless_present = "grant")]
        /// The key: id, id prefix or exact name.
        id: Option<String>,
        /// Permissions to describe, e.g. read:datasets (repeatable).
        #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
        grant: Vec<String>,
        /// Describe --grant permissions the catalog does not know instead of refusing them as typos.
        #[arg(long, requires = "grant")]
        allow_unknown: bool,
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// The permission catalog: every resource and the levels it supports.
    #[command(after_help = "Examples:\n  narrative-keys catalog\n  narrative-keys catalog --json")]
    Catalog {
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// The use-case presets and their permissions.
    #[command(after_help = "Examples:\n  narrative-keys presets\n  narrative-keys presets --json")]
    Presets {
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// Who the credentials belong to, and where they came from.
    #[command(
        after_help = "Examples:\n  narrative-keys whoami\n  narrative-keys whoami --json\n  NARRATIVE_ENVIRONMENT=dev narrative-keys whoami"
    )]
    Whoami {
        #[arg(long, help = JSON_HELP)]
        /// Print JSON.
        json: bool,
    },
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  narrative-keys completions bash > ~/.local/share/bash-completion/completions/narrative-keys\n  narrative-keys completions zsh > ~/.zfunc/_narrative-keys\n  narrative-keys completions fish > ~/.config/fish/completions/narrative-keys.fish"
    )]
    Completions {
        /// The shell to complete for.
        shell: clap_complete::Shell,
    },
}

impl Command {
    /// Whether `--json` was asked for: errors are then one JSON document.
    pub fn json(&self) -> bool {
        match self {
            Command::List { json, .. }
            | Command::Show { json, .. }
            | Command::Revoke(RevokeArgs { json, .. })
            | Command::Rotate { json, .. }
            | Command::Audit { json, .. }
            | Command::Explain { json, .. }
            | Command::Catalog { json }
            | Command::Presets { json }
            | Command::Whoami { json } => *json,
            Command::Create(a) => a.json,
            Command::Update(a) => a.json,
            Command::Incident(a) => a.json,
            Command::Clone(a) => a.json,
            Command::Completions { .. } => false,
        }
    }
}

const KEY_HELP: &str = "The key: its id, an id prefix of at least 4 characters, or its exact name";
const KEYS_HELP: &str = "Keys: each an id, an id prefix of at least 4 characters, or an exact name";

/// A string argument whose completions are `values`, while any other value
/// is still taken (an unknown permission with --allow-unknown, any span).
fn suggest(values: fn() -> &'static [PossibleValue]) -> Suggested {
    Suggested(values)
}

#[derive(Clone)]
/// A value parser that accepts any text but offers these values for completion.
pub struct Suggested(fn() -> &'static [PossibleValue]);

impl TypedValueParser for Suggested {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new((self.0)().iter().cloned()))
    }
}

/// Every catalog permission in `access:resource` form, read and write.
pub fn permission_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        CATALOG
            .iter()
            .flat_map(|e| {
                ["read", "write"].map(|level| {
                    let text: &'static str =
                        Box::leak(format!("{level}:{}", e.wire).into_boxed_str());
                    PossibleValue::new(text).help(e.display)
                })
            })
            .collect()
    })
}

/// The presets' names, from the SDK.
pub fn preset_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        Preset::ALL
            .iter()
            .map(|p| PossibleValue::new(p.name()).help(p.description()))
            .collect()
    })
}

/// Common `--expires` forms; any other the SDK reads is taken too.
pub fn expiration_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        ["7d", "30d", "90d", "180d", "1y", "never"]
            .into_iter()
            .map(PossibleValue::new)
            .collect()
    })
}

/// Common `--expiring-within` spans.
pub fn span_values() -> &'static [PossibleValue] {
    static VALUES: OnceLock<Vec<PossibleValue>> = OnceLock::new();
    VALUES.get_or_init(|| {
        ["7d", "14d", "30d", "90d"]
            .into_iter()
            .map(PossibleValue::new)
            .collect()
    })
}

/// How a plan or a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned plain-text tables, for a terminal.
    Text,
    /// Markdown, to paste into a ticket or a document.
    Md,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
/// `list --status`: one status, or `expiring` for soon or already.
pub enum StatusFilter {
    /// Working, and not expiring soon.
    Active,
    /// Expiring within 14 days.
    Expiring,
    /// Past its expiration.
    Expired,
    /// Never expires.
    NoExpiry,
}

#[derive(Debug, Args)]
/// `create`'s arguments.
pub struct CreateArgs {
    /// The new key's name, e.g. after its owner or use ("ci-deploy").
    #[arg(long)]
    pub name: String,
    /// read-only-analytics, data-ingestion, workflow-automation, connector-delivery, or sdk-development (read and write on the --grant resources).
    #[arg(long, value_name = "PRESET", value_parser = suggest(preset_values), hide_possible_values = true)]
    pub preset: Vec<String>,
    /// A permission such as read:datasets (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    #[arg(long, value_name = "WHEN", help = NEW_EXPIRES_HELP, value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    /// The expiration as typed.
    pub expires: Option<String>,
    #[command(flatten)]
    /// Where the new secret goes.
    pub delivery: SecretDelivery,
    #[arg(long, help = ALLOW_UNKNOWN_HELP)]
    /// Send permissions the catalog does not know.
    pub allow_unknown: bool,
    /// Print the key that would be created, and create nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}

#[derive(Debug, Args)]
/// `clone`'s arguments.
pub struct CloneArgs {
    /// The key whose permissions are copied (exactly, unknown ones
    /// included): its id, an id prefix of at least 4 characters, or its exact name.
    #[arg(value_name = "KEY")]
    pub id: String,
    /// The new key's name.
    #[arg(long)]
    pub name: String,
    #[arg(long, value_name = "WHEN", help = NEW_EXPIRES_HELP, value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    /// The expiration as typed.
    pub expires: Option<String>,
    #[command(flatten)]
    /// Where the new secret goes.
    pub delivery: SecretDelivery,
    /// Read the key and say what would be created; send nothing else.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}

/// Where a new key's secret goes; checked before anything is sent. If it
/// cannot be delivered once the key exists, the key is revoked again (and a
/// rotated key's predecessor is kept).
#[derive(Debug, Args)]
pub struct SecretDelivery {
    /// Write the secret to FILE as `NAME=<secret>` (0600, atomically; new, empty, or holding only such a line, whose secret is kept beside it as FILE.replaced-TIME, deleted only if it worked before the run and not after); `-` prints it on stdout.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub secret_out: Option<String>,
    /// Run CMD with `sh -c`, the secret on its standard input (never in its arguments or environment); it delivers only by reading its input to the end and exiting 0.
    #[arg(long, value_name = "CMD", conflicts_with = "secret_out", value_hint = ValueHint::CommandString)]
    pub secret_to: Option<String>,
    /// The variable name --secret-out writes [default: NARRATIVE_API_KEY]
    #[arg(long, value_name = "NAME", requires = "secret_out")]
    pub secret_env_name: Option<String>,
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_timeout, requires = "secret_to", help = DELIVERY_TIMEOUT_HELP)]
    /// How long --secret-to's command may run.
    pub delivery_timeout: Duration,
}

const DELIVERY_TIMEOUT_HELP: &str = "How long --secret-to's command may run, e.g. 30s or 5m; then it is stopped with everything it started, the delivery fails and the new key is revoked again";

#[derive(Debug, Args)]
/// `update`'s arguments.
pub struct UpdateArgs {
    #[arg(value_name = "KEY", help = KEY_HELP)]
    /// The key: id, id prefix or exact name.
    pub id: String,
    /// The key's new name.
    #[arg(long)]
    pub name: Option<String>,
    /// Add a permission (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub grant: Vec<String>,
    /// Remove a permission the key holds (repeatable).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub drop: Vec<String>,
    /// New expiration: 90d, 2027-01-31 or an RFC 3339 instant.
    #[arg(long, value_name = "WHEN", value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    pub expires: Option<String>,
    #[arg(long, help = ALLOW_UNKNOWN_HELP)]
    /// Send permissions the catalog does not know.
    pub allow_unknown: bool,
    /// Print the changes that would be made, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}

#[derive(Debug, Args)]
/// `revoke`'s arguments.
pub struct RevokeArgs {
    #[arg(required_unless_present = "resume", value_name = "KEY", help = KEYS_HELP)]
    /// The keys: ids, id prefixes or exact names.
    pub ids: Vec<String>,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
    pub deadline: Duration,
    /// Print the keys that would be revoked, and revoke nothing.
    #[arg(long, conflicts_with = "resume")]
    pub dry_run: bool,
    /// Exit 0 when a key is not found (already revoked, or never visible), so that rerunning a script is harmless.
    #[arg(long)]
    pub ignore_missing: bool,
    /// Keep the journal of a revocation of several keys in FILE, a new file (default: a new file under ~/.local/state/narrative-keys/journals/).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath, conflicts_with_all = ["dry_run", "resume"])]
    pub journal: Option<PathBuf>,
    /// Finish the revocation whose journal is JOURNAL: revoke the keys it lists as not revoked yet, keeping the journal there.
    #[arg(long, value_name = "JOURNAL", value_hint = ValueHint::FilePath, conflicts_with = "ids")]
    pub resume: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}

#[derive(Debug, Args)]
/// `incident`'s arguments.
pub struct IncidentArgs {
    /// Keys to revoke: each an id, an id prefix of at least 4 characters, or an exact name.
    #[arg(value_name = "KEY")]
    pub ids: Vec<String>,
    /// Also every key whose name matches this glob (`*`, `?`; ASCII letters in either case).
    #[arg(long, value_name = "GLOB")]
    pub name_matches: Option<String>,
    /// Also every key holding this permission (repeatable: all must be held).
    #[arg(long, value_name = "PERMISSION", value_parser = suggest(permission_values), hide_possible_values = true)]
    pub holding: Vec<String>,
    /// Match --holding permissions the catalog does not know instead of refusing them as typos.
    #[arg(long, requires = "holding")]
    pub allow_unknown: bool,
    /// Create a replacement with the same permissions for each revoked key
    /// (keys that had already expired are revoked but not replaced).
    #[arg(long)]
    pub replace: bool,
    /// With --replace, replace keys that had already expired too.
    #[arg(long, requires = "replace")]
    pub include_expired: bool,
    /// Show the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Finish the incident whose JSON report is REPORT (--report FILE.json, or its --json output): create the replacements it lists as missing, never twice.
    #[arg(
        long,
        value_name = "REPORT",
        value_hint = ValueHint::FilePath,
        conflicts_with_all = ["ids", "name_matches", "holding", "replace", "include_expired", "dry_run", "note"]
    )]
    pub resume: Option<PathBuf>,
    /// Save the report: Markdown, or JSON when FILE ends in .json (which --resume reads).
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub report: Option<PathBuf>,
    /// Write replacement secrets to a new FILE (0600) as each is made: `NAME=<secret>` lines, or JSON when FILE ends in .json.
    #[arg(long, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub secrets_out: Option<PathBuf>,
    /// Hand each replacement's secret to CMD (`sh -c`, secret on standard input, to be read to the end before exiting 0; NARRATIVE_KEY_ID, _NAME, _ENV_NAME and _REPLACES in its environment).
    #[arg(long, value_name = "CMD", conflicts_with = "secrets_out", value_hint = ValueHint::CommandString)]
    pub secret_to: Option<String>,
    #[arg(long, value_name = "DURATION", default_value = "2m", value_parser = parse_timeout, requires = "secret_to", help = DELIVERY_TIMEOUT_HELP)]
    /// How long --secret-to's command may run for each replacement.
    pub delivery_timeout: Duration,
    /// Let --report replace an existing file.
    #[arg(long, requires = "report")]
    pub force: bool,
    /// What happened, for the report.
    #[arg(long)]
    pub note: Option<String>,
    /// How long to keep trying keys whose revocation failed (429, 5xx, a broken connection), e.g. 60s or 5m; 0s for one try each.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, conflicts_with = "resume")]
    pub deadline: Duration,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// How the plan and the report are printed: text (aligned tables) or md
    /// (Markdown). The --report file is Markdown, or JSON, whatever this says.
    #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
    pub format: Format,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shell line's words: quotes group, `#` starts a comment, `>` ends it.
    fn words(line: &str) -> Vec<String> {
        let (mut out, mut word, mut quote, mut started) = (Vec::new(), String::new(), None, false);
        for c in line.chars() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => word.push(c),
                (None, '\'' | '"') => (quote, started) = (Some(c), true),
                (None, '#' | '>') => break,
                (None, c) if c.is_whitespace() => {
                    if started {
                        out.push(std::mem::take(&mut word));
                    }
                    started = false;
                }
                (None, c) => (word.push(c), started = true).1,
            }
        }
        if started {
            out.push(word);
        }
        out
    }

    #[test]
    fn every_help_example_is_a_command_line_that_parses() {
        use clap::CommandFactory;
        let cli = Cli::command();
        let mut helps = vec![cli.get_after_help().map(ToString::to_string)];
        helps.extend(
            cli.get_subcommands()
                .map(|c| c.get_after_help().map(ToString::to_string)),
        );
        let mut seen = 0;
        for help in helps {
            let help = help.expect("every command has examples");
            for line in help.lines().filter(|l| l.contains("narrative-keys ")) {
                let args: Vec<String> = words(line)
                    .into_iter()
                    .skip_while(|w| w != "narrative-keys")
                    .collect();
                Cli::try_parse_from(&args).unwrap_or_else(|e| panic!("{line}: {e}"));
                seen += 1;
            }
        }
        assert!(seen >= 2 * 13, "{seen} examples");
    }

    #[test]
    fn durations_take_units_and_sums() {
        for (text, ms) in [
            ("500ms", 500),
            ("30s", 30_000),
            ("2m", 120_000),
            ("1h", 3_600_000),
            ("1m30s", 90_000),
            (" 45S ", 45_000),
            ("0s", 0),
            ("24h", 86_400_000),
        ] {
            assert_eq!(
                parse_duration(text),
                Ok(Duration::from_millis(ms)),
                "{text}"
            );
        }
    }

    #[test]
    fn bad_durations_say_what_to_write() {
        for text in [
            "",
            "30",
            "s",
            "1.5s",
            "-1s",
            "30 s",
            "3d",
            "1m30",
            "ms5",
            "99999999999999999999s",
        ] {
            let err = parse_duration(text).unwrap_err();
            assert!(err.contains("e.g. 30s"), "{text}: {err}");
        }
        assert!(parse_duration("25h").unwrap_err().contains("24h"));
        assert!(parse_timeout("0s").unwrap_err().contains("more than zero"));
        assert_eq!(parse_timeout("1s"), Ok(Duration::from_secs(1)));
    }

    #[test]
    fn every_command_that_runs_a_delivery_command_takes_its_timeout() {
        let timeout = |args: &[&str]| -> Result<Duration, String> {
            let cli = Cli::try_parse_from(args).map_err(|e| e.to_string())?;
            Ok(match cli.command {
                Some(Command::Create(a)) => a.delivery.delivery_timeout,
                Some(Command::Clone(a)) => a.delivery.delivery_timeout,
                Some(Command::Rotate { delivery, .. }) => delivery.delivery_timeout,
                Some(Command::Incident(a)) => a.delivery_timeout,
                _ => unreachable!("{args:?}"),
            })
        };
        let two_minutes = Duration::from_secs(120);
        let given = Duration::from_secs(90);
        for args in [
            &["nk", "create", "--name", "n", "--grant", "read:datasets"][..],
            &["nk", "clone", "k", "--name", "n"],
            &["nk", "rotate", "k"],
            &["nk", "incident", "k", "--replace", "--yes"],
            &["nk", "incident", "--resume", "r.json"],
        ] {
            assert_eq!(timeout(args), Ok(two_minutes), "{args:?}");
            let with = [args, &["--secret-to", "cat", "--delivery-timeout", "1m30s"]].concat();
            assert_eq!(timeout(&with), Ok(given), "{with:?}");
            let alone = [args, &["--delivery-timeout", "1m30s"]].concat();
            let err = timeout(&alone).unwrap_err();
            assert!(err.contains("--secret-to"), "{alone:?}: {err}");
            let zero = [args, &["--secret-to", "cat", "--delivery-timeout", "0s"]].concat();
            let err = timeout(&zero).unwrap_err();
            assert!(err.contains("more than zero"), "{zero:?}: {err}");
        }
    }
}
