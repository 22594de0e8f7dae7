//! Who the credentials belong to.

use serde::{Deserialize, Serialize};

use crate::access::AccessLevel;
use crate::resource::Resource;

/// The `/whoami` answer. Every field is optional in the API document: a
/// missing `Option` reads as `None`, a missing list as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Whoami {
    #[cfg_attr(feature = "wasm", tsify(type = "number | null"))]
    pub user_id: Option<i64>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "wasm", tsify(type = "number[]"))]
    pub company_access_list: Vec<i64>,
    #[cfg_attr(feature = "wasm", tsify(type = "Company | null"))]
    pub current_company_scope: Option<Company>,
    #[serde(default)]
    pub permissions: Vec<ResourcePermissions>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Company {
    #[cfg_attr(feature = "wasm", tsify(type = "number | null"))]
    pub company_id: Option<i64>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub slug: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    pub status: Option<String>,
}

/// Access levels held on one resource, as `/whoami` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ResourcePermissions {
    pub resource: Resource,
    pub access: Vec<AccessLevel>,
}
