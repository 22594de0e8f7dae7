//! Request validation: every rejection is a 400 with a sentence saying what was
//! wrong and what to do. Unknown JSON fields are ignored. The document types
//! every request field and marks none nullable, so a JSON `null` for `name`,
//! `permissions` or `expires_at` is refused: a key without an expiration is
//! asked for by leaving `expires_at` out, and no update can remove one.

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::store::KeyUpdate;

/// Longest name accepted, in characters, after trimming.
pub const MAX_NAME_CHARS: usize = 128;
/// Most permissions one key may hold (after deduplication).
pub const MAX_PERMISSIONS: usize = 512;
/// The access levels the contract enumerates. `admin`, `create` and `revise`
/// exist on the wire and round-trip untouched.
pub const ACCESS_LEVELS: [&str; 5] = ["admin", "read", "write", "create", "revise"];

/// A validated create request.
#[derive(Debug)]
pub struct CreateRequest {
    pub name: String,
    pub permissions: Vec<(String, String)>,
    pub expires_at: Option<DateTime<Utc>>,
}

fn as_object(body: &Value) -> Result<&Map<String, Value>, ApiError> {
    body.as_object().ok_or_else(|| {
        ApiError::bad_request(
            "The request body must be a JSON object, such as {\"name\": \"my key\"}",
        )
    })
}

/// The request a field is read for: what to send instead of `null` differs.
#[derive(Clone, Copy)]
enum Call {
    Create,
    Update,
}

/// Reads a field the document types; `null` is refused, saying what to send
/// instead.
fn field<'a>(
    obj: &'a Map<String, Value>,
    name: &str,
    call: Call,
) -> Result<Option<&'a Value>, ApiError> {
    match obj.get(name) {
        Some(Value::Null) => {
            let instead = match (name, call) {
                ("expires_at", Call::Create) => {
                    "leave the field out for a key that never expires, or send a date such as 2027-01-31"
                }
                ("expires_at", Call::Update) => {
                    "an expiration cannot be removed; send a date such as 2027-01-31, or leave the field out to keep the current one"
                }
                ("name", Call::Create) => "send a string naming what the key is for",
                ("permissions", Call::Create) => {
                    "send an array of {\"access\", \"resource\"} objects, or leave the field out"
                }
                _ => "send a value, or leave the field out to keep the current one",
            };
            Err(ApiError::bad_request(format!(
                "\"{name}\" is null, which the API does not accept: {instead}"
            )))
        }
        other => Ok(other),
    }
}

/// Validates a create body.
pub fn create_request(body: &Value, now: DateTime<Utc>) -> Result<CreateRequest, ApiError> {
    let obj = as_object(body)?;
    let name = match field(obj, "name", Call::Create)? {
        None => {
            return Err(ApiError::bad_request(
                "The name is missing: send a \"name\" string naming what the key is for",
            ));
        }
        Some(v) => name(v)?,
    };
    let permissions = match field(obj, "permissions", Call::Create)? {
        None => Vec::new(),
        Some(v) => permissions(v)?,
    };
    let expires_at = field(obj, "expires_at", Call::Create)?
        .map(|v| expiration(v, now))
        .transpose()?;
    Ok(CreateRequest {
        name,
        permissions,
        expires_at,
    })
}

/// Validates an update body.
pub fn update_request(body: &Value, now: DateTime<Utc>) -> Result<KeyUpdate, ApiError> {
    let obj = as_object(body)?;
    let update = KeyUpdate {
        name: field(obj, "name", Call::Update)?.map(name).transpose()?,
        permissions: field(obj, "permissions", Call::Update)?
            .map(permissions)
            .transpose()?,
        expires_at: field(obj, "expires_at", Call::Update)?
            .map(|v| expiration(v, now))
            .transpose()?,
    };
    if update.name.is_none() && update.permissions.is_none() && update.expires_at.is_none() {
        return Err(ApiError::bad_request(
            "Empty update: send at least one of \"name\", \"permissions\" or \"expires_at\"",
        ));
    }
    Ok(update)
}

/// A name: a string, 1 to 128 characters after trimming, no control characters.
pub fn name(v: &Value) -> Result<String, ApiError> {
    let Some(s) = v.as_str() else {
        return Err(ApiError::bad_request(
            "The name must be a JSON string, such as \"nightly export\"",
        ));
    };
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(ApiError::bad_request(
            "The name is empty: give the key a name that says what it is for",
        ));
    }
    let chars = trimmed.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ApiError::bad_request(format!(
            "The name is {chars} characters long; shorten it to at most {MAX_NAME_CHARS}"
        )));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "The name contains control characters (such as a newline or tab); remove them",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Permissions: an array of `{access, resource}` objects. Known resources are
/// checked against the catalog and written in their snake_case wire form; any
/// other non-empty resource is kept verbatim.
pub fn permissions(v: &Value) -> Result<Vec<(String, String)>, ApiError> {
    let Some(items) = v.as_array() else {
        return Err(ApiError::bad_request(
            "The permissions must be a JSON array of {\"access\", \"resource\"} objects",
        ));
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Some(obj) = item.as_object() else {
            return Err(ApiError::bad_request(format!(
                "Permission {i} is not an object: each permission must look like {{\"access\": \"read\", \"resource\": \"datasets\"}}"
            )));
        };
        let access = match obj.get("access").and_then(Value::as_str) {
            Some(a) if ACCESS_LEVELS.contains(&a) => a,
            Some(a) => {
                return Err(ApiError::bad_request(format!(
                    "Permission {i} has access {a:?}, which is not one of admin, read, write, create, revise; use read or write"
                )));
            }
            None => {
                return Err(ApiError::bad_request(format!(
                    "Permission {i} has no \"access\" string; set it to read or write"
                )));
            }
        };
        let resource = match obj.get("resource").and_then(Value::as_str) {
            Some(r) if !r.trim().is_empty() => r,
            Some(_) => {
                return Err(ApiError::bad_request(format!(
                    "Permission {i} has an empty resource; name a resource such as datasets"
                )));
            }
            None => {
                return Err(ApiError::bad_request(format!(
                    "Permission {i} has no \"resource\" string; name a resource such as datasets"
                )));
            }
        };
        // Kept exactly as sent (`data-planes` stays `data-planes`): the real
        // API's spellings are not all published, and either level of a
        // single-level resource is accepted, as the documentation does not
        // say which one the API takes.
        let resource = resource.to_owned();
        out.push((access.to_owned(), resource));
    }
    crate::store::normalise_permissions(&mut out);
    if out.len() > MAX_PERMISSIONS {
        return Err(ApiError::bad_request(format!(
            "Too many permissions: {} requested, and a key may hold at most {MAX_PERMISSIONS}",
            out.len()
        )));
    }
    Ok(out)
}

