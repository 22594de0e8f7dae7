//! `rotate`'s arguments.

use clap::Args;

use super::values::{expiration_values, suggest};
use super::{JSON_HELP, KEY_HELP, SecretDelivery};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys rotate \"Partner upload bot\" --dry-run\n  narrative-keys rotate 546c65d6 --overlap 24h --secret-out ingest.env\n  narrative-keys rotate 546c65d6 --keep-old --secret-to 'gh secret set NARRATIVE_API_KEY'"
)]
/// `rotate`'s arguments.
pub struct RotateArgs {
    #[arg(value_name = "KEY", help = KEY_HELP)]
    /// The key: id, id prefix or exact name.
    pub id: String,
    /// The new key's expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]
    #[arg(long, value_name = "WHEN", value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    pub expires: Option<String>,
    /// Keep the old key working; revoke it yourself later.
    #[arg(long)]
    pub keep_old: bool,
    /// Zero-downtime rotation: keep the old key working for SPAN (24h,
    /// 7d, 2w, 1mo) after the new secret is delivered, then let it
    /// expire; an old key that expires sooner keeps its expiration.
    #[arg(
        long,
        value_name = "SPAN",
        conflicts_with = "keep_old",
        allow_hyphen_values = true
    )]
    pub overlap: Option<String>,
    #[command(flatten)]
    /// Where the new secret goes.
    pub delivery: SecretDelivery,
    /// Print the successor that would be made and what would happen to the old key, and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP)]
    /// Print JSON.
    pub json: bool,
}
