//! Files that hold secrets: written atomically (temp file + rename) with
//! owner-only permissions, and never over a file holding something else.

use std::io::Write;
use std::path::Path;

use crate::error::CliError;

const PREFIX: &str = "NARRATIVE_API_KEY=";

/// Writes `contents` to `path` atomically with mode 0600, replacing any file there.
pub fn write_private(path: &Path, contents: &str) -> Result<(), CliError> {
    write(path, contents, true)
}

/// Writes `contents` to a new file `path` atomically with mode 0600; a file
/// that appeared there meanwhile is left as it is and the write refused.
pub fn write_private_new(path: &Path, contents: &str) -> Result<(), CliError> {
    write(path, contents, false)
}

fn write(path: &Path, contents: &str, replace: bool) -> Result<(), CliError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let fail = |what: &str, e: std::io::Error| {
        CliError::failed(format!("could not {what} {}: {e}", path.display()))
            .hint("choose a file in a directory you can write to")
    };
    // tempfile creates the file with mode 0600 before any byte is written.
    let mut tmp = tempfile::Builder::new()
        .prefix(".narrative-keys-")
        .tempfile_in(dir)
        .map_err(|e| fail("create a temporary file beside", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o600))
            .map_err(|e| fail("restrict the permissions of", e))?;
    }
    tmp.write_all(contents.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| fail("write", e))?;
    if replace {
        tmp.persist(path).map_err(|e| fail("replace", e.error))?;
    } else {
        tmp.persist_noclobber(path)
            .map_err(|e| fail("create", e.error))?;
    }
    Ok(())
}

/// Writes `NARRATIVE_API_KEY=<secret>` to `path`. An existing file is
/// replaced only if it holds nothing but such a line (an older secret being
/// rotated out); anything else is refused, so no other data is lost.
pub fn write_secret_env(path: &Path, secret: &narrative_keys::Secret) -> Result<(), CliError> {
    if let Ok(mut existing) = std::fs::read_to_string(path) {
        let only_a_key = existing
            .lines()
            .filter(|l| !l.trim().is_empty())
            .all(|l| l.starts_with(PREFIX));
        // It may hold the secret being rotated out.
        zeroize::Zeroize::zeroize(&mut existing);
        if !only_a_key {
            return Err(CliError::usage(format!(
                "{} already exists and holds other content; it was left untouched",
                path.display()
            ))
            .hint("choose a new file for the secret"));
        }
    } else if path.is_dir() {
        return Err(CliError::usage(format!(
            "{} is a directory",
            path.display()
        )));
    }
    let mut line = format!("{PREFIX}{}\n", secret.expose());
    let written = write_private(path, &line);
    zeroize::Zeroize::zeroize(&mut line);
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_0600_and_refuses_to_clobber_other_content() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key.env");
        write_secret_env(&path, &"first".into()).unwrap();
        write_secret_env(&path, &"second".into()).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "NARRATIVE_API_KEY=second\n"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let other = dir.path().join(".env");
        std::fs::write(&other, "DATABASE_URL=x\n").unwrap();
        let err = write_secret_env(&other, &"third".into()).unwrap_err();
        assert!(err.message.contains("holds other content"));
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "DATABASE_URL=x\n");
        let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(leftovers, 2, "no temporary file is left behind");
        assert!(write_private_new(&other, "SECRET=x\n").is_err());
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "DATABASE_URL=x\n");
        let new = dir.path().join("new.env");
        write_private_new(&new, "SECRET=x\n").unwrap();
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "SECRET=x\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3);
    }
}
