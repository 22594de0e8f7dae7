//! The incident plan and report as Markdown carry names and notes as text:
//! a name or note holding HTML is written with entities, so a Markdown viewer
//! (which passes raw HTML through) shows it rather than running it.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod common;

use chrono::Utc;
use common::*;
use narrative_keys::incident::{self, IncidentOptions, Selection};

const HOSTILE: &str = "<img src=x onerror=alert(1)> & co";
const ESCAPED: &str = "&lt;img src=x onerror=alert(1)&gt; &amp; co";

#[tokio::test]
async fn names_and_notes_reach_the_markdown_as_text_not_markup() {
    let emu = emulator().await;
    let client = admin(&emu);
    let id = seed(&emu, HOSTILE, &[("read", "datasets")], None);
    let keys = client.list_keys().await.unwrap();
    let selection = Selection {
        ids: vec![id],
        ..Selection::default()
    };
    let plan = incident::plan(&keys, &selection, true, Utc::now()).unwrap();
    let planned = plan.to_markdown();
    assert!(planned.contains(&format!("| {ESCAPED} |")), "{planned}");
    assert!(!planned.contains('<'), "{planned}");

    let options = IncidentOptions {
        note: Some("pasted in <script>alert(2)</script> & a <b>chat</b>".into()),
        ..IncidentOptions::default()
    };
    let outcome = incident::execute(&client, &plan, &options).await;
    let md = outcome.report.to_markdown();
    assert_eq!(outcome.report.revoked.len(), 1, "{md}");
    // The revoked key and its replacement, by name, and the note.
    assert_eq!(md.matches(&format!("| {ESCAPED} |")).count(), 2, "{md}");
    assert!(
        md.contains(
            "pasted in &lt;script&gt;alert(2)&lt;/script&gt; &amp; a &lt;b&gt;chat&lt;/b&gt;"
        ),
        "{md}"
    );
    assert!(!md.contains('<') && !md.contains('>'), "{md}");
    // The JSON report keeps the name exactly as the server has it.
    assert_eq!(outcome.report.revoked[0].name, HOSTILE);
}
