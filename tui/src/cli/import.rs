//! `import`'s arguments.

use clap::Args;

#[derive(Debug, Args)]
#[command(
    after_help = "The output starts with a `#:schema ./narrative-keys.schema.json` line: editors that read it (taplo, Even Better TOML) complete and check the file once `narrative-keys schema > narrative-keys.schema.json` has written the schema beside it.\n\nExamples:\n  narrative-keys import > narrative-keys.toml\n  narrative-keys import --name-matches 'ci-*' >> narrative-keys.toml"
)]
/// `import`'s arguments.
pub struct ImportArgs {
    /// Only keys whose name matches GLOB (`*` any text, `?` one character).
    #[arg(long, value_name = "GLOB")]
    pub name_matches: Option<String>,
}

/// `schema`'s arguments: none.
#[derive(Debug, Args)]
#[command(
    after_help = "Example:\n  narrative-keys schema > narrative-keys.schema.json   # beside narrative-keys.toml, whose #:schema line names it"
)]
pub struct SchemaArgs {}
