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
}
