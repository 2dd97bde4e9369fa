//! Waking devices through each push service, over real HTTP to receivers on 127.0.0.1 that check
//! every request as the service would: the JWT's signature with the public key and its claims,
//! the bearer token, the headers, the path, HTTP/2 for APNs, the relay's HMAC, and that the body
//! says nothing about the approval.
//!
//! FCM and APNs themselves cannot be reached from here, so these receivers stand in for them,
//! built from the services' documentation.
//!
//! The RSA key of the FCM service account is made at test time with the `openssl` command (ring
//! cannot generate RSA keys); the APNs key is made with ring. No private key is checked in.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Form, Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clap::{CommandFactory, Parser};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair};
use serde_json::{Value, json};
use tessera_push::{PushChannel, PushKind};
use tessera_server::push::{PushConfig, PushError, Pushers};

// ---------------------------------------------------------------------------------------------
// Keys, files and receivers

/// An RSA key made by openssl: the PKCS#8 PEM, and the public key (PKCS#1 DER) derived by
/// openssl too, so that the check does not rest on the code under test reading the key.
struct RsaKey {
    pem: String,
    public_der: Vec<u8>,
}

static RSA_KEY: LazyLock<RsaKey> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let pem_path = dir.path().join("key.pem");
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        pem_path.to_str().unwrap(),
    ]);
    let public_der = openssl(&[
        "rsa",
        "-in",
        pem_path.to_str().unwrap(),
        "-RSAPublicKey_out",
        "-outform",
        "DER",
    ]);
    RsaKey {
        pem: std::fs::read_to_string(&pem_path).unwrap(),
        public_der,
    }
});

fn openssl(args: &[&str]) -> Vec<u8> {
    let output = Command::new("openssl")
        .args(args)
        .output()
        .expect("these tests need the `openssl` command (Debian's openssl package)");
    assert!(
        output.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// A P-256 key as Apple hands it out (a `.p8` file: PKCS#8 PEM), and its public point.
struct P256Key {
    pem: String,
    public: Vec<u8>,
}

fn p256_key() -> P256Key {
    let rng = SystemRandom::new();
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&signature::ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(
        &signature::ECDSA_P256_SHA256_FIXED_SIGNING,
        pkcs8.as_ref(),
        &rng,
    )
    .unwrap();
    P256Key {
        pem: pem("PRIVATE KEY", pkcs8.as_ref()),
        public: pair.public_key().as_ref().to_vec(),
    }
}

fn pem(label: &str, der: &[u8]) -> String {
    let base64 = STANDARD.encode(der);
    let lines: Vec<&str> = base64
        .as_bytes()
        .chunks(64)
        .map(|line| std::str::from_utf8(line).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, contents).unwrap();
    path
}

/// Serves `router` on 127.0.0.1, HTTP/1.1 and HTTP/2 (prior knowledge) alike.
async fn serve(router: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    addr
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Checks a compact JWS's signature with `verify` and returns its header and claims.
fn verified_jwt(
    jwt: &str,
    verify: impl FnOnce(&[u8], &[u8]) -> bool,
) -> Result<(Value, Value), String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts[..] else {
        return Err("not a compact JWS".into());
    };
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| "signature is not base64url")?;
    if !verify(format!("{header}.{claims}").as_bytes(), &signature) {
        return Err("signature does not verify with the public key".into());
    }
    let decode = |part: &str| -> Result<Value, String> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| "part is not base64url")?;
        serde_json::from_slice(&bytes).map_err(|_| "part is not JSON".into())
    };
    Ok((decode(header)?, decode(claims)?))
}

fn channel(kind: PushKind, address: &str) -> PushChannel {
    PushChannel {
        kind,
        address: address.into(),
    }
}

