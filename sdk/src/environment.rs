//! Which Narrative API to talk to.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// `prod` (the default), `dev`, or any absolute http(s) URL such as a local emulator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Environment {
    #[default]
    Prod,
    Dev,
    Custom(Url),
}

pub const PROD_URL: &str = "https://api.narrative.io";
pub const DEV_URL: &str = "https://api-dev.narrative.io";

impl Environment {
    /// The base URL, always ending in `/` so relative paths join below it.
    pub fn base_url(&self) -> Url {
        let raw = match self {
            Environment::Prod => PROD_URL,
            Environment::Dev => DEV_URL,
            Environment::Custom(url) => url.as_str(),
        };
        #[allow(clippy::expect_used)] // constants and an already-parsed URL; tested below
        let mut url = Url::parse(raw).expect("environment URLs are valid");
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        url
    }

    pub fn name(&self) -> String {
        match self {
            Environment::Prod => "prod".into(),
            Environment::Dev => "dev".into(),
            Environment::Custom(url) => url.as_str().trim_end_matches('/').to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not an environment: use prod, dev, or an absolute http(s) URL such as http://127.0.0.1:8080"
)]
pub struct EnvironmentParseError(pub String);

impl FromStr for Environment {
    type Err = EnvironmentParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "" | "prod" | "production" => return Ok(Environment::Prod),
            "dev" | "development" => return Ok(Environment::Dev),
            _ => {}
        }
        let url = Url::parse(t).map_err(|_| EnvironmentParseError(s.to_owned()))?;
        let ok = matches!(url.scheme(), "http" | "https")
            && url.has_host()
            && url.query().is_none()
            && url.username().is_empty()
            && url.password().is_none();
        if ok {
            Ok(Environment::Custom(url))
        } else {
            Err(EnvironmentParseError(s.to_owned()))
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_and_urls() {
        assert_eq!(
            "prod".parse::<Environment>().unwrap().base_url().as_str(),
            "https://api.narrative.io/"
        );
        assert_eq!("DEV".parse::<Environment>().unwrap(), Environment::Dev);
        let custom: Environment = "http://127.0.0.1:9/api".parse().unwrap();
        assert_eq!(
            custom.base_url().join("whoami").unwrap().as_str(),
            "http://127.0.0.1:9/api/whoami"
        );
        for bad in ["ftp://x", "staging", "http://user:pw@host", "/relative"] {
            assert!(bad.parse::<Environment>().is_err(), "{bad}");
        }
    }
}
