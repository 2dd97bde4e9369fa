//! Firebase Cloud Messaging, HTTP v1 API, for Android devices.
//!
//! The server proves itself with the OAuth 2 service-account flow: an RS256-signed assertion,
//! made from the service account's key, is exchanged at Google's token endpoint for an access
//! token, which is kept until shortly before it expires. Each wake-up is a data-only message at
//! high priority (so that it reaches a dozing phone) that says nothing but `"tessera": "wake"`.

use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};

use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use serde::{Deserialize, Serialize};
use tessera_push::{PushChannel, PushKind};
use url::Url;

use super::config::FCM_BASE_URL;
use super::{PushConfig, PushError, Secret, Wake, WakeFuture, http, jwt, key_file, unix_time};

const SERVICE: &str = "FCM";
const TOKEN_ENDPOINT: &str = "FCM's token endpoint";
const WHAT: &str = "the FCM service account (--fcm-service-account)";
/// The one permission the access token is asked for.
const SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
const GRANT_TYPE: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// How long an assertion is good for: Google's maximum.
const ASSERTION_LIFETIME: u64 = 3600;
/// An access token is replaced this long before it expires (or at half its life, if shorter).
const REFRESH_MARGIN: Duration = Duration::from_secs(300);
/// Google grants an hour; a token endpoint claiming more than a day is not believed.
const MAX_TOKEN_LIFETIME: u64 = 24 * 3600;

/// Wakes Android devices through FCM; the address is the FCM registration token.
pub(super) struct Fcm {
    client: reqwest::Client,
    send_url: Url,
    token_url: Url,
    /// The assertion's audience: the service account's `token_uri`, even when the token URL is
    /// overridden (a proxy in front of Google still hands Google the assertion).
    audience: String,
    client_email: String,
    key_id: Option<String>,
    key: RsaKeyPair,
    rng: SystemRandom,
    /// Held across a refresh, so that concurrent wake-ups wait for one token request.
    access_token: tokio::sync::Mutex<Option<AccessToken>>,
}

struct AccessToken {
    value: Secret,
    refresh_after: Instant,
}

/// The parts of a Google service-account key file that are used.
#[derive(Deserialize)]
struct ServiceAccount {
    #[serde(rename = "type")]
    kind: Option<String>,
    project_id: String,
    client_email: String,
    private_key: String,
    private_key_id: Option<String>,
    token_uri: Option<String>,
}

impl ServiceAccount {
    /// Reads the file at `path`, and the RSA key in it.
    fn read(path: &Path) -> Result<(ServiceAccount, RsaKeyPair), PushError> {
        let bad = |reason: String| PushError::KeyFile {
            what: WHAT,
            path: path.to_owned(),
            reason,
        };
        let text = key_file::read(path, WHAT)?;
        let mut account: ServiceAccount =
            serde_json::from_str(&text).map_err(|err| bad(json_reason(&err)))?;
        let private_key = zeroize::Zeroizing::new(std::mem::take(&mut account.private_key));
        if account
            .kind
            .as_deref()
            .is_some_and(|kind| kind != "service_account")
        {
            return Err(bad(
                "it is not a service account's key (its \"type\" is not \"service_account\")"
                    .into(),
            ));
        }
        let project_ok = !account.project_id.is_empty()
            && account
                .project_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':'));
        if !project_ok {
            return Err(bad("its project_id is not a Google Cloud project id".into()));
        }
        let der = key_file::pkcs8_from_pem(&private_key)
            .map_err(|reason| bad(format!("its private_key: {reason}")))?;
        let key = RsaKeyPair::from_pkcs8(&der).map_err(|err| {
            bad(format!(
                "its private_key: {}",
                key_file::rejected_key_reason(&err, "an RSA key")
            ))
        })?;

        Ok((account, key))
    }
}

impl Fcm {
    /// FCM as `config` sets it up, if it does.
    pub(super) fn from_config(config: &PushConfig) -> Result<Option<Fcm>, PushError> {
        let Some(path) = &config.fcm_service_account else {
            return Ok(None);
        };
        let (account, key) = ServiceAccount::read(path)?;
        let bad = |reason: &str| PushError::KeyFile {
            what: WHAT,
            path: path.clone(),
            reason: reason.into(),
        };
        let token_uri = match &account.token_uri {
            Some(uri) => Some(Url::parse(uri).map_err(|_| bad("its token_uri is not a URL"))?),
            None => None,
        };
        let token_url = match (&config.fcm_token_url, &token_uri) {
            (Some(url), _) | (None, Some(url)) => url.clone(),
            (None, None) => {
                return Err(bad(
                    "it has no token_uri: give the token URL with --fcm-token-url",
                ));
            }
        };
        http::https_or_loopback(&token_url, "the FCM token URL")?;
        let base = http::base_url(config.fcm_base_url.as_ref(), FCM_BASE_URL, "--fcm-base-url")?;
        let send_url = Url::parse(&format!(
            "{base}/v1/projects/{}/messages:send",
            account.project_id
        ))
        .map_err(|_| PushError::Config("--fcm-base-url is not a base URL".into()))?;

        Ok(Some(Fcm {
            client: http::build(http::client(), SERVICE)?,
            send_url,
            audience: account.token_uri.unwrap_or_else(|| token_url.to_string()),
            token_url,
            client_email: account.client_email,
            key_id: account.private_key_id,
            key,
            rng: SystemRandom::new(),
            access_token: tokio::sync::Mutex::new(None),
        }))
    }