fn refusal(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

// ---------------------------------------------------------------------------------------------
// FCM

const FCM_PROJECT: &str = "tessera-test";
const FCM_EMAIL: &str = "wake@tessera-test.iam.gserviceaccount.com";
const FCM_SCOPE: &str = "https://www.googleapis.com/auth/firebase.messaging";
const FCM_ACCESS_TOKEN: &str = "ya29.test-access-token-3f9a";
const FCM_DEVICE: &str = "fcm-registration-token:APA91bHun4MxP5egoKMwt2KZFBaFUH";
const FCM_DEAD_DEVICE: &str = "fcm-registration-token:uninstalled";

/// Google's token endpoint and FCM's send endpoint, as one receiver.
struct FcmReceiver {
    token_url: String,
    token_requests: AtomicUsize,
    messages: Mutex<Vec<Value>>,
}

async fn fcm_token(
    State(receiver): State<Arc<FcmReceiver>>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let refuse = |why: String| {
        refusal(
            StatusCode::BAD_REQUEST,
            json!({"error": "invalid_grant", "error_description": why}),
        )
    };
    if form.get("grant_type").map(String::as_str)
        != Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    {
        return refuse("wrong grant_type".into());
    }
    let Some(assertion) = form.get("assertion") else {
        return refuse("no assertion".into());
    };
    let public = signature::UnparsedPublicKey::new(
        &signature::RSA_PKCS1_2048_8192_SHA256,
        &RSA_KEY.public_der,
    );
    let (header, claims) =
        match verified_jwt(assertion, |input, sig| public.verify(input, sig).is_ok()) {
            Ok(parts) => parts,
            Err(why) => return refuse(why),
        };
    if header["alg"] != "RS256" || header["typ"] != "JWT" {
        return refuse(format!("header {header}"));
    }
    let iat = claims["iat"].as_u64().unwrap_or(0);
    let claims_ok = claims["iss"] == FCM_EMAIL
        && claims["scope"] == FCM_SCOPE
        && claims["aud"] == receiver.token_url.as_str()
        && now().abs_diff(iat) < 60
        && claims["exp"].as_u64() == Some(iat + 3600);
    if !claims_ok {
        return refuse(format!("claims {claims}"));
    }
    receiver.token_requests.fetch_add(1, Ordering::SeqCst);
    axum::Json(json!({
        "access_token": FCM_ACCESS_TOKEN,
        "expires_in": 3599,
        "token_type": "Bearer",
    }))
    .into_response()
}

async fn fcm_send(
    State(receiver): State<Arc<FcmReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let bearer = format!("Bearer {FCM_ACCESS_TOKEN}");
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(bearer.as_str()) {
        return refusal(
            StatusCode::UNAUTHORIZED,
            json!({"error": {"status": "UNAUTHENTICATED", "message": "bad bearer token"}}),
        );
    }
    let Ok(message) = serde_json::from_slice::<Value>(&body) else {
        return refusal(
            StatusCode::BAD_REQUEST,
            json!({"error": {"status": "INVALID_ARGUMENT", "message": "not JSON"}}),
        );
    };
    receiver.messages.lock().unwrap().push(message.clone());
    if message["message"]["token"] == FCM_DEAD_DEVICE {
        return refusal(
            StatusCode::NOT_FOUND,
            json!({"error": {
                "code": 404,
                "status": "NOT_FOUND",
                "message": "Requested entity was not found.",
                "details": [{
                    "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                    "errorCode": "UNREGISTERED",
                }],
            }}),
        );
    }
    axum::Json(json!({"name": format!("projects/{FCM_PROJECT}/messages/0:1")})).into_response()
}

struct Fcm {
    receiver: Arc<FcmReceiver>,
    config: PushConfig,
    pushers: Pushers,
    _dir: tempfile::TempDir,
}

async fn fcm() -> Fcm {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let receiver = Arc::new(FcmReceiver {
        token_url: format!("http://{addr}/token"),
        token_requests: AtomicUsize::new(0),
        messages: Mutex::new(Vec::new()),
    });
    let router = Router::new()
        .route("/token", post(fcm_token))
        .route(
            &format!("/v1/projects/{FCM_PROJECT}/messages:send"),
            post(fcm_send),
        )
        .with_state(receiver.clone());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });

    let dir = tempfile::tempdir().unwrap();
    let account = json!({
        "type": "service_account",
        "project_id": FCM_PROJECT,
        "private_key_id": "0123456789abcdef",
        "private_key": RSA_KEY.pem,
        "client_email": FCM_EMAIL,
        "client_id": "1234567890",
        "token_uri": receiver.token_url,
    });
    let path = write(dir.path(), "service-account.json", &account.to_string());
    let config = PushConfig {
        fcm_service_account: Some(path),
        fcm_base_url: Some(format!("http://{addr}").parse().unwrap()),
        ..PushConfig::default()
    };
    Fcm {
        receiver,
        pushers: Pushers::new(&config).unwrap(),
        config,
        _dir: dir,
    }
}

#[tokio::test]
async fn fcm_wake_is_a_bare_data_message_sent_with_a_token_from_a_signed_assertion() {
    let fcm = fcm().await;

    fcm.pushers
        .wake(&channel(PushKind::Fcm, FCM_DEVICE))
        .await
        .unwrap();

    // Equal as a whole: the device token, "wake", high priority, and nothing else.
    let messages = fcm.receiver.messages.lock().unwrap();
    assert_eq!(
        *messages,
        [json!({"message": {
            "token": FCM_DEVICE,
            "data": {"tessera": "wake"},
            "android": {"priority": "high"},
        }})]
    );
}

