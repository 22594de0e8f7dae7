//! The command line, as clap reads it.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use narrative_keys::Secret;

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
#[command(name = "narrative-keys", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// API key to authenticate with [env: NARRATIVE_API_KEY]
    #[arg(long, global = true, value_parser = parse_secret)]
    pub api_key: Option<Secret>,
    /// prod, dev, or a URL such as http://127.0.0.1:8080 [env: NARRATIVE_ENVIRONMENT; default: prod]
    #[arg(long, global = true)]
    pub environment: Option<String>,
    /// Use a local emulator with sample keys instead of Narrative's API.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Where --demo keeps its keys [default: the user's data directory]
    #[arg(long, global = true, value_name = "PATH")]
    pub demo_db: Option<PathBuf>,
    /// Write logs to this file (never to the screen) [env: NARRATIVE_KEYS_LOG]
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<PathBuf>,
    /// How long to wait for each request, e.g. 30s, 2m or 500ms; a request
    /// that gets no answer in time fails and is not retried [default: 30s]
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List keys: name, id, permissions, expiry and status.
    List {
        #[arg(long, value_enum)]
        status: Option<StatusFilter>,
        #[arg(long)]
        json: bool,
    },
    /// Show one key and what it can do.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Create a key. Its secret is shown once.
    Create(CreateArgs),
    /// Change a key's name, permissions or expiration.
    Update(UpdateArgs),
    /// Revoke keys. They stop working at once.
    Revoke {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
        /// Do not ask for confirmation.
        #[arg(long, short)]
        yes: bool,
        /// How long to keep trying keys whose revocation failed (429, 5xx, a
        /// broken connection), e.g. 60s or 5m; 0s for one try each.
        #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration)]
        deadline: Duration,
        #[arg(long)]
        json: bool,
    },
    /// Replace a key with a new one holding the same permissions, then revoke
    /// the old one (or, with --overlap, let it expire later).
    Rotate {
        id: String,
        /// The new key's expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]
        #[arg(long, value_name = "WHEN")]
        expires: Option<String>,
        /// Keep the old key working; revoke it yourself later.
        #[arg(long)]
        keep_old: bool,
        /// Zero-downtime rotation: keep the old key working for SPAN (24h,
        /// 7d, 2w, 1mo) after the new secret is delivered, then let it
        /// expire; an old key that expires sooner keeps its expiration.
        #[arg(long, value_name = "SPAN", conflicts_with = "keep_old")]
        overlap: Option<String>,
        #[command(flatten)]
        delivery: SecretDelivery,
        #[arg(long)]
        json: bool,
    },
    /// Create a key with the same permissions as key ID, under a new name.
    /// Its secret is shown once, delivered as for create.
    Clone(CloneArgs),
    /// Respond to a leak: revoke every affected key at once, optionally replace them, and report.
    ///
    /// `--resume REPORT.json` finishes an incident that was cut off before every
    /// replacement was made: it creates the missing replacements, never twice.
    Incident(IncidentArgs),
    /// Find risky keys. Exits 1 when anything is at warning level or above.
    ///
    /// What the API cannot tell: keys are not tied to a person, so they are not
    /// revoked when someone leaves or loses single sign-on; and there is no
    /// last-used or creation time. To off-board, revoke and replace the
    /// person's keys (`narrative-keys incident --name-matches 'alice-*'
    /// --replace`); for usage, see Narrative's account audit logs.
    Audit {
        /// How near an expiration counts as soon, e.g. 14d or 30d.
        #[arg(long, default_value = "14d", value_name = "SPAN")]
        expiring_within: String,
        /// text: an aligned table; md: a Markdown table.
        #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
        format: Format,
        #[arg(long)]
        json: bool,
    },
    /// Describe in plain words what a key, or a set of permissions, allows.
    Explain {
        #[arg(conflicts_with = "grant", required_unless_present = "grant")]
        id: Option<String>,
        /// Permissions to describe, e.g. read:datasets (repeatable).
        #[arg(long, value_name = "PERMISSION")]
        grant: Vec<String>,
        /// Describe --grant permissions the catalog does not know instead of
        /// refusing them as typos.
        #[arg(long, requires = "grant")]
        allow_unknown: bool,
        #[arg(long)]
        json: bool,
    },
    /// The permission catalog: every resource and the levels it supports.
    Catalog {
        #[arg(long)]
        json: bool,
    },
    /// The use-case presets and their permissions.
    Presets {
        #[arg(long)]
        json: bool,
    },
    /// Who the credentials belong to.
    Whoami {
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script.
    Completions { shell: clap_complete::Shell },
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
pub enum StatusFilter {
    Active,
    Expiring,
    Expired,
    NoExpiry,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub name: String,
    /// read-only-analytics, data-ingestion, workflow-automation, connector-delivery,
    /// or sdk-development (which grants read and write on the --grant resources).
    #[arg(long, value_name = "PRESET")]
    pub preset: Vec<String>,
    /// A permission such as read:datasets (repeatable).
    #[arg(long, value_name = "PERMISSION")]
    pub grant: Vec<String>,
    /// 90d, 12w, 2027-01-31, an RFC 3339 instant, or never [default: 90d]
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    #[command(flatten)]
    pub delivery: SecretDelivery,
    /// Send permissions the catalog does not know as written (a resource the
    /// platform added since, a wire-only level such as admin); without it they
    /// are refused as typos, with a suggestion.
    #[arg(long)]
    pub allow_unknown: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct CloneArgs {
    /// The key whose permissions are copied (exactly, unknown ones included).
    pub id: String,
    /// The new key's name.
    #[arg(long)]
    pub name: String,
    /// 90d, 12w, 6mo, 2027-01-31, an RFC 3339 instant, or never [default: 90d]
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    #[command(flatten)]
    pub delivery: SecretDelivery,
    #[arg(long)]
    pub json: bool,
}

/// Where a new key's secret goes; checked before anything is sent. If it
/// cannot be delivered once the key exists, the key is revoked again (and a
/// rotated key's predecessor is kept).
#[derive(Debug, Args)]
pub struct SecretDelivery {
    /// Write the secret to FILE as NAME=<secret> (mode 0600, atomically);
    /// `-` prints it alone on stdout. FILE must be new, empty, or hold only
    /// such a line.
    #[arg(long, value_name = "FILE")]
    pub secret_out: Option<String>,
    /// Run CMD with `sh -c`, the secret on its standard input (never in its
    /// arguments or environment), e.g. 'gh secret set NARRATIVE_API_KEY'.
    /// A non-zero exit is a failed delivery.
    #[arg(long, value_name = "CMD", conflicts_with = "secret_out")]
    pub secret_to: Option<String>,
    /// The variable name --secret-out writes [default: NARRATIVE_API_KEY]
    #[arg(long, value_name = "NAME", requires = "secret_out")]
    pub secret_env_name: Option<String>,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    pub id: String,
    #[arg(long)]
    pub name: Option<String>,
    /// Add a permission (repeatable).
    #[arg(long, value_name = "PERMISSION")]
    pub grant: Vec<String>,
    /// Remove a permission (repeatable).
    #[arg(long, value_name = "PERMISSION")]
    pub drop: Vec<String>,
    /// New expiration: 90d, 2027-01-31 or an RFC 3339 instant.
    #[arg(long, value_name = "WHEN")]
    pub expires: Option<String>,
    /// Send permissions the catalog does not know as written (a resource the
    /// platform added since, a wire-only level such as admin); without it they
    /// are refused as typos, with a suggestion.
    #[arg(long)]
    pub allow_unknown: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct IncidentArgs {
    /// Keys to revoke by id.
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Also every key whose name matches this glob (`*`, `?`; ASCII letters in either case).
    #[arg(long, value_name = "GLOB")]
    pub name_matches: Option<String>,
    /// Also every key holding this permission (repeatable: all must be held).
    #[arg(long, value_name = "PERMISSION")]
    pub holding: Vec<String>,
    /// Match --holding permissions the catalog does not know instead of
    /// refusing them as typos.
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
    /// Finish the incident whose JSON report (saved with --report FILE.json,
    /// or its --json output) is REPORT: create each replacement it lists as
    /// missing. A replacement made by an earlier attempt whose answer was lost
    /// is found and reported, not made again. Revokes nothing and does not ask.
    #[arg(
        long,
        value_name = "REPORT",
        conflicts_with_all = ["ids", "name_matches", "holding", "replace", "include_expired", "dry_run", "note"]
    )]
    pub resume: Option<PathBuf>,
    /// Save the report: Markdown, or JSON when FILE ends in .json (which
    /// --resume can read).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Write replacement secrets to a new FILE (mode 0600) as each is made:
    /// a dotenv file (NAME=<secret> lines, names made from the keys' names,
    /// ids in comments), or JSON when FILE ends in .json.
    #[arg(long, value_name = "FILE")]
    pub secrets_out: Option<PathBuf>,
    /// Hand each replacement's secret to CMD (`sh -c`, secret on standard
    /// input; NARRATIVE_KEY_ID, NARRATIVE_KEY_NAME, NARRATIVE_KEY_ENV_NAME and
    /// NARRATIVE_KEY_REPLACES in its environment) as each is made.
    #[arg(long, value_name = "CMD", conflicts_with = "secrets_out")]
    pub secret_to: Option<String>,
    /// Let --report replace an existing file.
    #[arg(long, requires = "report")]
    pub force: bool,
    /// What happened, for the report.
    #[arg(long)]
    pub note: Option<String>,
    /// How long to keep trying keys whose revocation failed (429, 5xx, a
    /// broken connection), e.g. 60s or 5m; 0s for one try each.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, conflicts_with = "resume")]
    pub deadline: Duration,
    /// Do not ask for confirmation.
    #[arg(long, short)]
    pub yes: bool,
    /// How the plan and the report are printed: text (aligned tables) or md
    /// (Markdown). The --report file is Markdown, or JSON, whatever this says.
    #[arg(long, value_enum, default_value_t = Format::Text, conflicts_with = "json")]
    pub format: Format,
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
