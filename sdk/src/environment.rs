//! Which Narrative API to talk to.

use std::fmt;
use std::str::FromStr;

/// `prod` (the default), `dev`, or any absolute http(s) URL such as a local emulator.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Environment {
    #[default]
    /// Narrative's production API, `https://api.narrative.io` (the default).
    Prod,
    /// Narrative's development API, `https://api-dev.narrative.io`.
    Dev,
    /// Any other server, such as a local emulator.
    Custom(BaseUrl),
}

/// An `http(s)://host[:port][/path]` base URL, scheme and host lower-cased,
/// without a trailing `/`. Only parsing makes one (`"http://…".parse()`), so
/// a `Custom` environment always holds a URL the client can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// The URL, lower-cased scheme and host, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for BaseUrl {
    type Err = EnvironmentParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_base_url(s.trim())
            .map(BaseUrl)
            .ok_or_else(|| EnvironmentParseError(s.to_owned()))
    }
}

/// The production API's base URL.
pub const PROD_URL: &str = "https://api.narrative.io";
/// The development API's base URL.
pub const DEV_URL: &str = "https://api-dev.narrative.io";

impl Environment {
    /// The base URL, always ending in `/` so relative paths join below it.
    pub fn base_url(&self) -> String {
        match self {
            Environment::Prod => format!("{PROD_URL}/"),
            Environment::Dev => format!("{DEV_URL}/"),
            Environment::Custom(url) => format!("{}/", url.as_str()),
        }
    }

    /// `prod`, `dev`, or the custom URL: how the environment is shown and written back to settings.
    pub fn name(&self) -> String {
        match self {
            Environment::Prod => "prod".into(),
            Environment::Dev => "dev".into(),
            Environment::Custom(url) => url.as_str().to_owned(),
        }
    }
}

#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{} is not an environment: use prod, dev, or an absolute http(s) URL such as http://127.0.0.1:8080",
    shown(&self.0)
)]
/// An environment that is not `prod`, `dev` or an absolute http(s) URL. Its message repeats the input only when it cannot hold a credential.
pub struct EnvironmentParseError(pub String);

/// The input is repeated only when it cannot be a credential: a URL with a
/// `user:password@`, a query or a fragment, or a long bare word (an API key
/// pasted into the wrong variable), is not.
fn shown(input: &str) -> String {
    let may_hold_credential = input.contains(['@', '?', '#'])
        || (!input.contains("://") && input.trim().chars().count() > 24);
    if may_hold_credential {
        "the value given".to_owned()
    } else {
        format!("`{input}`")
    }
}

impl std::fmt::Debug for EnvironmentParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnvironmentParseError({})", shown(&self.0))
    }
}

impl FromStr for Environment {
    type Err = EnvironmentParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.to_ascii_lowercase().as_str() {
            "" | "prod" | "production" => return Ok(Environment::Prod),
            "dev" | "development" => return Ok(Environment::Dev),
            _ => {}
        }
        s.parse().map(Environment::Custom)
    }
}

/// Reads an absolute `http(s)://host[:port][/path]` URL: no credentials, query
/// or fragment, ASCII only (a Unicode host is given in its `xn--` form).
/// Hand-written rather than the `url` crate, whose parser and IDNA tables
/// would be a tenth of the npm package for this one check.
fn parse_base_url(text: &str) -> Option<String> {
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https") {
        return None;
    }
    let forbidden = |c: char| {
        !c.is_ascii_graphic()
            || matches!(
                c,
                '?' | '#' | '@' | '\\' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^'
            )
    };
    if rest.chars().any(forbidden) {
        return None;
    }
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = host_and_port(authority)?;
    let host_ok = host.starts_with('[')
        || (!host.is_empty()
            && !host.starts_with(['.', '-'])
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.'));
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    if !(host_ok && port_ok) {
        return None;
    }
    let port = port.map(|p| format!(":{p}")).unwrap_or_default();
    Some(format!(
        "{scheme}://{}{port}{}",
        host.to_ascii_lowercase(),
        path.trim_end_matches('/')
    ))
}

/// The host (an IPv6 literal keeps its brackets) and the port, if any, of
/// an authority; `None` for a malformed IPv6 literal.
fn host_and_port(authority: &str) -> Option<(&str, Option<&str>)> {
    Some(match authority.strip_prefix('[') {
        // An IPv6 literal: [::1]:8080
        Some(v6) => {
            let (addr, after) = v6.split_once(']')?;
            let addr_ok = !addr.is_empty()
                && addr.contains(':')
                && addr
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
            if !addr_ok {
                return None;
            }
            let port = match after {
                "" => None,
                p => Some(p.strip_prefix(':')?),
            };
            (&authority[..addr.len() + 2], port)
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    })
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
            "prod".parse::<Environment>().unwrap().base_url(),
            "https://api.narrative.io/"
        );
        assert_eq!("DEV".parse::<Environment>().unwrap(), Environment::Dev);
        let custom: Environment = "HTTP://LocalHost:9/api/".parse().unwrap();
        assert_eq!(custom.base_url(), "http://localhost:9/api/");
        assert_eq!(custom.name(), "http://localhost:9/api");
        let Environment::Custom(url) = &custom else {
            panic!("{custom:?} is not Custom")
        };
        assert_eq!(url.as_str(), "http://localhost:9/api");
        assert_eq!(
            "  http://h:1/ "
                .parse::<BaseUrl>()
                .map(|u| u.as_str().to_owned()),
            Ok("http://h:1".to_owned())
        );
        for good in [
            "http://127.0.0.1:8080",
            "https://xn--nrrative-5za.example",
            "http://[::1]:3000/v1",
        ] {
            assert!(good.parse::<Environment>().is_ok(), "{good}");
        }
        for bad in [
            "ftp://x",
            "staging",
            "http://user:pw@host",
            "/relative",
            "http://",
            "http://host:0",
            "http://host:99999",
            "http://host:",
            "http://ho st",
            "http://host/?q=1",
            "http://host/#frag",
            "http://[::1",
            "http://[zz]",
            "http://[::1]x",
            "https://nàrrative.example",
            "http://-host",
        ] {
            assert!(bad.parse::<Environment>().is_err(), "{bad}");
        }
        let message = |s: &str| s.parse::<Environment>().unwrap_err().to_string();
        assert!(message("staging").starts_with("`staging` is not"));
        for secret in [
            "http://user:hunter2@host",
            "http://h/?key=hunter2",
            "hunter2hunter2hunter2hunter2",
        ] {
            let text = message(secret);
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!format!("{:?}", secret.parse::<Environment>()).contains("hunter2"));
        }
    }
}