#[tokio::test]
async fn fcm_access_token_is_fetched_once_for_many_wakes() {
    let fcm = fcm().await;
    let device = channel(PushKind::Fcm, FCM_DEVICE);

    fcm.pushers.wake(&device).await.unwrap();
    fcm.pushers.wake(&device).await.unwrap();
    let together = futures_util::future::join_all((0..3).map(|_| fcm.pushers.wake(&device))).await;

    assert!(together.iter().all(Result::is_ok), "{together:?}");
    assert_eq!(fcm.receiver.token_requests.load(Ordering::SeqCst), 1);
    assert_eq!(fcm.receiver.messages.lock().unwrap().len(), 5);
}

#[tokio::test]
async fn fcm_unregistered_token_is_reported_dead() {
    let fcm = fcm().await;

    let err = fcm
        .pushers
        .wake(&channel(PushKind::Fcm, FCM_DEAD_DEVICE))
        .await
        .unwrap_err();

    assert!(
        matches!(err, PushError::Unregistered("FCM")),
        "{err:?}: {err}"
    );
    assert!(err.is_unregistered());
}

#[tokio::test]
async fn fcm_refused_assertion_is_reported_with_google_reason_and_no_secret() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = Router::new().route(
        "/token",
        post(|| async {
            refusal(
                StatusCode::BAD_REQUEST,
                json!({"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
            )
        }),
    );
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    let dir = tempfile::tempdir().unwrap();
    let account = json!({
        "type": "service_account",
        "project_id": FCM_PROJECT,
        "private_key": RSA_KEY.pem,
        "client_email": FCM_EMAIL,
        "token_uri": format!("http://{addr}/token"),
    });
    let config = PushConfig {
        fcm_service_account: Some(write(dir.path(), "sa.json", &account.to_string())),
        fcm_base_url: Some(format!("http://{addr}").parse().unwrap()),
        ..PushConfig::default()
    };
    let pushers = Pushers::new(&config).unwrap();

    let err = pushers
        .wake(&channel(PushKind::Fcm, FCM_DEVICE))
        .await
        .unwrap_err();

    let message = err.to_string();
    assert_eq!(
        message,
        "FCM's token endpoint refused the wake-up (HTTP 400): invalid_grant: Invalid JWT Signature."
    );
    assert!(!format!("{err:?}").contains(FCM_DEVICE));
}

// ---------------------------------------------------------------------------------------------
// APNs

const APNS_KEY_ID: &str = "ABC123DEFG";
const APNS_TEAM_ID: &str = "DEF123GHIJ";
const APNS_TOPIC: &str = "org.tessera.app";
const APNS_DEVICE: &str = "7c1e2d9a0b3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d";
const APNS_GONE_DEVICE: &str = "00000000000000000000000000000000000000000000000000000000000000aa";
const APNS_BAD_DEVICE: &str = "00000000000000000000000000000000000000000000000000000000000000bb";

/// APNs' device endpoint: the request as it arrived, once checked.
struct ApnsReceiver {
    public: Vec<u8>,
    provider_tokens: Mutex<Vec<String>>,
    devices: Mutex<Vec<String>>,
}

async fn apns_device(
    State(receiver): State<Arc<ApnsReceiver>>,
    UrlPath(device): UrlPath<String>,
    version: Version,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let refuse = |status: StatusCode, reason: &str| refusal(status, json!({"reason": reason}));
    if version != Version::HTTP_2 {
        return refuse(StatusCode::BAD_REQUEST, "NotHttp2");
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let Some(jwt) = header("authorization").and_then(|v| v.strip_prefix("bearer ")) else {
        return refuse(StatusCode::FORBIDDEN, "MissingProviderToken");
    };
    let public =
        signature::UnparsedPublicKey::new(&signature::ECDSA_P256_SHA256_FIXED, &receiver.public);
    let Ok((jwt_header, claims)) =
        verified_jwt(jwt, |input, sig| public.verify(input, sig).is_ok())
    else {
        return refuse(StatusCode::FORBIDDEN, "InvalidProviderToken");
    };
    let claims_ok = jwt_header == json!({"alg": "ES256", "kid": APNS_KEY_ID})
        && claims.as_object().map(|c| c.len()) == Some(2)
        && claims["iss"] == APNS_TEAM_ID
        && now().abs_diff(claims["iat"].as_u64().unwrap_or(0)) < 60;
    if !claims_ok {
        return refuse(StatusCode::FORBIDDEN, "InvalidProviderToken");
    }
    if header("apns-topic") != Some(APNS_TOPIC) {
        return refuse(StatusCode::BAD_REQUEST, "BadTopic");
    }
    if header("apns-push-type") != Some("background") || header("apns-priority") != Some("5") {
        return refuse(StatusCode::BAD_REQUEST, "BadPriority");
    }
    if serde_json::from_slice::<Value>(&body).ok() != Some(json!({"aps": {"content-available": 1}}))
    {
        return refuse(StatusCode::BAD_REQUEST, "PayloadNotBackground");
    }
    receiver.provider_tokens.lock().unwrap().push(jwt.into());
    receiver.devices.lock().unwrap().push(device.clone());
    match device.as_str() {
        APNS_GONE_DEVICE => refusal(
            StatusCode::GONE,
            json!({"reason": "Unregistered", "timestamp": 1_700_000_000_000u64}),
        ),
        APNS_BAD_DEVICE => refuse(StatusCode::BAD_REQUEST, "BadDeviceToken"),
        _ => StatusCode::OK.into_response(),
    }
}

struct Apns {
    receiver: Arc<ApnsReceiver>,
    pushers: Pushers,
    _dir: tempfile::TempDir,
}

async fn apns() -> Apns {
    let key = p256_key();
    let receiver = Arc::new(ApnsReceiver {
        public: key.public,
        provider_tokens: Mutex::new(Vec::new()),
        devices: Mutex::new(Vec::new()),
    });
    let addr = serve(
        Router::new()
            .route("/3/device/{device}", post(apns_device))
            .with_state(receiver.clone()),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let config = PushConfig {
        apns_key: Some(write(dir.path(), "AuthKey_ABC123DEFG.p8", &key.pem)),
        apns_key_id: Some(APNS_KEY_ID.into()),
        apns_team_id: Some(APNS_TEAM_ID.into()),
        apns_topic: Some(APNS_TOPIC.into()),
        apns_base_url: Some(format!("http://{addr}").parse().unwrap()),
        ..PushConfig::default()
    };
    Apns {
        receiver,
        pushers: Pushers::new(&config).unwrap(),
        _dir: dir,
    }
}

#[tokio::test]
async fn apns_wake_is_an_http2_background_push_with_an_es256_provider_token() {
    let apns = apns().await;

    apns.pushers
        .wake(&channel(PushKind::Apns, APNS_DEVICE))
        .await
        .unwrap();

    assert_eq!(*apns.receiver.devices.lock().unwrap(), [APNS_DEVICE]);
}

#[tokio::test]
async fn apns_provider_token_is_reused_between_wakes() {
    let apns = apns().await;
    let device = channel(PushKind::Apns, APNS_DEVICE);

    apns.pushers.wake(&device).await.unwrap();
    apns.pushers.wake(&device).await.unwrap();

    let tokens = apns.receiver.provider_tokens.lock().unwrap();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0], tokens[1]);
}

#[tokio::test]
async fn apns_gone_and_bad_device_tokens_are_reported_dead() {
    let apns = apns().await;

    for device in [APNS_GONE_DEVICE, APNS_BAD_DEVICE] {
        let err = apns
            .pushers
            .wake(&channel(PushKind::Apns, device))
            .await
            .unwrap_err();
        assert!(matches!(err, PushError::Unregistered("APNs")), "{err}");
    }
}

#[tokio::test]
async fn apns_device_token_that_is_not_hex_is_refused_before_sending() {
    let apns = apns().await;

    let err = apns
        .pushers
        .wake(&channel(
            PushKind::Apns,
            "../../../admin/drop-everything-0000",
        ))
        .await
        .unwrap_err();

    assert!(matches!(err, PushError::AddressRefused { .. }), "{err}");
    assert!(apns.receiver.devices.lock().unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------------
// UnifiedPush

/// A distributor's endpoints: `/up/{id}`, of which `gone` and `missing` are dead.
#[derive(Default)]
struct UnifiedPushReceiver {
    deliveries: Mutex<Vec<(String, Option<String>, Bytes)>>,
}

async fn unified_push_endpoint(
    State(receiver): State<Arc<UnifiedPushReceiver>>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let ttl = headers
        .get("ttl")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    receiver
        .deliveries
        .lock()
        .unwrap()
        .push((id.clone(), ttl, body));
    match id.as_str() {
        "gone" => StatusCode::GONE,
        "missing" => StatusCode::NOT_FOUND,
        _ => StatusCode::CREATED,
    }
}

async fn unified_push() -> (Arc<UnifiedPushReceiver>, SocketAddr, Pushers) {
    let receiver = Arc::new(UnifiedPushReceiver::default());
    let addr = serve(
        Router::new()
            .route("/up/{id}", post(unified_push_endpoint))
            .with_state(receiver.clone()),
    )
    .await;
    let config = PushConfig {
        unifiedpush: true,
        unifiedpush_allow_loopback: true,
        ..PushConfig::default()
    };
    (receiver, addr, Pushers::new(&config).unwrap())
}

#[tokio::test]
async fn unifiedpush_refuses_loopback_endpoints_unless_allowed() {
    let (receiver, addr, _) = unified_push().await;
    let strict = Pushers::new(&PushConfig {
        unifiedpush: true,
        ..PushConfig::default()
    })
    .unwrap();
    let channel = PushChannel {
        kind: PushKind::UnifiedPush,
        address: format!("http://{addr}/up/device"),
    };
    let refused = strict.wake(&channel).await.unwrap_err();
    assert!(
        refused.to_string().contains("--unifiedpush-allow-loopback"),
        "{refused}"
    );
    assert!(
        receiver.deliveries.lock().unwrap().is_empty(),
        "nothing was sent"
    );
}

#[tokio::test]
async fn unifiedpush_wake_posts_a_content_free_body_to_the_endpoint() {
    let (receiver, addr, pushers) = unified_push().await;

    pushers
        .wake(&channel(
            PushKind::UnifiedPush,
            &format!("http://{addr}/up/device-1"),
        ))
        .await
        .unwrap();

    let deliveries = receiver.deliveries.lock().unwrap();
    let [(id, ttl, body)] = &deliveries[..] else {
        panic!("{} deliveries", deliveries.len());
    };
    assert_eq!(id, "device-1");
    assert!(ttl.as_deref().is_some_and(|ttl| ttl.parse::<u32>().is_ok()));
    assert_eq!(
        serde_json::from_slice::<Value>(body).unwrap(),
        json!({"tessera": "wake"})
    );
}

#[tokio::test]
async fn unifiedpush_gone_endpoint_is_reported_dead() {
    let (_receiver, addr, pushers) = unified_push().await;

    for id in ["gone", "missing"] {
        let endpoint = format!("http://{addr}/up/{id}");
        let err = pushers
            .wake(&channel(PushKind::UnifiedPush, &endpoint))
            .await
            .unwrap_err();
        assert!(
            matches!(err, PushError::Unregistered("UnifiedPush")),
            "{err}"
        );
    }
}

#[tokio::test]
async fn unifiedpush_refuses_endpoints_on_internal_hosts() {
    let (receiver, addr, pushers) = unified_push().await;
    let port = addr.port();

    for endpoint in [
        // Plain http to anything but a loopback address.
        "http://push.example.org/up/x".to_owned(),
        "http://192.0.2.10/up/x".to_owned(),
        // A name for loopback is not loopback written as such.
        format!("http://localhost:{port}/up/x"),
        // Internal addresses, even over https.
        "https://169.254.169.254/latest/meta-data".to_owned(),
        "https://10.0.0.8/up/x".to_owned(),
        "https://[::ffff:192.168.1.1]/up/x".to_owned(),
        // A name that resolves only to internal addresses: refused at connect time.
        format!("https://localhost:{port}/up/x"),
        // Not a web URL at all.
        "file:///etc/passwd".to_owned(),
    ] {
        let err = pushers
            .wake(&channel(PushKind::UnifiedPush, &endpoint))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                PushError::AddressRefused {
                    service: "UnifiedPush",
                    ..
                }
            ),
            "{endpoint}: {err}"
        );
    }
    assert!(receiver.deliveries.lock().unwrap().is_empty());
}

#[tokio::test]
async fn unreachable_endpoint_is_reported_without_its_url() {
    let (_receiver, _addr, pushers) = unified_push().await;
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);

    let endpoint = format!("http://127.0.0.1:{port}/up/capability-token-5e1d");
    let err = pushers
        .wake(&channel(PushKind::UnifiedPush, &endpoint))
        .await
        .unwrap_err();

    assert!(matches!(err, PushError::Unreachable { .. }), "{err}");
    let message = err.to_string();
    assert!(
        message.starts_with("could not reach UnifiedPush: "),
        "{message}"
    );
    assert!(!message.contains("capability-token-5e1d"), "{message}");
}

