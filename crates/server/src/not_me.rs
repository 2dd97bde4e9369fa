//! "This wasn't me": telling the relying party, so it can lock the account or reset its
//! password. The report is a JSON body and, in the `Tessera-Signature` header, the same facts
//! signed with the server's key (verify it with the key at `/v1/server-key`).

use serde::Serialize;
use tessera_push::message::{self, Claims};

use crate::state::Server;
use crate::time::{now_ms, seconds};

/// What the relying party is told.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Always `not_me`.
    pub event: &'static str,
    /// The account.
    pub account: String,
    /// The approval the user refused.
    pub approval_id: String,
    /// The device the user refused it on.
    pub device_id: String,
    /// When (Unix seconds).
    pub at: i64,
}

/// Sends the report in the background, if the relying party has a webhook.
pub async fn report(
    server: &Server,
    rp_id: &str,
    account: &str,
    approval_id: &str,
    device_id: &str,
) {
    let url = match sqlx::query("SELECT webhook_url FROM relying_parties WHERE id = $1")
        .bind(rp_id)
        .fetch_optional(server.pool())
        .await
    {
        Ok(Some(row)) => crate::store::column::<Option<String>>(&row, "webhook_url")
            .ok()
            .flatten(),
        Ok(None) => None,
        Err(error) => {
            eprintln!("tessera-server: could not read a webhook address: {error}");
            None
        }
    };
    let Some(url) = url else { return };
    let report = Report {
        event: "not_me",
        account: account.into(),
        approval_id: approval_id.into(),
        device_id: device_id.into(),
        at: seconds(now_ms()),
    };
    let signed = message::claims_now(
        &server.settings.origin,
        rp_id,
        report.at,
        300,
        report.clone(),
    )
    .and_then(|claims: Claims<Report>| {
        message::seal(
            &server.key,
            message::MessageType::NotMe,
            &server.key.public_key().thumbprint(),
            &claims,
        )
    });
    let Ok(signed) = signed else { return };
    let http = server.http.clone();
    tokio::spawn(async move {
        let sent = http
            .post(&url)
            .timeout(std::time::Duration::from_secs(10))
            .header("tessera-signature", signed)
            .json(&report)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => eprintln!(
                "tessera-server: the not-me webhook answered {}",
                response.status()
            ),
            Err(error) => eprintln!("tessera-server: the not-me webhook failed: {error}"),
        }
    });
}
