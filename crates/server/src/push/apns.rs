//! Apple Push Notification service, token-based, for iPhones.
//!
//! The server signs a provider token (an ES256 JWT) with the team's `.p8` key and reuses it for
//! 50 minutes: Apple refuses tokens older than an hour and throttles servers that make new ones
//! more often than every 20 minutes. Each wake-up is a background push (`content-available`)
//! at the lower priority Apple requires for those; it shows nothing to the user.
//!
//! APNs speaks only HTTP/2, so its client speaks nothing else: over TLS it offers only `h2`, and
//! to a loopback `http://` base URL it speaks HTTP/2 from the first byte (prior knowledge).

use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{AUTHORIZATION, HeaderValue};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use serde::{Deserialize, Serialize};
use tessera_push::{PushChannel, PushKind};

use super::config::APNS_BASE_URL;
use super::{PushConfig, PushError, Secret, Wake, WakeFuture, http, jwt, key_file, unix_time};

const SERVICE: &str = "APNs";
const WHAT: &str = "the APNs key (--apns-key)";
/// How long a provider token is used.
const PROVIDER_TOKEN_REUSE: Duration = Duration::from_secs(50 * 60);

/// Wakes iPhones through APNs; the address is the hex device token.
pub(super) struct Apns {
    client: reqwest::Client,
    base: String,
    key: EcdsaKeyPair,
    key_id: String,
    team_id: String,
    topic: HeaderValue,
    rng: SystemRandom,
    provider_token: Mutex<Option<ProviderToken>>,
}

struct ProviderToken {
    jwt: Secret,
    made: Instant,
}

impl Apns {
    /// APNs as `config` sets it up, if it does.
    pub(super) fn from_config(config: &PushConfig) -> Result<Option<Apns>, PushError> {
        let flags = [
            ("--apns-key-id", &config.apns_key_id),
            ("--apns-team-id", &config.apns_team_id),
            ("--apns-topic", &config.apns_topic),
        ];
        let Some(path) = &config.apns_key else {
            return match flags.iter().find(|(_, value)| value.is_some()) {
                Some((flag, _)) => Err(PushError::Config(format!(
                    "{flag} is set but --apns-key is not"
                ))),
                None => Ok(None),
            };
        };
        let missing: Vec<&str> = flags
            .iter()
            .filter(|(_, value)| value.as_deref().is_none_or(str::is_empty))
            .map(|(flag, _)| *flag)
            .collect();
        if !missing.is_empty() {
            return Err(PushError::Config(format!(
                "--apns-key also needs {}",
                missing.join(", ")
            )));
        }
        let [key_id, team_id, topic] =
            flags.map(|(flag, value)| identifier(flag, value.as_deref().unwrap_or_default()));
        let (key_id, team_id, topic) = (key_id?, team_id?, topic?);

        let bad = |reason: String| PushError::KeyFile {
            what: WHAT,
            path: path.clone(),
            reason,
        };
        let pem = key_file::read(path, WHAT)?;
        let der = key_file::pkcs8_from_pem(&pem).map_err(bad)?;
        let rng = SystemRandom::new();
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der, &rng)
            .map_err(|err| bad(key_file::rejected_key_reason(&err, "an EC P-256 key")))?;