// ---------------------------------------------------------------------------------------------
// Webhook relay

const RELAY_SECRET: &str = "relay-secret-7d1f0c2b9e8a4b6c";

/// A relay that checks the signature and the timestamp as a careful one would.
#[derive(Default)]
struct RelayReceiver {
    requests: Mutex<Vec<Value>>,
}

async fn relay_endpoint(
    State(receiver): State<Arc<RelayReceiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, RELAY_SECRET.as_bytes());
    let signed = header("tessera-signature")
        .and_then(|v| v.strip_prefix("sha256="))
        .and_then(|hex| {
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
                .collect::<Option<Vec<u8>>>()
        })
        .is_some_and(|tag| ring::hmac::verify(&key, &body, &tag).is_ok());
    if !signed {
        return (StatusCode::UNAUTHORIZED, "bad signature").into_response();
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return (StatusCode::BAD_REQUEST, "not JSON").into_response();
    };
    let sent_at = request["sent_at"].as_u64().unwrap_or(0);
    let fresh = now().abs_diff(sent_at) < 60
        && header("tessera-timestamp") == Some(sent_at.to_string().as_str());
    if !fresh {
        return (StatusCode::UNAUTHORIZED, "stale").into_response();
    }
    receiver.requests.lock().unwrap().push(request.clone());
    if request["address"] == "gone" {
        return StatusCode::GONE.into_response();
    }
    StatusCode::ACCEPTED.into_response()
}

