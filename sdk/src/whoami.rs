//! Who the credentials belong to.

use serde::{Deserialize, Serialize};

use crate::access::AccessLevel;
use crate::resource::Resource;

/// The `/whoami` answer. Every field is optional in the API document: a
/// missing `Option` reads as `None`, a missing list as empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Whoami {
    #[cfg_attr(feature = "wasm", tsify(type = "number | null"))]
    /// The user the credentials belong to.
    pub user_id: Option<i64>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    /// The user's name.
    pub name: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "wasm", tsify(type = "number[]"))]
    /// The companies the user may act for.
    pub company_access_list: Vec<i64>,
    #[cfg_attr(feature = "wasm", tsify(type = "Company | null"))]
    /// The company the credentials act for now.
    pub current_company_scope: Option<Company>,
    #[serde(default, deserialize_with = "crate::json_object::vec")]
    /// The access the credentials hold, per resource.
    pub permissions: Vec<ResourcePermissions>,
}

/// The company part of a `/whoami` answer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct Company {
    #[cfg_attr(feature = "wasm", tsify(type = "number | null"))]
    /// The company's id.
    pub company_id: Option<i64>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    /// The company's short name in addresses.
    pub slug: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    /// The company's name.
    pub name: Option<String>,
    #[cfg_attr(feature = "wasm", tsify(type = "string | null"))]
    /// The company's status as the server words it.
    pub status: Option<String>,
}

/// Access levels held on one resource, as `/whoami` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(schemars::JsonSchema))]
#[cfg_attr(feature = "wasm", derive(tsify::Tsify))]
pub struct ResourcePermissions {
    /// The resource.
    pub resource: Resource,
    /// The levels held on it.
    pub access: Vec<AccessLevel>,
}
