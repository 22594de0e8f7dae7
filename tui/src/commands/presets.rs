//! `presets`: the named permission presets.

use crate::output::outln;
use narrative_keys::Preset;

use crate::cli::PresetsArgs;
use crate::error::CliError;
use crate::output::{BOLD, DIM, print_json};

pub(super) fn presets(args: &PresetsArgs) -> Result<u8, CliError> {
    if args.json {
        let rows: Vec<_> = Preset::ALL.map(Preset::info).to_vec();
        print_json(&rows)?;
        return Ok(0);
    }
    for p in Preset::ALL {
        let perms = if p.takes_resources() {
            "read and write on the resources given with --grant".to_owned()
        } else {
            p.permissions(&[]).to_string()
        };
        outln!(
            "{BOLD}{:<21}{BOLD:#} {}\n{:<21} {DIM}{perms}{DIM:#}",
            p.name(),
            p.description(),
            ""
        )?;
    }
    Ok(0)
}
