//! The key store: one SQLite connection behind a mutex.
//!
//! Every method is synchronous and holds the lock only for the duration of one
//! statement or one transaction; the HTTP handlers call them through
//! `tokio::task::spawn_blocking`. Because there is exactly one connection per
//! store, SQLite never answers "database is locked" to a request.
//!
//! Secrets are never stored: only the hex SHA-256 of the secret string is.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use base64::Engine as _;
use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Where the store keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Db {
    /// A throwaway in-memory database, gone when the emulator stops.
    Memory,
    /// A SQLite file (created if missing), opened in WAL mode.
    Path(PathBuf),
}

impl Db {
    /// `:memory:` means [`Db::Memory`]; anything else is a file path.
    pub fn parse(s: &str) -> Db {
        if s == ":memory:" {
            Db::Memory
        } else {
            Db::Path(PathBuf::from(s))
        }
    }
}

/// Errors from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite refused or failed a statement.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A key's stored permissions are not the JSON the store writes.
    #[error("stored permissions are not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A stored expiration is not an RFC 3339 instant.
    #[error("stored timestamp {0:?} is not RFC 3339")]
    Timestamp(String),
    /// A stored id is not a UUID.
    #[error("stored id {0:?} is not a UUID")]
    Id(String),
    /// A panic while holding the connection left its lock poisoned.
    #[error("the store's lock was poisoned by a panic")]
    Poisoned,
    /// The operating system gave no random bytes for a secret.
    #[error("no secure random source: {0}")]
    Random(String),
}

/// A key as stored, without its secret (which the store never has).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredKey {
    /// The key's id.
    pub id: Uuid,
    /// The key's name.
    pub name: String,
    /// `(access, resource)` pairs, sorted by `(resource, access)` and deduplicated.
    pub permissions: Vec<(String, String)>,
    /// `None`: the key never expires.
    pub expires_at: Option<DateTime<Utc>>,
}

impl StoredKey {
    /// Whether the key holds `access` on `resource`, literally. No level
    /// implies another.
    pub fn has(&self, access: &str, resource: &str) -> bool {
        self.permissions
            .iter()
            .any(|(a, r)| a == access && r == resource)
    }

    /// Whether the key has expired at `now`.
    pub fn expired_at(&self, now: DateTime<Utc>) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }
}

/// Changes an update applies; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct KeyUpdate {
    /// The new name.
    pub name: Option<String>,
    /// The new `(access, resource)` pairs, replacing all the key held.
    pub permissions: Option<Vec<(String, String)>>,
    /// The new expiration.
    pub expires_at: Option<DateTime<Utc>>,
}

/// A cheap-to-clone handle on the store.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS keys (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    permissions   TEXT NOT NULL, -- JSON array of {\"access\", \"resource\"}
    expires_at    TEXT NULL,     -- RFC 3339, NULL = never expires
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL
);
";

/// Hex SHA-256 of a secret: the only form in which a secret is stored.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A fresh secret: 32 bytes from the operating system's CSPRNG, standard base64.
pub fn generate_secret() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Random(e.to_string()))?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// Formats an instant the way the API does: RFC 3339 with a `Z`.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse_instant(s: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Timestamp(s.to_owned()))
}

/// Sorts by `(resource, access)` and removes duplicates.
pub fn normalise_permissions(perms: &mut Vec<(String, String)>) {
    perms.sort_by(|(a1, r1), (a2, r2)| (r1, a1).cmp(&(r2, a2)));
    perms.dedup();
}

#[derive(serde::Serialize, serde::Deserialize)]
struct PermRow {
    access: String,
    resource: String,
}

fn perms_to_json(perms: &[(String, String)]) -> Result<String, StoreError> {
    let rows: Vec<PermRow> = perms
        .iter()
        .map(|(a, r)| PermRow {
            access: a.clone(),
            resource: r.clone(),
        })
        .collect();
    Ok(serde_json::to_string(&rows)?)
}

fn perms_from_json(s: &str) -> Result<Vec<(String, String)>, StoreError> {
    let rows: Vec<PermRow> = serde_json::from_str(s)?;
    Ok(rows.into_iter().map(|p| (p.access, p.resource)).collect())
}

type RawRow = (String, String, String, Option<String>);

fn row_to_key((id, name, perms, expires): RawRow) -> Result<StoredKey, StoreError> {
    Ok(StoredKey {
        id: Uuid::parse_str(&id).map_err(|_| StoreError::Id(id.clone()))?,
        name,
        permissions: perms_from_json(&perms)?,
        expires_at: expires.as_deref().map(parse_instant).transpose()?,
    })
}

fn read_raw(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
}

macro_rules! columns {
    () => {
        "id, name, permissions, expires_at"
    };
}
const ALL: &str = concat!("SELECT ", columns!(), " FROM keys ORDER BY rowid");
const BY_ID: &str = concat!("SELECT ", columns!(), " FROM keys WHERE id = ?1");
const BY_SECRET: &str = concat!("SELECT ", columns!(), " FROM keys WHERE secret_sha256 = ?1");

/// The key a one-parameter query (`BY_ID`, `BY_SECRET`) finds, if any. The
/// statement is prepared once per connection and cached.
fn select_key(
    conn: &Connection,
    sql: &'static str,
    param: String,
) -> Result<Option<StoredKey>, StoreError> {
    let raw = conn
        .prepare_cached(sql)?
        .query_row([param], read_raw)
        .optional()?;
    raw.map(row_to_key).transpose()
}

