//! `import`'s arguments.

use clap::Args;

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  narrative-keys import > narrative-keys.toml\n  narrative-keys import --name-matches 'ci-*' >> narrative-keys.toml"
)]
/// `import`'s arguments.
pub struct ImportArgs {
    /// Only keys whose name matches GLOB (`*` any text, `?` one character).
    #[arg(long, value_name = "GLOB")]
    pub name_matches: Option<String>,
}
