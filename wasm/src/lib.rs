//! JavaScript bindings for narrative-keys.