async fn relay() -> (Arc<RelayReceiver>, Pushers) {
    let receiver = Arc::new(RelayReceiver::default());
    let addr = serve(
        Router::new()
            .route("/relay", post(relay_endpoint))
            .with_state(receiver.clone()),
    )
    .await;
    let config = PushConfig {
        push_webhook_url: Some(format!("http://{addr}/relay").parse().unwrap()),
        push_webhook_secret: Some(RELAY_SECRET.parse().unwrap()),
        ..PushConfig::default()
    };
    (receiver, Pushers::new(&config).unwrap())
}

#[tokio::test]
async fn webhook_relay_gets_a_signed_timestamped_wake() {
    let (receiver, pushers) = relay().await;

    pushers
        .wake(&channel(PushKind::Webhook, "relay-device-42"))
        .await
        .unwrap();

    let requests = receiver.requests.lock().unwrap();
    let [request] = &requests[..] else {
        panic!("{} requests", requests.len());
    };
    let fields: Vec<&String> = request.as_object().unwrap().keys().collect();
    assert_eq!(fields, ["address", "kind", "sent_at"]);
    assert_eq!(request["kind"], "webhook");
    assert_eq!(request["address"], "relay-device-42");
}

#[tokio::test]
async fn webhook_relay_wakes_devices_of_services_without_credentials() {
    let (receiver, pushers) = relay().await;

    assert!(pushers.supports(PushKind::Fcm));
    pushers
        .wake(&channel(PushKind::Fcm, FCM_DEVICE))
        .await
        .unwrap();

    let requests = receiver.requests.lock().unwrap();
    assert_eq!(requests[0]["kind"], "fcm");
    assert_eq!(requests[0]["address"], FCM_DEVICE);
}

