//! Quickstart: list keys, create one from a preset with a 30-day expiry,
//! print its secret once, and revoke it.
//!
//! With `NARRATIVE_API_KEY` set it talks to Narrative (`NARRATIVE_ENVIRONMENT`
//! picks prod, dev or a URL) and creates, then revokes, one real key.
//! Without it, it starts a local emulator in memory and works there.
//!
//! ```sh
//! cargo run -p narrative-keys-examples --bin quickstart
//! ```

use anyhow::Context;
use chrono::Utc;
use narrative_keys::{Client, Environment, Expiration, NewKey, Preset};
use narrative_keys_emulator::{Db, Emulator};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Keep the emulator alive for the whole run when we start one.
    let (client, _emulator) = if std::env::var_os("NARRATIVE_API_KEY").is_some() {
        let client = Client::from_env()?;
        eprintln!("Using NARRATIVE_API_KEY against {}.", client.environment());
        (client, None)
    } else {
        let emulator = Emulator::builder().db(Db::Memory).start().await?;
        let admin = emulator
            .admin_key()
            .context("a new emulator always has an admin key")?
            .to_owned();
        eprintln!(
            "NARRATIVE_API_KEY is not set: using a local emulator at {}.",
            emulator.url()
        );
        let client = Client::builder()
            .api_key(admin)
            .environment(emulator.url().parse::<Environment>()?)
            .build()?;
        (client, Some(emulator))
    };

    let keys = client.list_keys().await?;
    println!("{} key(s) visible:", keys.len());
    for key in &keys {
        println!("  {}  {}  [{}]", key.id, key.name, key.permissions);
    }

    let new_key = NewKey::builder("quickstart analytics")
        .preset(Preset::ReadOnlyAnalytics, &[])
        .expires(Expiration::in_days(30, Utc::now()))
        .build()
        .map_err(|report| anyhow::anyhow!("invalid key: {report}"))?;
    let created = client.create_key(&new_key).await?;
    println!(
        "Created {} ({}) with {}, expiring {}.",
        created.key.name,
        created.key.id,
        created.key.permissions,
        created.key.expiration()
    );
    // The only time the secret is available: store it somewhere safe.
    println!("Secret (shown once): {}", created.secret.expose());

    client.revoke_key(&created.key.id).await?;
    println!("Revoked {}. It no longer works.", created.key.id);
    Ok(())
}
