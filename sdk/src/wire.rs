//! Request and response bodies exactly as the OpenAPI document names them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::key::{ApiKey, KeyUpdate, NewKey};
use crate::permission::PermissionSet;
use crate::secret::Secret;

/// `request`: the body of `POST /access-tokens/tokens`.
#[derive(Serialize)]
pub(crate) struct CreateRequest<'a> {
    name: &'a str,
    permissions: &'a PermissionSet,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

impl<'a> From<&'a NewKey> for CreateRequest<'a> {
    fn from(key: &'a NewKey) -> Self {
        Self {
            name: key.name(),
            permissions: key.permissions(),
            expires_at: key.expiration().to_wire(),
        }
    }
}

/// `update_request`: the body of `PUT /access-tokens/tokens/{id}`.
#[derive(Serialize)]
pub(crate) struct UpdateRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<&'a PermissionSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<String>,
}

impl<'a> From<&'a KeyUpdate> for UpdateRequest<'a> {
    fn from(update: &'a KeyUpdate) -> Self {
        Self {
            name: update.name.as_deref().map(str::trim),
            permissions: update.permissions.as_ref(),
            expires_at: update.expiration.and_then(|e| e.to_wire()),
        }
    }
}

/// `response`: the list of keys.
#[derive(Debug, Deserialize)]
pub(crate) struct ListResponse {
    #[serde(deserialize_with = "crate::json_object::vec")]
    pub records: Vec<ApiKey>,
}

/// `AccessTokenWithoutCredentials`: a key as the API lists it, read into
/// [`ApiKey`] (and through it the incident report's `ReportedKey`). A missing or `null` `expires_at` reads as never: the API document
/// marks the field required, but keys without an expiration exist.
#[derive(Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
pub(crate) struct Key {
    pub id: String,
    pub name: String,
    pub permissions: PermissionSet,
    #[serde(default, deserialize_with = "crate::instant::serde_rfc3339::option")]
    pub expires_at: Option<DateTime<Utc>>,
}

/// `get_response`: one key.
#[derive(Deserialize)]
pub(crate) struct GetResponse {
    #[serde(deserialize_with = "crate::json_object::one")]
    pub record: ApiKey,
}

/// `tokens_AccessToken`: a new key with its secret.
#[derive(Deserialize)]
pub(crate) struct CreateResponse {
    pub id: String,
    pub name: String,
    pub permissions: PermissionSet,
    #[serde(default, deserialize_with = "crate::instant::serde_rfc3339::option")]
    pub expires_at: Option<DateTime<Utc>>,
    pub access_token: Secret,
}

/// `Error`.
#[derive(Deserialize)]
pub(crate) struct ErrorBody {
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub error_description: String,
}

#[cfg(test)]
mod tests {
    //! Every request body the SDK sends, validated against the request schemas
    //! of the contract's OpenAPI document (read at test time from shared/).
    use super::*;
    use crate::{Expiration, KeyUpdate, NewKey, Permission, PermissionSet, Preset};
    use chrono::NaiveDate;
    use narrative_keys_testkit::contract;

    #[test]
    fn requests_match_the_contract() {
        let doc = contract::document();
        let now = chrono::Utc::now();
        let odd: PermissionSet = [
            Permission::new(crate::AccessLevel::Revise, "uploads"),
            Permission::new(crate::AccessLevel::Admin, "datasets"),
        ]
        .into();
        let keys = [
            NewKey::builder("a")
                .preset(Preset::DataIngestion, &[])
                .expires(Expiration::Never)
                .build_at(now)
                .unwrap(),
            // The default: 90 days.
            NewKey::builder("d")
                .preset(Preset::DataIngestion, &[])
                .build_at(now)
                .unwrap(),
            NewKey::builder("b")
                .preset(Preset::ConnectorDelivery, &[])
                .expires(Expiration::in_days(30, now))
                .build_at(now)
                .unwrap(),
            NewKey::builder("c")
                .permissions(odd.clone())
                .allow_unknown(true)
                .expires(Expiration::OnDate(
                    NaiveDate::from_ymd_opt(2999, 1, 31).unwrap(),
                ))
                .build_at(now)
                .unwrap(),
        ];
        for key in &keys {
            let body = serde_json::to_value(CreateRequest::from(key)).unwrap();
            contract::assert_valid(&doc, "request", &body);
        }
        // No expiration is asked for by leaving the field out: the document
        // types it as a string, so `null` would not match.
        let never = serde_json::to_value(CreateRequest::from(&keys[0])).unwrap();
        assert_eq!(keys[0].expiration(), Expiration::Never);
        assert!(never.get("expires_at").is_none(), "{never}");
        let updates = [
            KeyUpdate::new().name("x"),
            KeyUpdate::new().permissions(odd),
            KeyUpdate::new().expires(Expiration::in_days(1, now)),
            KeyUpdate::new().expires(Expiration::OnDate(
                NaiveDate::from_ymd_opt(2999, 1, 1).unwrap(),
            )),
        ];
        for update in &updates {
            let body = serde_json::to_value(UpdateRequest::from(update)).unwrap();
            contract::assert_valid(&doc, "update_request", &body);
            assert!(
                body.as_object().unwrap().values().all(|v| !v.is_null()),
                "no nulls: {body}"
            );
        }
    }
}
