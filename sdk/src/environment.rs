//! Which Narrative API to talk to.

use std::fmt;
use std::str::FromStr;

/// `prod` (the default), `dev`, or an absolute `https://` URL; plain
/// `http://` only to this machine (a local emulator).
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

/// An `https://host[:port][/path]` base URL, or `http://` to a loopback host
/// (`localhost`, `127.0.0.0/8`, `[::1]`), scheme and host lower-cased,
/// without a trailing `/`. Only parsing makes one (`"https://…".parse()`), so
/// a `Custom` environment always holds a URL the client can use, and never
/// one that would send the API key unencrypted over a network.
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
            .map_err(|problem| EnvironmentParseError {
                input: s.to_owned(),
                problem,
            })
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
#[error("{} {}", shown(&self.input), self.problem)]
/// An environment that is not `prod`, `dev`, an absolute `https://` URL or
/// an `http://` URL to a loopback host. Its message says which rule it broke
/// and repeats the input only when it cannot hold a credential.
pub struct EnvironmentParseError {
    input: String,
    problem: &'static str,
}

const NOT_AN_ENVIRONMENT: &str = "is not an environment: use prod, dev, or an absolute https:// URL (http:// only to this machine, such as http://127.0.0.1:8080)";
const PLAIN_HTTP: &str = "is refused: plain http:// would send the API key unencrypted over the network. Use https://, or http:// only to this machine (localhost, 127.0.0.1 or [::1]), as for a local emulator";

/// The input is repeated only when it cannot be a credential: a URL with a
/// `user:password@`, a query or a fragment, or a long bare word (an API key
/// pasted into the wrong variable), is not.
fn shown(input: &str) -> String {
    let may_hold_credential = input.contains(['@', '?', '#'])
        || (crate::search::find(input, "://").is_none() && input.trim().chars().count() > 24);
    if may_hold_credential {
        "the value given".to_owned()
    } else {
        format!("`{input}`")
    }
}

impl std::fmt::Debug for EnvironmentParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EnvironmentParseError({})", shown(&self.input))
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
/// or fragment, ASCII only (a Unicode host is given in its `xn--` form), and
/// `http` only to a loopback host. Hand-written rather than the `url` crate,
/// whose parser and IDNA tables would be a tenth of the npm package for this
/// one check. The error is which rule the text broke.
fn parse_base_url(text: &str) -> Result<String, &'static str> {
    match well_formed_base_url(text) {
        None => Err(NOT_AN_ENVIRONMENT),
        Some((_, true)) => Err(PLAIN_HTTP),
        Some((url, false)) => Ok(url),
    }
}

/// `localhost`, `127.0.0.0/8` written as four decimal numbers, or `[::1]`:
/// hosts whose traffic never leaves the machine. Lower-case, as
/// [`parse_base_url`] makes every host.
fn is_loopback(host: &str) -> bool {
    let in_127 = host.strip_prefix("127.").is_some_and(|rest| {
        rest.split('.').count() == 3
            && rest
                .split('.')
                .all(|p| p.len() <= 3 && p.parse::<u16>().is_ok_and(|n| n < 256))
    });
    in_127 || matches!(host, "localhost" | "[::1]")
}

/// The normalised URL, and whether it is plain `http` to a host that is not
/// a loopback one; `None` when it is not a base URL at all.
fn well_formed_base_url(text: &str) -> Option<(String, bool)> {
    let (scheme, rest) = crate::search::split_once(text, "://")?;
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
    let host = host.to_ascii_lowercase();
    let over_network = scheme == "http" && !is_loopback(&host);
    let url = format!("{scheme}://{host}{port}{}", path.trim_end_matches('/'));
    Some((url, over_network))
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
            "  https://h:1/ "
                .parse::<BaseUrl>()
                .map(|u| u.as_str().to_owned()),
            Ok("https://h:1".to_owned())
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
            "https://user:pw@host",
            "/relative",
            "http://",
            "https://host:0",
            "https://host:99999",
            "https://host:",
            "https://ho st",
            "https://host/?q=1",
            "https://host/#frag",
            "http://[::1",
            "http://[zz]",
            "http://[::1]x",
            "https://nàrrative.example",
            "https://-host",
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

    #[test]
    fn plain_http_only_to_this_machine() {
        for loopback in [
            "http://localhost",
            "HTTP://LOCALHOST:8080/v1",
            "http://127.0.0.1:9",
            "http://127.255.3.4",
            "http://[::1]:3000",
            "https://api.example.test",
            "https://10.0.0.8:8443",
        ] {
            assert!(loopback.parse::<Environment>().is_ok(), "{loopback}");
        }
        for exposed in [
            "http://attacker.test",
            "http://api.narrative.io",
            "http://10.0.0.8:8080",
            "http://0.0.0.0:8080",
            "http://128.0.0.1",
            "http://127.0.0.1.attacker.test",
            "http://localhost.attacker.test",
            "http://127.0.0.256",
            "http://127.1",
            "http://[::2]",
            "http://[::ffff:7f00:1]",
        ] {
            let message = exposed.parse::<Environment>().unwrap_err().to_string();
            assert!(
                message.contains("plain http:// would send the API key unencrypted")
                    && message.contains("Use https://, or http:// only to this machine"),
                "{exposed}: {message}"
            );
            assert!(
                message.starts_with(&format!("`{exposed}` is refused")),
                "{message}"
            );
        }
        let message = "ftp://x".parse::<Environment>().unwrap_err().to_string();
        assert!(message.contains("is not an environment"), "{message}");
    }
}