#[tokio::test]
async fn webhook_relay_saying_gone_means_a_dead_address() {
    let (_receiver, pushers) = relay().await;

    let err = pushers
        .wake(&channel(PushKind::Webhook, "gone"))
        .await
        .unwrap_err();

    assert!(err.is_unregistered(), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Settings, key files and what never shows

#[test]
fn no_settings_wake_nothing() {
    let pushers = Pushers::new(&PushConfig::default()).unwrap();

    for kind in [
        PushKind::Fcm,
        PushKind::Apns,
        PushKind::UnifiedPush,
        PushKind::Webhook,
    ] {
        assert!(!pushers.supports(kind));
        assert!(!Pushers::none().supports(kind));
    }
}

#[tokio::test]
async fn only_configured_services_are_supported() {
    let fcm = fcm().await;

    assert!(fcm.pushers.supports(PushKind::Fcm));
    assert!(!fcm.pushers.supports(PushKind::Apns));
    let err = fcm
        .pushers
        .wake(&channel(PushKind::Apns, APNS_DEVICE))
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "this server is not set up to wake devices through APNs"
    );
}

/// `Pushers::new`'s error for `config`, as an operator reads it.
fn start_error(config: &PushConfig) -> String {
    Pushers::new(config).unwrap_err().to_string()
}

fn fcm_config(path: PathBuf) -> PushConfig {
    PushConfig {
        fcm_service_account: Some(path),
        ..PushConfig::default()
    }
}

fn apns_config(path: PathBuf) -> PushConfig {
    PushConfig {
        apns_key: Some(path),
        apns_key_id: Some(APNS_KEY_ID.into()),
        apns_team_id: Some(APNS_TEAM_ID.into()),
        apns_topic: Some(APNS_TOPIC.into()),
        ..PushConfig::default()
    }
}

#[test]
fn bad_key_files_stop_the_start_with_the_file_and_the_fix_named() {
    let dir = tempfile::tempdir().unwrap();
    let key_body = RSA_KEY.pem.lines().nth(1).unwrap().to_owned();
    let account = |private_key: &str| {
        json!({
            "type": "service_account",
            "project_id": FCM_PROJECT,
            "private_key": private_key,
            "client_email": FCM_EMAIL,
            "token_uri": "https://oauth2.googleapis.com/token",
        })
        .to_string()
    };
    let missing = dir.path().join("nowhere.json");
    let not_json = write(dir.path(), "not.json", &RSA_KEY.pem);
    let no_key = write(
        dir.path(),
        "no-key.json",
        &json!({"type": "service_account", "project_id": FCM_PROJECT}).to_string(),
    );
    let pkcs1 = write(
        dir.path(),
        "pkcs1.json",
        &account(&RSA_KEY.pem.replace("PRIVATE KEY", "RSA PRIVATE KEY")),
    );
    let ec_for_fcm = write(dir.path(), "ec.json", &account(&p256_key().pem));
    let rsa_for_apns = write(dir.path(), "AuthKey_RSA.p8", &RSA_KEY.pem);
    let empty_p8 = write(dir.path(), "AuthKey_EMPTY.p8", "");

    let cases = [
        (
            fcm_config(missing.clone()),
            &missing,
            "there is no such file",
        ),
        (
            fcm_config(not_json.clone()),
            &not_json,
            "it is not valid JSON (line 1, column",
        ),
        (
            fcm_config(no_key.clone()),
            &no_key,
            "missing field `client_email`",
        ),
        (
            fcm_config(pkcs1.clone()),
            &pkcs1,
            "openssl pkcs8 -topk8 -nocrypt",
        ),
        (
            fcm_config(ec_for_fcm.clone()),
            &ec_for_fcm,
            "it is not an RSA key",
        ),
        (
            apns_config(rsa_for_apns.clone()),
            &rsa_for_apns,
            "it is not an EC P-256 key",
        ),
        (
            apns_config(empty_p8.clone()),
            &empty_p8,
            "it holds no PEM block",
        ),
    ];
    for (config, path, reason) in cases {
        let message = start_error(&config);
        let flag = if config.apns_key.is_some() {
            "(--apns-key)"
        } else {
            "(--fcm-service-account)"
        };
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains(flag), "{message}");
        assert!(message.contains(reason), "{message}");
        assert!(!message.contains(&key_body), "{message}");
    }
}