        let base = http::base_url(
            config.apns_base_url.as_ref(),
            APNS_BASE_URL,
            "--apns-base-url",
        )?;
        let topic = HeaderValue::from_str(&topic)
            .map_err(|_| PushError::Config("--apns-topic is not a bundle id".into()))?;
        Ok(Some(Apns {
            client: http::build(http::client().http2_prior_knowledge(), SERVICE)?,
            base,
            key,
            key_id,
            team_id,
            topic,
            rng,
            provider_token: Mutex::new(None),
        }))
    }

    async fn send(&self, address: &str) -> Result<(), PushError> {
        // The token goes into the path: anything but hex could walk it elsewhere.
        let hex =
            (16..=200).contains(&address.len()) && address.chars().all(|c| c.is_ascii_hexdigit());
        if !hex {
            return Err(PushError::AddressRefused {
                service: SERVICE,
                reason: "an APNs device token is 16 to 200 hexadecimal digits".into(),
            });
        }
        let jwt = self.provider_token()?;
        let mut authorization = HeaderValue::from_str(&format!("bearer {}", jwt.expose()))
            .map_err(|_| PushError::Failed("could not write the APNs provider token".into()))?;
        authorization.set_sensitive(true);
        let response = self
            .client
            .post(format!("{}/3/device/{address}", self.base))
            .header(AUTHORIZATION, authorization)
            .header("apns-topic", self.topic.clone())
            .header("apns-push-type", "background")
            .header("apns-priority", "5")
            .json(&serde_json::json!({ "aps": { "content-available": 1 } }))
            .send()
            .await
            .map_err(|err| http::unreachable(SERVICE, err))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        let reason = serde_json::from_slice::<ErrorAnswer>(&http::error_body(response).await)
            .unwrap_or_default()
            .reason;
        let dead = status == reqwest::StatusCode::GONE
            || matches!(reason.as_str(), "BadDeviceToken" | "Unregistered");
        if dead {
            return Err(PushError::Unregistered(SERVICE));
        }
        if matches!(
            reason.as_str(),
            "ExpiredProviderToken" | "InvalidProviderToken"
        ) {
            self.forget(&jwt);
        }
        Err(PushError::Rejected {
            service: SERVICE,
            status: status.as_u16(),
            detail: http::detail(&[&reason], address),
        })
    }

    /// The provider token in use, or a new one once it is 50 minutes old.
    fn provider_token(&self) -> Result<Secret, PushError> {
        let mut cached = self
            .provider_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(token) = cached.as_ref()
            && token.made.elapsed() < PROVIDER_TOKEN_REUSE
        {
            return Ok(token.jwt.clone());
        }
        #[derive(Serialize)]
        struct Header<'a> {
            alg: &'static str,
            kid: &'a str,
        }
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            iat: u64,
        }
        let header = Header {
            alg: "ES256",
            kid: &self.key_id,
        };
        let claims = Claims {
            iss: &self.team_id,
            iat: unix_time(),
        };
        let jwt = Secret::new(jwt::signed(&header, &claims, |input| {
            Ok(self.key.sign(&self.rng, input)?.as_ref().to_vec())
        })?);
        *cached = Some(ProviderToken {
            jwt: jwt.clone(),
            made: Instant::now(),
        });
        Ok(jwt)
    }

    /// Drops `jwt` if it is still the one in use: Apple no longer takes it.
    fn forget(&self, jwt: &Secret) {
        let mut cached = self
            .provider_token
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if cached.as_ref().is_some_and(|known| &known.jwt == jwt) {
            *cached = None;
        }
    }
}

impl Wake for Apns {
    fn kind(&self) -> PushKind {
        PushKind::Apns
    }

    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a> {
        Box::pin(self.send(&channel.address))
    }
}

impl fmt::Debug for Apns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Apns")
            .field("base", &self.base)
            .field("key_id", &self.key_id)
            .field("team_id", &self.team_id)
            .field("topic", &self.topic)
            .field("key", &"redacted")
            .finish_non_exhaustive()
    }
}

/// A setting that goes as it is into the provider token or a header.
fn identifier(flag: &str, value: &str) -> Result<String, PushError> {
    let fits = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if fits {
        Ok(value.to_owned())
    } else {
        Err(PushError::Config(format!(
            "{flag} may hold only letters, digits, '.', '-' and '_'"
        )))
    }
}

/// APNs' error answer: `{"reason": "BadDeviceToken"}`.
#[derive(Default, Deserialize)]
#[serde(default)]
struct ErrorAnswer {
    reason: String,
}
