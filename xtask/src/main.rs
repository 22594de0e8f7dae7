//! `cargo xtask docs`: writes every generated file (see the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    let task = std::env::args().nth(1);
    match task.as_deref() {
        Some("docs") => match write_docs() {
            Ok(count) => {
                println!("wrote {count} generated files");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        _ => {
            eprintln!(
                "usage: cargo xtask docs\n  docs  regenerate docs/src/reference/ and the man pages in tui/man/ from the code"
            );
            ExitCode::from(2)
        }
    }
}

/// Writes every generated file, and removes files of a generated folder
/// that no generator makes any more (a removed subcommand's man page).
fn write_docs() -> Result<usize, String> {
    let root = xtask::repository_root();
    let files = xtask::generated_files()?;
    for folder in xtask::GENERATED_FOLDERS {
        let dir = root.join(folder);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let relative = format!("{folder}/{}", entry.file_name().to_string_lossy());
            if !files.iter().any(|f| f.path == relative) {
                std::fs::remove_file(entry.path())
                    .map_err(|e| format!("could not remove {relative}: {e}"))?;
            }
        }
    }
    for file in &files {
        let path = root.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .map_err(|e| format!("could not write {}: {e}", file.path))?;
    }
    Ok(files.len())
}
