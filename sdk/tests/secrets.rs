//! No secret (a new key's, or the caller's API key) appears in any `Debug`,
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap
//! `Display` or error text the SDK produces.

mod common;

use chrono::Utc;
use common::*;
use narrative_keys::rotate::{RotateOptions, rotate};
use narrative_keys::{Client, Environment, Expiration, NewKey, Preset, RetryPolicy};

fn assert_clean(text: &str, secrets: &[&str]) {
    for s in secrets {
        assert!(!text.contains(s), "secret found in: {text}");
    }
}

#[tokio::test]
async fn secrets_never_reach_debug_display_or_errors() {
    let emu = emulator().await;
    let client = admin(&emu);
    let created = client
        .create_key(
            &NewKey::builder("leak check")
                .preset(Preset::ConnectorDelivery, &[])
                .expires(Expiration::in_days(7, Utc::now()))
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    let secret = created.secret.expose().to_owned();
    let rotation = rotate(&client, &created.key.id, &RotateOptions::default())
        .await
        .unwrap();
    let new_secret = rotation.new.secret.expose().to_owned();
    let secrets = [ADMIN, secret.as_str(), new_secret.as_str()];

    assert_clean(
        &format!("{created:?} {created:#?} {}", created.secret),
        &secrets,
    );
    assert_clean(&format!("{rotation:?}"), &secrets);
    assert_clean(&format!("{client:?}"), &secrets);
    let builder = Client::builder()
        .api_key(ADMIN)
        .header("x-extra-credential", secret.as_str());
    assert_clean(&format!("{builder:?}"), &secrets);
    // The emulator holds the admin key too.
    assert_clean(&format!("{emu:?}"), &secrets);

    // Errors made with a secret in play: a revoked key, a wrong key, a dead server.
    let revoked_client = client_for(&emu, &secret);
    let err = revoked_client.list_keys().await.unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &secrets);
    let err = client_for(&emu, "not-a-real-key-0123456789")
        .whoami()
        .await
        .unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["not-a-real-key-0123456789"]);
    let url = emu.url().to_owned();
    emu.shutdown().await;
    let dead = Client::builder()
        .api_key(new_secret.as_str())
        .environment(url.parse::<Environment>().unwrap())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let err = dead.list_keys().await.unwrap_err();
    assert_eq!(err.code(), "network");
    assert_clean(&format!("{err} {err:?}"), &secrets);
    // A header value that HTTP refuses is not echoed either.
    let err = Client::builder()
        .api_key("k")
        .header("x-token", "line\nbreak-secret")
        .build()
        .unwrap_err();
    assert_clean(&format!("{err} {err:?}"), &["break-secret"]);
}
