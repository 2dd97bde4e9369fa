//! The push settings an operator gives the server, as flags or `TESSERA_…` environment variables.

use std::path::PathBuf;

use url::Url;

use super::Secret;

/// Where FCM's HTTP v1 API lives.
pub const FCM_BASE_URL: &str = "https://fcm.googleapis.com";
/// Where APNs lives (its sandbox is `https://api.sandbox.push.apple.com`).
pub const APNS_BASE_URL: &str = "https://api.push.apple.com";

/// How the server may wake devices. A service is on when its credentials are given; none is on
/// by default, and then devices learn of approvals only while their app is open.
#[derive(clap::Args, Clone, Debug, Default)]
pub struct PushConfig {
    /// FCM: the Google service-account JSON key of the app's Firebase project.
    #[arg(
        long,
        global = true,
        env = "TESSERA_FCM_SERVICE_ACCOUNT",
        value_name = "JSON FILE"
    )]
    pub fcm_service_account: Option<PathBuf>,

    /// FCM: where the HTTP v1 API lives.
    #[arg(long, global = true, env = "TESSERA_FCM_BASE_URL", value_name = "URL", default_value = FCM_BASE_URL)]
    pub fcm_base_url: Option<Url>,

    /// FCM: where access tokens come from [default: the service account's `token_uri`].
    #[arg(long, global = true, env = "TESSERA_FCM_TOKEN_URL", value_name = "URL")]
    pub fcm_token_url: Option<Url>,

    /// APNs: the token-signing key (`AuthKey_….p8`, an EC P-256 key in PKCS#8 PEM).
    #[arg(long, global = true, env = "TESSERA_APNS_KEY", value_name = "P8 FILE")]
    pub apns_key: Option<PathBuf>,

    /// APNs: the key's id (ten characters, shown next to the key in Apple's developer account).
    #[arg(long, global = true, env = "TESSERA_APNS_KEY_ID", value_name = "ID")]
    pub apns_key_id: Option<String>,

    /// APNs: the developer team's id.
    #[arg(long, global = true, env = "TESSERA_APNS_TEAM_ID", value_name = "ID")]
    pub apns_team_id: Option<String>,

    /// APNs: the app's bundle id.
    #[arg(
        long,
        global = true,
        env = "TESSERA_APNS_TOPIC",
        value_name = "BUNDLE ID"
    )]
    pub apns_topic: Option<String>,

    /// APNs: where the API lives.
    #[arg(long, global = true, env = "TESSERA_APNS_BASE_URL", value_name = "URL", default_value = APNS_BASE_URL)]
    pub apns_base_url: Option<Url>,

    /// UnifiedPush: wake devices at the endpoint their distributor gave them (https://, or
    /// http:// to a loopback address; never to an internal host).
    #[arg(long, global = true, env = "TESSERA_UNIFIEDPUSH", value_parser = clap::builder::BoolishValueParser::new())]
    pub unifiedpush: bool,

    /// UnifiedPush: also send to endpoints on this machine's loopback (a distributor running
    /// beside the server, or tests). Off by default: on a shared host an enrolled device could
    /// otherwise make the server post to a local service.
    #[arg(long, global = true, env = "TESSERA_UNIFIEDPUSH_ALLOW_LOOPBACK", value_parser = clap::builder::BoolishValueParser::new())]
    pub unifiedpush_allow_loopback: bool,

    /// Relay: a URL that is sent each wake-up (service, address, time) for a relay to deliver,
    /// used for devices on services this server has no credentials for.
    #[arg(
        long,
        global = true,
        env = "TESSERA_PUSH_WEBHOOK_URL",
        value_name = "URL"
    )]
    pub push_webhook_url: Option<Url>,

    /// Relay: the secret the relay checks each request's HMAC-SHA256 with (at least 16
    /// characters; prefer the environment variable, as other users can see command lines).
    #[arg(
        long,
        global = true,
        env = "TESSERA_PUSH_WEBHOOK_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub push_webhook_secret: Option<Secret>,
}
