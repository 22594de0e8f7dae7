//! `rotate`'s arguments.

use clap::Args;

use super::values::{expiration_values, suggest};
use super::{JSON_HELP, JSON_LONG_HELP, KEY_HELP, KEY_LONG_HELP, SecretDelivery};

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys rotate \"Partner upload bot\" --dry-run\n  narrative-keys rotate 546c65d6 --overlap 24h --secret-out ingest.env\n  narrative-keys rotate 546c65d6 --keep-old --secret-to 'gh secret set NARRATIVE_API_KEY'"
)]
/// `rotate`'s arguments.
pub struct RotateArgs {
    #[arg(value_name = "KEY", help = KEY_HELP, long_help = KEY_LONG_HELP)]
    /// The key: id, id prefix or exact name.
    pub id: String,
    /// The new key's expiration.
    #[arg(long, value_name = "WHEN",
        help = "The new key's expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]",
        long_help = concat!("The new key's expiration: 90d, 2027-01-31, an RFC 3339 instant [default: 90d]\n\n", super::expires_forms!()), value_parser = suggest(expiration_values), hide_possible_values = true, allow_hyphen_values = true)]
    pub expires: Option<String>,
    /// Keep the old key working; revoke it yourself later.
    ///
    /// Without --keep-old or --overlap the old key is revoked once the new
    /// secret is delivered, never before.
    #[arg(long)]
    pub keep_old: bool,
    /// Zero-downtime rotation: keep the old key working for SPAN (24h,
    /// 7d, 2w, 1mo) after the new secret is delivered, then let it
    /// expire; an old key that expires sooner keeps its expiration.
    ///
    /// In the same update the old key is renamed `NAME (retiring
    /// 2026-12-08 10:00 UTC)`, so the name is left to the successor: `show
    /// NAME` and the next `rotate NAME` reach the new key, and list, show,
    /// the terminal UI and the panel show the old one as retiring (↻). If
    /// that update fails, the new secret has been delivered all the same:
    /// the command exits 1 and prints the `narrative-keys update` that sets
    /// both again.
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
    #[arg(
        long,
        help = "Print the successor that would be made and what would happen to the old key, and change nothing",
        long_help = concat!("Print the successor that would be made, where its secret would go and what would happen to the old key, and change nothing.\n\n", super::dry_run_note!())
    )]
    /// Print what would happen.
    pub dry_run: bool,
    #[arg(long, help = JSON_HELP, long_help = JSON_LONG_HELP)]
    /// Print JSON.
    pub json: bool,
}