#[test]
fn settings_that_do_not_fit_together_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p8 = write(dir.path(), "AuthKey.p8", &p256_key().pem);

    let cases = [
        (
            PushConfig {
                apns_key: Some(p8.clone()),
                apns_key_id: Some(APNS_KEY_ID.into()),
                ..PushConfig::default()
            },
            "push settings: --apns-key also needs --apns-team-id, --apns-topic",
        ),
        (
            PushConfig {
                apns_team_id: Some(APNS_TEAM_ID.into()),
                ..PushConfig::default()
            },
            "push settings: --apns-team-id is set but --apns-key is not",
        ),
        (
            PushConfig {
                apns_base_url: Some("http://apns.example.org".parse().unwrap()),
                ..apns_config(p8.clone())
            },
            "push settings: --apns-base-url must be an https:// URL (plain http:// only to a \
             loopback address such as 127.0.0.1)",
        ),
        (
            PushConfig {
                push_webhook_url: Some("https://relay.example.org/wake".parse().unwrap()),
                ..PushConfig::default()
            },
            "push settings: --push-webhook-url needs --push-webhook-secret, for the relay to \
             check that requests come from this server",
        ),
        (
            PushConfig {
                push_webhook_url: Some("https://relay.example.org/wake".parse().unwrap()),
                push_webhook_secret: Some("short".parse().unwrap()),
                ..PushConfig::default()
            },
            "push settings: --push-webhook-secret must be at least 16 characters \
             (`openssl rand -hex 32` makes a good one)",
        ),
    ];
    for (config, expected) in cases {
        assert_eq!(start_error(&config), expected);
    }
}

#[tokio::test]
async fn debug_output_holds_no_secret() {
    let fcm = fcm().await;
    let config = PushConfig {
        push_webhook_url: Some("https://relay.example.org/wake".parse().unwrap()),
        push_webhook_secret: Some(RELAY_SECRET.parse().unwrap()),
        ..fcm.config.clone()
    };
    let pushers = Pushers::new(&config).unwrap();
    // A wake-up, so that an access token is held.
    pushers
        .wake(&channel(PushKind::Fcm, FCM_DEVICE))
        .await
        .unwrap();

    let shown = format!("{pushers:?} {config:?}");

    let key_body = RSA_KEY.pem.lines().nth(1).unwrap();
    for secret in [FCM_ACCESS_TOKEN, RELAY_SECRET, key_body] {
        assert!(!shown.contains(secret), "{shown}");
    }
    assert!(shown.contains("Fcm") && shown.contains("Relay"), "{shown}");
}