    async fn send(&self, address: &str) -> Result<(), PushError> {
        let token = self.access_token().await?;
        let message = serde_json::json!({
            "message": {
                "token": address,
                "data": { "tessera": "wake" },
                "android": { "priority": "high" },
            }
        });
        let response = self
            .client
            .post(self.send_url.clone())
            .bearer_auth(token.expose())
            .json(&message)
            .send()
            .await
            .map_err(|err| http::unreachable(SERVICE, err))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let error = serde_json::from_slice::<ErrorAnswer>(&http::error_body(response).await)
            .unwrap_or_default()
            .error;
        if error.details.iter().any(|d| d.error_code == "UNREGISTERED") {
            return Err(PushError::Unregistered(SERVICE));
        }
        if status == reqwest::StatusCode::UNAUTHORIZED {
            self.forget(&token).await;
        }
        Err(PushError::Rejected {
            service: SERVICE,
            status: status.as_u16(),
            detail: http::detail(&[&error.status, &error.message], address),
        })
    }

    /// The cached access token, or a new one.
    async fn access_token(&self) -> Result<Secret, PushError> {
        let mut cached = self.access_token.lock().await;
        if let Some(token) = cached.as_ref()
            && Instant::now() < token.refresh_after
        {
            return Ok(token.value.clone());
        }
        let fresh = self.request_access_token().await?;
        let value = fresh.value.clone();
        *cached = Some(fresh);
        Ok(value)
    }

    /// Drops `token` if it is still the cached one: Google no longer takes it.
    async fn forget(&self, token: &Secret) {
        let mut cached = self.access_token.lock().await;
        if cached.as_ref().is_some_and(|known| &known.value == token) {
            *cached = None;
        }
    }

    async fn request_access_token(&self) -> Result<AccessToken, PushError> {
        let assertion = Secret::new(self.assertion()?);
        let requested = Instant::now();
        let response = self
            .client
            .post(self.token_url.clone())
            .form(&[
                ("grant_type", GRANT_TYPE),
                ("assertion", assertion.expose()),
            ])
            .send()
            .await
            .map_err(|err| http::unreachable(TOKEN_ENDPOINT, err))?;
        let status = response.status();
        if !status.is_success() {
            let refusal: TokenRefusal =
                serde_json::from_slice(&http::error_body(response).await).unwrap_or_default();
            return Err(PushError::Rejected {
                service: TOKEN_ENDPOINT,
                status: status.as_u16(),
                detail: http::detail(&[&refusal.error, &refusal.error_description], ""),
            });
        }
        let granted: TokenGrant = response.json().await.map_err(|_| PushError::Rejected {
            service: TOKEN_ENDPOINT,
            status: status.as_u16(),
            detail: "the answer holds no access token".into(),
        })?;
        let lifetime = Duration::from_secs(granted.expires_in.min(MAX_TOKEN_LIFETIME));
        Ok(AccessToken {
            value: Secret::new(granted.access_token),
            refresh_after: requested + lifetime - REFRESH_MARGIN.min(lifetime / 2),
        })
    }

    /// The signed JWT that asks for an access token.
    fn assertion(&self) -> Result<String, PushError> {
        #[derive(Serialize)]
        struct Header<'a> {
            alg: &'static str,
            typ: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            kid: Option<&'a str>,
        }
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            scope: &'static str,
            aud: &'a str,
            iat: u64,
            exp: u64,
        }
        let now = unix_time();
        let header = Header {
            alg: "RS256",
            typ: "JWT",
            kid: self.key_id.as_deref(),
        };
        let claims = Claims {
            iss: &self.client_email,
            scope: SCOPE,
            aud: &self.audience,
            iat: now,
            exp: now + ASSERTION_LIFETIME,
        };
        jwt::signed(&header, &claims, |input| {
            let mut signature = vec![0; self.key.public().modulus_len()];
            self.key
                .sign(&RSA_PKCS1_SHA256, &self.rng, input, &mut signature)?;
            Ok(signature)
        })
    }
}

impl Wake for Fcm {
    fn kind(&self) -> PushKind {
        PushKind::Fcm
    }

    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a> {
        Box::pin(self.send(&channel.address))
    }
}

impl fmt::Debug for Fcm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fcm")
            .field("send_url", &self.send_url.as_str())
            .field("token_url", &self.token_url.as_str())
            .field("client_email", &self.client_email)
            .field("key", &"redacted")
            .finish_non_exhaustive()
    }
}

/// What the token endpoint grants.
#[derive(Deserialize)]
struct TokenGrant {
    access_token: String,
    expires_in: u64,
}

/// What the token endpoint says when it refuses (RFC 6749, section 5.2).
#[derive(Default, Deserialize)]
#[serde(default)]
struct TokenRefusal {
    error: String,
    error_description: String,
}

/// FCM's error answer: `{"error": {"status": …, "message": …, "details": [{"errorCode": …}]}}`.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ErrorAnswer {
    error: ErrorInfo,
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ErrorInfo {
    status: String,
    message: String,
    details: Vec<ErrorDetail>,
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ErrorDetail {
    error_code: String,
}

/// Why a service-account file is not one, without quoting it (a misplaced file may hold
/// anything, a private key included).
fn json_reason(err: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match err.classify() {
        Category::Data => {
            let message = err.to_string();
            match message.split(" at line ").next() {
                Some(missing) if missing.starts_with("missing field") => {
                    format!("it is not a Google service-account key ({missing})")
                }
                _ => format!(
                    "it is not a Google service-account key (line {}, column {})",
                    err.line(),
                    err.column()
                ),
            }
        }
        Category::Io | Category::Syntax | Category::Eof => format!(
            "it is not valid JSON (line {}, column {})",
            err.line(),
            err.column()
        ),
    }
}
