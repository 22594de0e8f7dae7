//! Who the credentials belong to.

use serde::{Deserialize, Serialize};

use crate::access::AccessLevel;
use crate::resource::Resource;

/// The `/whoami` answer. Every field is optional in the API document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Whoami {
    #[serde(default)]
    pub user_id: Option<i64>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub company_access_list: Vec<i64>,
    #[serde(default)]
    pub current_company_scope: Option<Company>,
    #[serde(default)]
    pub permissions: Vec<ResourcePermissions>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    #[serde(default)]
    pub company_id: Option<i64>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// Access levels held on one resource, as `/whoami` lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourcePermissions {
    pub resource: Resource,
    pub access: Vec<AccessLevel>,
}