/// The flags as the server's command line has them.
#[derive(Parser)]
struct Flags {
    #[command(flatten)]
    push: PushConfig,
}

#[test]
fn every_flag_has_a_tessera_environment_variable() {
    let command = Flags::command();

    for arg in command.get_arguments() {
        let env = arg.get_env().and_then(|env| env.to_str());
        assert!(
            env.is_some_and(|env| env.starts_with("TESSERA_")),
            "--{:?} has no TESSERA_ variable",
            arg.get_long()
        );
    }
    let secret = command
        .get_arguments()
        .find(|arg| arg.get_long() == Some("push-webhook-secret"))
        .unwrap();
    assert!(secret.is_hide_env_values_set());
}

#[test]
fn flags_default_to_the_real_services() {
    let flags = Flags::try_parse_from([
        "tessera-server",
        "--unifiedpush",
        "--push-webhook-secret",
        "0123456789abcdef0123",
    ])
    .unwrap();

    let push = flags.push;
    assert!(push.unifiedpush);
    assert_eq!(
        push.fcm_base_url.unwrap().as_str(),
        "https://fcm.googleapis.com/"
    );
    assert_eq!(
        push.apns_base_url.unwrap().as_str(),
        "https://api.push.apple.com/"
    );
    assert_eq!(
        push.push_webhook_secret.unwrap().expose(),
        "0123456789abcdef0123"
    );
}

// ---------------------------------------------------------------------------------------------
// Proxies from the environment

/// A wake-up sent through a proxy would never have its host name resolved by the server, so the
/// public-address guard would never see it: `https://localhost/…` would reach the proxy as
/// `CONNECT localhost:…`. This runs the wake-ups in a child process (the variables must be there
/// before any client is built, and a test cannot set them for its own process safely) with every
/// proxy variable pointing at a loopback "proxy" that counts who contacts it.
#[test]
fn wakeups_never_go_through_a_proxy_from_the_environment() {
    let proxy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let contacted = Arc::new(AtomicUsize::new(0));
    let counter = contacted.clone();
    std::thread::spawn(move || {
        for stream in proxy.incoming() {
            counter.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });

    let child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "wakeups_in_a_proxied_environment",
            "--include-ignored",
            "--nocapture",
        ])
        .env("HTTPS_PROXY", &proxy_url)
        .env("HTTP_PROXY", &proxy_url)
        .env("ALL_PROXY", &proxy_url)
        .env("https_proxy", &proxy_url)
        .env("http_proxy", &proxy_url)
        .env("all_proxy", &proxy_url)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .output()
        .unwrap();

    let output = String::from_utf8_lossy(&child.stdout);
    assert!(
        child.status.success() && output.contains("1 passed"),
        "{output}\n{}",
        String::from_utf8_lossy(&child.stderr)
    );
    assert_eq!(contacted.load(Ordering::SeqCst), 0, "the proxy was used");
}

#[tokio::test]
#[ignore = "run by wakeups_never_go_through_a_proxy_from_the_environment, with proxy variables set"]
async fn wakeups_in_a_proxied_environment() {
    assert!(std::env::var_os("HTTPS_PROXY").is_some());
    let (receiver, addr, pushers) = unified_push().await;
    // A name for loopback, over https: refused by the resolver, not tunnelled to the proxy.
    let err = pushers
        .wake(&channel(
            PushKind::UnifiedPush,
            &format!("https://localhost:{}/up/x", addr.port()),
        ))
        .await
        .unwrap_err();
    assert!(
        matches!(err, PushError::AddressRefused { .. }),
        "https://localhost: {err}"
    );
    // Plain http to loopback (allowed here): delivered directly.
    pushers
        .wake(&channel(
            PushKind::UnifiedPush,
            &format!("http://{addr}/up/direct"),
        ))
        .await
        .unwrap();
    assert_eq!(receiver.deliveries.lock().unwrap().len(), 1);

    let (relay_receiver, relay_pushers) = relay().await;
    relay_pushers
        .wake(&channel(PushKind::Webhook, "relay-device"))
        .await
        .unwrap();
    assert_eq!(relay_receiver.requests.lock().unwrap().len(), 1);
}