impl Store {
    /// Opens (creating if needed) the store at `db`.
    pub fn open_db(db: &Db) -> Result<Store, StoreError> {
        let conn = match db {
            Db::Memory => Connection::open_in_memory()?,
            Db::Path(p) => {
                let conn = Connection::open(p)?;
                // WAL: readers (e.g. an inspecting `Store::open`) never block the server.
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn
            }
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Opens the SQLite file at `path` (for inspection, or to seed it).
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        Store::open_db(&Db::Path(path.as_ref().to_path_buf()))
    }

    /// A fresh in-memory store.
    pub fn memory() -> Result<Store, StoreError> {
        Store::open_db(&Db::Memory)
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }

    /// Inserts a key with a fresh random secret, without any validation (tests
    /// use this to seed expired keys or odd permissions). Permissions are still
    /// sorted and deduplicated. Returns `(id, secret)`.
    pub fn insert_key(
        &self,
        name: &str,
        permissions: &[(&str, &str)],
        expires_at: Option<DateTime<Utc>>,
    ) -> Result<(Uuid, String), StoreError> {
        let secret = generate_secret()?;
        let perms: Vec<(String, String)> = permissions
            .iter()
            .map(|(a, r)| ((*a).to_owned(), (*r).to_owned()))
            .collect();
        let key = self.create(name, perms, expires_at, &secret)?;
        Ok((key.id, secret))
    }

    /// Inserts a key whose secret is `secret` (only its hash is written), in
    /// one transaction.
    pub fn create(
        &self,
        name: &str,
        mut permissions: Vec<(String, String)>,
        expires_at: Option<DateTime<Utc>>,
        secret: &str,
    ) -> Result<StoredKey, StoreError> {
        normalise_permissions(&mut permissions);
        let key = StoredKey {
            id: Uuid::new_v4(),
            name: name.to_owned(),
            permissions,
            expires_at,
        };
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        tx.execute(
            "INSERT INTO keys (id, name, permissions, expires_at, secret_sha256, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                key.id.to_string(),
                key.name,
                perms_to_json(&key.permissions)?,
                key.expires_at.map(format_instant),
                hash_secret(secret),
                format_instant(Utc::now()),
            ],
        )?;
        tx.commit()?;
        Ok(key)
    }

    /// The names of all keys, oldest first: what tests compare the store with.
    pub fn key_names(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.list_keys()?.into_iter().map(|k| k.name).collect())
    }

    /// All keys, oldest first.
    pub fn list_keys(&self) -> Result<Vec<StoredKey>, StoreError> {
        let conn = self.lock()?;
        let mut stmt = conn.prepare_cached(ALL)?;
        let raw = stmt
            .query_map([], read_raw)?
            .collect::<Result<Vec<_>, _>>()?;
        raw.into_iter().map(row_to_key).collect()
    }

    /// One key by id.
    pub fn get(&self, id: Uuid) -> Result<Option<StoredKey>, StoreError> {
        let conn = self.lock()?;
        select_key(&conn, BY_ID, id.to_string())
    }

    /// The key whose secret is `secret`, if any.
    pub fn find_by_secret(&self, secret: &str) -> Result<Option<StoredKey>, StoreError> {
        // Runs on every authenticated request: the statement is prepared once
        // per connection and reused.
        let conn = self.lock()?;
        select_key(&conn, BY_SECRET, hash_secret(secret))
    }

    /// Whether a key with this secret exists.
    pub fn secret_present(&self, secret: &str) -> Result<bool, StoreError> {
        Ok(self.find_by_secret(secret)?.is_some())
    }

    /// Number of keys.
    pub fn count(&self) -> Result<usize, StoreError> {
        let conn = self.lock()?;
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM keys", [], |r| r.get(0))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Applies `update` to key `id` in one transaction; `None` if no such key.
    pub fn update(&self, id: Uuid, update: KeyUpdate) -> Result<Option<StoredKey>, StoreError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let Some(mut key) = select_key(&tx, BY_ID, id.to_string())? else {
            return Ok(None);
        };
        if let Some(name) = update.name {
            key.name = name;
        }
        if let Some(mut perms) = update.permissions {
            normalise_permissions(&mut perms);
            key.permissions = perms;
        }
        if let Some(e) = update.expires_at {
            key.expires_at = Some(e);
        }
        tx.execute(
            "UPDATE keys SET name = ?2, permissions = ?3, expires_at = ?4 WHERE id = ?1",
            params![
                id.to_string(),
                key.name,
                perms_to_json(&key.permissions)?,
                key.expires_at.map(format_instant),
            ],
        )?;
        tx.commit()?;
        Ok(Some(key))
    }

    /// Deletes key `id`; `false` if there was no such key.
    pub fn delete(&self, id: Uuid) -> Result<bool, StoreError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let n = tx.execute("DELETE FROM keys WHERE id = ?1", [id.to_string()])?;
        tx.commit()?;
        Ok(n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_is_32_bytes_base64() {
        let s = generate_secret().unwrap();
        let raw = base64::engine::general_purpose::STANDARD
            .decode(&s)
            .unwrap();
        assert_eq!(raw.len(), 32);
        assert_ne!(s, generate_secret().unwrap());
    }

    #[test]
    fn crud_round_trip() {
        let store = Store::memory().unwrap();
        let (id, secret) = store
            .insert_key("k", &[("write", "b"), ("read", "a"), ("read", "a")], None)
            .unwrap();
        let k = store.get(id).unwrap().unwrap();
        assert_eq!(
            k.permissions,
            vec![("read".into(), "a".into()), ("write".into(), "b".into())]
        );
        assert!(store.secret_present(&secret).unwrap());
        let upd = KeyUpdate {
            name: Some("n".into()),
            ..KeyUpdate::default()
        };
        assert_eq!(store.update(id, upd).unwrap().unwrap().name, "n");
        assert_eq!(store.count().unwrap(), 1);
        assert!(store.delete(id).unwrap());
        assert!(!store.delete(id).unwrap());
        assert!(!store.secret_present(&secret).unwrap());
    }
}
