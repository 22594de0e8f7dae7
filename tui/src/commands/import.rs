//! `import`: `[[key]]` entries for existing keys, on stdout.

use crate::cli::ImportArgs;
use crate::error::CliError;
use crate::output::{msgln, out};
use crate::session::Session;

pub(super) async fn import(s: &Session, args: &ImportArgs) -> Result<u8, CliError> {
    let keys = s.client.list_keys().await?;
    let text = narrative_keys::keys_as_code::import(&keys, args.name_matches.as_deref());
    if text.is_empty() {
        msgln!("No key to import (keys in their overlap are left out).");
        return Ok(0);
    }
    // The first line: taplo and Even Better TOML read the file's schema
    // from it, a path relative to the file (`narrative-keys schema` writes it).
    out!(
        "#:schema ./{}\n{text}",
        narrative_keys::keys_as_code::SCHEMA_FILE
    )?;
    Ok(0)
}
