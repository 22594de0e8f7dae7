//! `catalog`: the resources and their access levels.

use crate::output::{msgln, out};
use narrative_keys::CATALOG;
use serde::Serialize;

use crate::cli::CatalogArgs;
use crate::error::CliError;
use crate::output::{BOLD, DIM, Table, print_json};

/// A resource as `catalog --json` prints it.
#[derive(Serialize, schemars::JsonSchema)]
pub(super) struct CatalogJson {
    covers: &'static str,
    display_name: &'static str,
    evidence: &'static str,
    group: &'static str,
    read: bool,
    resource: &'static str,
    single_level: bool,
    write: bool,
}

pub(super) fn catalog(args: &CatalogArgs) -> Result<u8, CliError> {
    if args.json {
        let rows: Vec<_> = CATALOG
            .iter()
            .map(|e| CatalogJson {
                covers: e.covers,
                display_name: e.display,
                evidence: e.evidence.id(),
                group: e.group.title(),
                read: e.read,
                resource: e.wire,
                single_level: e.single_level(),
                write: e.write,
            })
            .collect();
        print_json(&rows)?;
        return Ok(0);
    }
    let plain = anstyle::Style::new();
    let mut table = Table::new(&["GROUP", "RESOURCE", "WIRE NAME", "READ", "WRITE", "COVERS"]);
    for e in CATALOG.iter() {
        // The single-level reading is guidance: the other level is unverified.
        let level = |b: bool| {
            (match (b, e.single_level()) {
                (true, _) => "yes",
                (false, true) => "unverified",
                (false, false) => "-",
            })
            .to_owned()
        };
        let wire = match e.evidence {
            narrative_keys::catalog::Evidence::OpenApi => e.wire.to_owned(),
            narrative_keys::catalog::Evidence::Derived => format!("{}*", e.wire),
        };
        table.row(vec![
            (e.group.title().to_owned(), DIM),
            (e.display.to_owned(), BOLD),
            (wire, plain),
            (level(e.read), plain),
            (level(e.write), plain),
            (e.covers.to_owned(), plain),
        ]);
    }
    out!("{}", table.render())?;
    msgln!(
        "* derived: the wire name follows from the display name, but no published source confirms it; the API may spell it differently.\nunverified: the documentation lists one level for this resource without saying which; the other is allowed, with a warning, and the API may refuse it."
    );
    Ok(0)
}