/// An expiration: an RFC 3339 instant or a bare `YYYY-MM-DD` date (midnight
/// UTC), strictly after `now`.
pub fn expiration(v: &Value, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    const FORMAT: &str =
        "use an RFC 3339 instant such as 2027-01-31T12:00:00Z or a date such as 2027-01-31";
    let Some(s) = v.as_str() else {
        return Err(ApiError::bad_request(format!(
            "The expiration must be a string: {FORMAT}"
        )));
    };
    let t = if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        t.with_timezone(&Utc)
    } else if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        d.and_time(chrono::NaiveTime::MIN).and_utc()
    } else {
        let shown: String = s.chars().take(40).collect();
        return Err(ApiError::bad_request(format!(
            "The expiration {shown:?} is not a date or an instant: {FORMAT}"
        )));
    };
    if t <= now {
        return Err(ApiError::bad_request(format!(
            "The expiration {} is not in the future; pick a later date",
            crate::store::format_instant(t)
        )));
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn names() {
        assert_eq!(name(&json!("  a b ")).unwrap(), "a b");
        assert!(name(&json!("")).is_err());
        assert!(name(&json!("   ")).is_err());
        assert!(name(&json!(3)).is_err());
        assert!(name(&json!("a\nb")).is_err());
        assert!(name(&json!("x".repeat(128))).is_ok());
        assert!(name(&json!("x".repeat(129))).is_err());
    }

    #[test]
    fn permission_rules() {
        let p = permissions(&json!([
            {"access": "write", "resource": "data-planes"},
            {"access": "read", "resource": "uploads"},
            {"access": "read", "resource": "datasets"},
            {"access": "read", "resource": "datasets"},
            {"access": "admin", "resource": "datasets"},
        ]))
        .unwrap();
        let want: Vec<(String, String)> = [
            ("write", "data-planes"),
            ("admin", "datasets"),
            ("read", "datasets"),
            ("read", "uploads"),
        ]
        .iter()
        .map(|(a, r)| ((*a).into(), (*r).into()))
        .collect();
        assert_eq!(p, want);
        for bad in [
            json!({}),
            json!(["read:datasets"]),
            json!([{"access": "owner", "resource": "datasets"}]),
            json!([{"access": "read", "resource": ""}]),
            json!([{"access": "read"}]),
        ] {
            assert!(permissions(&bad).is_err(), "{bad}");
        }
        // Either level of a single-level resource: the documentation does not
        // say which one the API takes.
        for level in ["read", "write"] {
            for resource in ["encryption_materials", "attributes"] {
                let one = json!([{"access": level, "resource": resource}]);
                assert!(permissions(&one).is_ok(), "{one}");
            }
        }
        let many: Vec<Value> = (0..513)
            .map(|i| json!({"access": "read", "resource": format!("r{i}")}))
            .collect();
        assert!(permissions(&Value::Array(many)).is_err());
    }

    #[test]
    fn expirations() {
        assert_eq!(
            expiration(&json!("2027-01-31"), now()).unwrap(),
            "2027-01-31T00:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert!(expiration(&json!("2027-01-31T10:00:00+02:00"), now()).is_ok());
        assert!(expiration(&json!("2025-01-31"), now()).is_err());
        assert!(expiration(&json!("2026-01-01T00:00:00Z"), now()).is_err());
        assert!(expiration(&json!("tomorrow"), now()).is_err());
        assert!(expiration(&json!(12), now()).is_err());
    }

    #[test]
    fn empty_update() {
        assert!(update_request(&json!({}), now()).is_err());
        assert!(update_request(&json!({"other": 1}), now()).is_err());
        assert!(update_request(&json!({"name": "x", "other": null}), now()).is_ok());
    }

    #[test]
    fn null_fields_are_refused_with_what_to_send_instead() {
        let create = |body| create_request(&body, now()).unwrap_err().description;
        let update = |body| update_request(&body, now()).unwrap_err().description;
        let d = create(json!({"name": "k", "expires_at": null}));
        assert!(
            d.contains("\"expires_at\" is null") && d.contains("leave the field out"),
            "{d}"
        );
        let d = update(json!({"name": "k", "expires_at": null}));
        assert!(d.contains("cannot be removed"), "{d}");
        let d = create(json!({"name": "k", "permissions": null}));
        assert!(d.contains("\"permissions\" is null"), "{d}");
        let d = create(json!({"name": null}));
        assert!(d.contains("\"name\" is null"), "{d}");
        let d = update(json!({"name": null, "expires_at": "2027-01-31"}));
        assert!(d.contains("\"name\" is null"), "{d}");
        // A null in a field the document does not name is ignored, like any
        // unknown field.
        assert!(create_request(&json!({"name": "k", "comment": null}), now()).is_ok());
    }
}
