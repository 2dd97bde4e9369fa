//! A relying party's API key can be replaced: the old key is refused, the new one works, the
//! change is in the audit log; and the `new-api-key` command does it for an operator, refusing
//! a name it does not know without changing anything.

mod common;

use common::{Db, Harness};
use reqwest::Method;
use serde_json::json;

async fn a_replaced_key_is_refused_and_the_new_one_works(db: Db) {
    let harness = Harness::start(db).await;
    let old_key = harness.rp_key.clone();
    let (party, new_key) =
        tessera_server::relying_party::new_key(&harness.running.server.store.pool, "Example shop")
            .await
            .unwrap();
    assert_eq!(party.name, "Example shop");
    assert_ne!(new_key, old_key);

    let (status, body) = harness
        .rp(
            Method::POST,
            "/v1/enrollments",
            Some(json!({ "account": "alice" })),
        )
        .await;
    assert_eq!(status, 401, "the old key still works: {body}");
    assert!(body["message"].is_string(), "{body}");

    let with_new_key = Harness {
        rp_key: new_key,
        ..harness
    };
    with_new_key.device("alice").await;
    let (id, _) = with_new_key.approval("alice").await;
    assert!(id.starts_with("ap"), "{id}");
    assert_eq!(
        tessera_server::audit::count(&with_new_key.running.server.store.pool, "api_key_replaced")
            .await
            .unwrap(),
        1
    );
}

async fn an_unknown_name_changes_nothing(db: Db) {
    let harness = Harness::start(db).await;
    let pool = &harness.running.server.store.pool;
    let error = tessera_server::relying_party::new_key(pool, "Nobody's shop")
        .await
        .unwrap_err();
    assert_eq!(error.code, "unknown_relying_party");
    assert!(error.message.contains("Nobody's shop"), "{}", error.message);
    // The demo site's relying party has no key to replace.
    tessera_server::relying_party::demo(pool).await.unwrap();
    let error = tessera_server::relying_party::new_key(pool, "Demo shop")
        .await
        .unwrap_err();
    assert_eq!(error.code, "unknown_relying_party");
    harness.device("bob").await;
    assert_eq!(
        tessera_server::audit::count(pool, "api_key_replaced")
            .await
            .unwrap(),
        0
    );
}

on_both!(
    a_replaced_key_is_refused_and_the_new_one_works,
    an_unknown_name_changes_nothing
);

fn server(folder: &std::path::Path, arguments: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tessera-server"))
        .arg("--data")
        .arg(folder)
        .args(arguments)
        .output()
        .unwrap()
}

fn last_line(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_string()
}

#[tokio::test]
async fn the_new_api_key_command_replaces_a_key_and_refuses_an_unknown_name() {
    let folder = tempfile::tempdir().unwrap();
    let added = server(folder.path(), &["add-relying-party", "Corner shop"]);
    assert!(added.status.success(), "{added:?}");
    let first = last_line(&added);

    let replaced = server(folder.path(), &["new-api-key", "Corner shop"]);
    assert!(replaced.status.success(), "{replaced:?}");
    let second = last_line(&replaced);
    assert!(second.starts_with("tsk_") && second != first, "{second}");

    let unknown = server(folder.path(), &["new-api-key", "Other shop"]);
    assert!(!unknown.status.success());
    let said = String::from_utf8_lossy(&unknown.stderr);
    assert!(said.contains("no relying party named Other shop"), "{said}");

    let store = tessera_server::Store::sqlite(folder.path()).await.unwrap();
    let by_key = |key: String| {
        let pool = store.pool.clone();
        async move {
            tessera_server::relying_party::by_key(&pool, &key)
                .await
                .unwrap()
        }
    };
    assert_eq!(by_key(first).await, None);
    assert_eq!(by_key(second).await.unwrap().name, "Corner shop");
}

#[test]
fn server_options_may_follow_the_command() {
    let folder = tempfile::tempdir().unwrap();
    let added = std::process::Command::new(env!("CARGO_BIN_EXE_tessera-server"))
        .args(["add-relying-party", "Shop", "--data"])
        .arg(folder.path())
        .output()
        .unwrap();
    assert!(added.status.success(), "{added:?}");
    assert!(last_line(&added).starts_with("tsk_"), "{added:?}");
    assert!(folder.path().join("approvals.sqlite3").exists());
}
