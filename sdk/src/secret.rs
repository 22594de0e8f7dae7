//! A secret that redacts itself and zeroes its memory on drop.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// A key's secret, or the caller's API key.
///
/// `Debug` and `Display` print `[REDACTED]`; the memory is zeroed when the value
/// is dropped; the value is reachable only through [`Secret::expose`], so every
/// place that reveals a secret says so in the source.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a secret value; from here on it prints as `[REDACTED]`.
    pub fn new(value: impl Into<String>) -> Self {
        Self(SecretString::from(value.into()))
    }

    /// The secret itself. Call only where it must leave the program: an
    /// `Authorization` header, the once-only display to the user, a 0600 file.
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.expose().is_empty()
    }

    /// Its last four characters, to tell which credential is in use, or
    /// `None` for one shorter than [`Secret::MIN_LEN_TO_SHOW_END`], where four
    /// would give away too much of it.
    pub fn last_four(&self) -> Option<String> {
        let chars = self.expose().chars().count();
        (chars >= Self::MIN_LEN_TO_SHOW_END)
            .then(|| self.expose().chars().skip(chars - 4).collect())
    }

    /// The shortest secret [`Secret::last_four`] shows the end of.
    pub const MIN_LEN_TO_SHOW_END: usize = 16;
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([REDACTED])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_redact() {
        let s = Secret::new("hunter2-very-secret");
        assert_eq!(format!("{s:?}"), "Secret([REDACTED])");
        assert_eq!(format!("{s}"), "[REDACTED]");
        assert_eq!(
            format!("{:#?}", Some(&s)),
            "Some(\n    Secret([REDACTED]),\n)"
        );
        assert_eq!(s.expose(), "hunter2-very-secret");
    }

    #[test]
    fn only_the_last_four_of_a_long_enough_secret_show() {
        assert_eq!(
            Secret::new("hunter2-very-secret").last_four().as_deref(),
            Some("cret")
        );
        assert_eq!(Secret::new("short-secret").last_four(), None);
        assert_eq!(
            Secret::new("ééééééééééééééé€abc").last_four().as_deref(),
            Some("€abc")
        );
    }
}
