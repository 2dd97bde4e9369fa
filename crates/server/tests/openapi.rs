//! Keeps `openapi.json` true to the server it describes, against a real server on loopback over a
//! fresh SQLite folder:
//!
//! - the document the server serves is the file in the repository;
//! - every operation the document lists is routed (it answers with something other than the
//!   server's `no_such_endpoint` or `method_not_allowed`), with a status code the document gives
//!   for it and, for an error, a code that the documented response names;
//! - every route of the router (read from `src/http/mod.rs`, and written out below) is in the
//!   document, so a new route without documentation fails here;
//! - enrollment, a sign-in, the admin calls and the demo site, run for real, answer with the
//!   statuses and bodies the document gives, down to the claims inside the signed messages;
//! - the document is well formed: references resolve, path parameters are declared, and its
//!   schemas use only what the checker below understands.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::{Method, Response};
use serde_json::{Value, json};
use tessera_push::jws::Unverified;
use tessera_push::message::{self, MessageType};
use tessera_push::{EnrollLink, PublicKey, SigningKey};
use tessera_server::push::Pushers;
use tessera_server::{Running, Settings, Store};

/// Every route of the router in `src/http/mod.rs`, as (method, path). A route added there must be
/// added here and documented in `openapi.json`.
const ROUTES: &[(&str, &str)] = &[
    ("get", "/"),
    ("get", "/openapi.json"),
    ("get", "/v1/server-key"),
    ("post", "/v1/enrollments"),
    ("post", "/v1/approvals"),
    ("get", "/v1/approvals/{id}"),
    ("get", "/v1/approvals/{id}/events"),
    ("post", "/v1/approvals/{id}/redeem"),
    ("get", "/v1/accounts/{account}/devices"),
    ("patch", "/v1/accounts/{account}/devices/{id}"),
    ("delete", "/v1/accounts/{account}/devices/{id}"),
    ("post", "/v1/device/enroll"),
    ("post", "/v1/device/approvals"),
    ("post", "/v1/device/approval"),
    ("post", "/v1/device/answer"),
    ("post", "/v1/device/push"),
    ("post", "/v1/device/unenroll"),
    ("get", "/v1/device/events"),
    ("get", "/demo"),
    ("get", "/demo/demo.js"),
    ("get", "/demo/demo.css"),
    ("post", "/demo/api/sign-up"),
    ("post", "/demo/api/enroll"),
    ("post", "/demo/api/sign-in"),
    ("post", "/demo/api/sign-in-with-tessera"),
    ("get", "/demo/api/sign-in/{id}"),
];

/// The methods an OpenAPI path item can hold (and an axum method router can route).
const HTTP_METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The server's answers that mean "there is no such route" and "not with this method".
const NOT_ROUTED: [&str; 2] = ["no_such_endpoint", "method_not_allowed"];

/// How long any one exchange may take before the test calls the server stuck.
const PATIENCE: Duration = Duration::from_secs(20);

// ---------------------------------------------------------------------------------------------
// The tests

#[tokio::test]
async fn the_served_document_is_the_file_in_the_repository() {
    let session = Session::start().await;
    let response = session.send("get", "/openapi.json", None).await;
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(media_type(&response), "application/json");
    let served = response.text().await.expect("the document");
    assert_eq!(served, document_text(), "the served text is not the file's");
    let parsed: Value = serde_json::from_str(&served).expect("the served document is JSON");
    assert_eq!(parsed, session.doc);
    assert_eq!(parsed["openapi"], "3.1.0");
}

#[tokio::test]
async fn every_documented_operation_is_routed() {
    let session = Session::start().await;
    for (method, template, operation) in operations(&session.doc) {
        let path = with_dummies(&template);
        let body = operation.get("requestBody").map(|_| json!({}));
        let answer = session.call(&method, &template, &path, body).await;
        assert!(
            !NOT_ROUTED.contains(&answer.error()),
            "{} {path} is documented but not routed: {} {}",
            method.to_uppercase(),
            answer.status,
            answer.error()
        );
    }
}

#[tokio::test]
async fn every_route_is_documented() {
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(listed.len(), ROUTES.len(), "ROUTES names a route twice");
    assert_eq!(
        routes_in_router_source(),
        listed,
        "ROUTES in this test must list exactly the routes of src/http/mod.rs"
    );
    let documented: BTreeSet<(String, String)> = operations(&document())
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect();
    let undocumented: Vec<_> = listed.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from openapi.json: {undocumented:?}"
    );
    let unrouted: Vec<_> = documented.difference(&listed).collect();
    assert!(
        unrouted.is_empty(),
        "openapi.json documents routes the router does not have: {unrouted:?}"
    );
}

#[tokio::test]
async fn the_document_is_well_formed() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut ids = BTreeSet::new();
    for (method, template, operation) in operations(&doc) {
        let what = format!("{} {template}", method.to_uppercase());
        let id = operation["operationId"].as_str();
        let id = id.unwrap_or_else(|| panic!("{what} has no operationId"));
        assert!(ids.insert(id.to_string()), "operationId {id} is used twice");
        let in_path: BTreeSet<&str> = template
            .split('{')
            .skip(1)
            .filter_map(|part| part.split_once('}').map(|(name, _)| name))
            .collect();
        let declared: BTreeSet<&str> = operation["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|parameter| parameter["in"] == "path")
            .filter_map(|parameter| parameter["name"].as_str())
            .collect();
        assert_eq!(in_path, declared, "{what} declares other path parameters");
        let responses = operation["responses"].as_object();
        let responses = responses.unwrap_or_else(|| panic!("{what} has no responses"));
        assert!(!responses.is_empty(), "{what} has no responses");
        for code in responses.keys() {
            let status = code.parse::<u16>().ok().filter(|_| code.len() == 3);
            assert!(status.is_some(), "{what}: {code} is not a status code");
        }
        for requirement in operation["security"].as_array().into_iter().flatten() {
            for scheme in requirement
                .as_object()
                .into_iter()
                .flat_map(|map| map.keys())
            {
                assert!(
                    doc["components"]["securitySchemes"][scheme].is_object(),
                    "{what} uses the unknown security scheme {scheme}"
                );
            }
        }
    }
    let mut schemas = Vec::new();
    collect_schemas(&doc, &mut schemas);
    for schema in &schemas {
        if let Err(problem) = understood(&doc, schema) {
            panic!("openapi.json: {problem}");
        }
    }
}

#[tokio::test]
async fn enrollment_answers_as_documented() {
    let session = Session::start().await;
    let key = session
        .call("get", "/v1/server-key", "/v1/server-key", None)
        .await;
    assert_eq!(key.status, 200);
    let device = session.enrolled_device("alice@example.com").await;
    let pinned = device.server_key.as_ref().map(PublicKey::thumbprint);
    assert_eq!(key.body["thumbprint"], json!(pinned));

    let blank = Some(json!({"account": " "}));
    let refused = session
        .call("post", "/v1/enrollments", "/v1/enrollments", blank)
        .await;
    assert_eq!((refused.status, refused.error()), (400, "invalid_account"));
}

#[tokio::test]
async fn an_approved_sign_in_answers_as_documented() {
    let session = Session::start().await;
    let device = session.enrolled_device("alice@example.com").await;
    let mut stream = device.events(&session).await;

    let request = json!({
        "account": "alice@example.com",
        "context": {"site": "Example shop", "place": "Utrecht, Netherlands",
                    "ip": "203.0.113.7", "browser": "Firefox on Linux", "application": null},
        "mode": "choose",
        "ttl_seconds": 120,
    });
    let created = session
        .call("post", "/v1/approvals", "/v1/approvals", Some(request))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.body["id"]
        .as_str()
        .expect("an approval id")
        .to_string();
    let number = created.body["number"].clone();
    let (name, data) = stream.next(&session).await.expect("an approval event");
    assert_eq!((name.as_str(), &data["id"]), ("approval", &json!(id)));

    // What the device is shown, by listing and by fetching.
    let listed = device
        .send(
            &session,
            "/v1/device/approvals",
            MessageType::List,
            json!({}),
        )
        .await;
    assert_eq!(listed.status, 200);
    let shown = device.approval(&session, &listed.body["approvals"][0]);
    assert_eq!(shown["id"], json!(id));
    let choices = shown["choices"].as_array().expect("three choices");
    assert!(choices.contains(&number));
    let fetch = json!({"approval": id});
    let fetched = device
        .send(&session, "/v1/device/approval", MessageType::Fetch, fetch)
        .await;
    assert_eq!(fetched.status, 200);
    assert_eq!(device.approval(&session, &fetched.body["approval"]), shown);

    // The relying party waits; redeeming before the answer is refused.
    let status = format!("/v1/approvals/{id}?wait=0");
    let pending = session
        .call("get", "/v1/approvals/{id}", &status, None)
        .await;
    assert_eq!(pending.body["status"], "pending");
    let redeem = format!("/v1/approvals/{id}/redeem");
    let early = session
        .call("post", "/v1/approvals/{id}/redeem", &redeem, None)
        .await;
    assert_eq!((early.status, early.error()), (409, "still_pending"));

    // The device answers: a device cannot send wrong_number; the right number approves, once.
    let answer =
        |body: Value| device.send(&session, "/v1/device/answer", MessageType::Answer, body);
    let wrong_reason = json!({"approval": id, "decision": "deny", "reason": "wrong_number"});
    let refused = device
        .send_off_schema(
            &session,
            "/v1/device/answer",
            MessageType::Answer,
            wrong_reason,
        )
        .await;
    assert_eq!((refused.status, refused.error()), (400, "invalid_answer"));
    let approved = answer(json!({"approval": id, "decision": "approve", "number": number})).await;
    assert_eq!(
        (approved.status, &approved.body),
        (200, &json!({"status": "approved"}))
    );
    let late = answer(json!({"approval": id, "decision": "deny", "reason": "declined"})).await;
    assert_eq!((late.status, late.error()), (409, "approval_closed"));

    // The relying party hears of it and redeems, once.
    let events = format!("/v1/approvals/{id}/events");
    let mut decided = session
        .stream("/v1/approvals/{id}/events", &events, None)
        .await;
    let (name, data) = decided.next(&session).await.expect("a status event");
    assert_eq!(
        (name.as_str(), &data["status"]),
        ("status", &json!("approved"))
    );
    assert!(
        decided.next(&session).await.is_none(),
        "the stream ends after its event"
    );
    let redeemed = session
        .call("post", "/v1/approvals/{id}/redeem", &redeem, None)
        .await;
    assert_eq!(
        (redeemed.status, &redeemed.body["redeemed"]),
        (200, &json!(true))
    );
    let twice = session
        .call("post", "/v1/approvals/{id}/redeem", &redeem, None)
        .await;
    assert_eq!((twice.status, twice.error()), (409, "already_redeemed"));
}

#[tokio::test]
async fn managing_devices_answers_as_documented() {
    let session = Session::start().await;
    let device = session.enrolled_device("alice@example.com").await;
    let mut stream = device.events(&session).await;
    let (list, one) = (
        "/v1/accounts/{account}/devices",
        "/v1/accounts/{account}/devices/{id}",
    );
    let devices = "/v1/accounts/alice%40example.com/devices";
    let this = format!("{devices}/{}", device.id);

    let listed = session.call("get", list, devices, None).await;
    assert_eq!(
        (listed.status, &listed.body[0]["id"]),
        (200, &json!(device.id))
    );
    let rename = json!({"name": "Alice's Pixel"});
    let renamed = session.call("patch", one, &this, Some(rename)).await;
    assert_eq!(renamed.status, 204);

    let push = |body: Value| device.send(&session, "/v1/device/push", MessageType::Push, body);
    let cleared = push(json!({"push": null})).await;
    assert_eq!(cleared.status, 204);
    let fcm = push(json!({"push": {"kind": "fcm", "address": "a-registration-token"}})).await;
    assert_eq!((fcm.status, fcm.error()), (400, "push_not_supported"));

    let left = device
        .send(
            &session,
            "/v1/device/unenroll",
            MessageType::Unenroll,
            json!({}),
        )
        .await;
    assert_eq!(left.status, 204);
    assert!(
        stream.next(&session).await.is_none(),
        "the device's stream ends when it leaves"
    );
    let gone = device
        .send(
            &session,
            "/v1/device/approvals",
            MessageType::List,
            json!({}),
        )
        .await;
    assert_eq!((gone.status, gone.error()), (401, "device_revoked"));
    let revoked = session.call("delete", one, &this, None).await;
    assert_eq!((revoked.status, revoked.error()), (404, "unknown_device"));
    let listed = session.call("get", list, devices, None).await;
    assert_eq!(listed.body[0]["name"], "Alice's Pixel");
    assert!(listed.body[0]["revoked_at"].is_i64());

    let request = json!({"account": "alice@example.com", "context": {"site": "Example shop"}});
    let nobody = session
        .call("post", "/v1/approvals", "/v1/approvals", Some(request))
        .await;
    assert_eq!((nobody.status, nobody.error()), (409, "no_device"));
}

#[tokio::test]
async fn the_demo_site_answers_as_documented() {
    let session = Session::start().await;
    let credentials = json!({"username": "alice", "password": "correct horse battery"});
    let demo =
        |path: &'static str, body: &Value| session.call("post", path, path, Some(body.clone()));

    for (path, media) in [
        ("/demo", "text/html"),
        ("/demo/demo.js", "text/javascript"),
        ("/demo/demo.css", "text/css"),
    ] {
        assert_eq!(session.call("get", path, path, None).await.status, 200);
        let response = session.send("get", path, None).await;
        assert_eq!(media_type(&response), media, "{path}");
    }
    assert_eq!(session.call("get", "/", "/", None).await.status, 303);

    assert_eq!(demo("/demo/api/sign-up", &credentials).await.status, 201);
    let taken = demo("/demo/api/sign-up", &credentials).await;
    assert_eq!((taken.status, taken.error()), (409, "username_taken"));
    let no_phone = demo("/demo/api/sign-in", &credentials).await;
    assert_eq!((no_phone.status, no_phone.error()), (409, "no_device"));

    let enrollment = demo("/demo/api/enroll", &credentials).await;
    assert_eq!(enrollment.status, 200);
    let mut device = Device::new();
    let link = enrollment.body["link"].as_str().expect("a link");
    device.enroll(&session, link).await;

    let sign_in = demo("/demo/api/sign-in", &credentials).await;
    assert_eq!(sign_in.status, 200);
    let sign_in_id = sign_in.body["sign_in"].as_str().expect("a sign-in id");
    let state = format!("/demo/api/sign-in/{sign_in_id}?wait=0");
    let waiting = session
        .call("get", "/demo/api/sign-in/{id}", &state, None)
        .await;
    assert_eq!(waiting.body["state"], "waiting");

    let listed = device
        .send(
            &session,
            "/v1/device/approvals",
            MessageType::List,
            json!({}),
        )
        .await;
    let shown = device.approval(&session, &listed.body["approvals"][0]);
    let answer =
        json!({"approval": shown["id"], "decision": "approve", "number": sign_in.body["number"]});
    let approved = device
        .send(&session, "/v1/device/answer", MessageType::Answer, answer)
        .await;
    assert_eq!(approved.body["status"], "approved");
    let signed_in = session
        .call("get", "/demo/api/sign-in/{id}", &state, None)
        .await;
    assert_eq!(signed_in.body["state"], "signed_in");

    let wrong = json!({"username": "alice", "password": "not the password"});
    let refused = demo("/demo/api/enroll", &wrong).await;
    assert_eq!((refused.status, refused.error()), (401, "wrong_password"));
}

// ---------------------------------------------------------------------------------------------
// A server, the document, and calls checked against it

/// A running server with one relying party, the document, and a client that does not follow
/// redirects.
struct Session {
    _running: Running,
    base: String,
    http: reqwest::Client,
    api_key: String,
    doc: Value,
    _folder: tempfile::TempDir,
}

/// What came back from a call, after it was checked against the document.
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    /// The error code, if the answer is an error.
    fn error(&self) -> &str {
        self.body.get("error").and_then(Value::as_str).unwrap_or("")
    }
}

impl Session {
    async fn start() -> Session {
        let folder = tempfile::tempdir().expect("a temporary folder");
        let store = Store::sqlite(folder.path()).await.expect("a SQLite store");
        let pool = &store.pool;
        let created = tessera_server::relying_party::create(pool, "Example shop", None).await;
        let (_, api_key) = created.expect("a relying party");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        let settings = Settings::new(base.clone());
        let running = tessera_server::start(store, settings, Pushers::none(), listener).await;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Session {
            _running: running.expect("the server starts"),
            base,
            http,
            api_key,
            doc: document(),
            _folder: folder,
        }
    }

    /// Sends a request as it is, checking nothing.
    async fn send(&self, method: &str, path: &str, authorization: Option<String>) -> Response {
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).expect("a method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(authorization) = authorization {
            request = request.header("authorization", authorization);
        }
        let sent = tokio::time::timeout(PATIENCE, request.send()).await;
        sent.expect("an answer in time")
            .expect("the request is sent")
    }

    /// Calls the documented operation (`method`, `template`) at `path` (the template with its
    /// parameters filled in), with `body` as JSON and the relying party's API key when the
    /// operation takes it, and checks the answer: a status the operation documents, a body of the
    /// documented media type and schema, and for an error a code the response names.
    async fn call(&self, method: &str, template: &str, path: &str, body: Option<Value>) -> Answer {
        let what = format!("{} {path}", method.to_uppercase());
        let operation = operation(&self.doc, method, template);
        let method = Method::from_bytes(method.to_ascii_uppercase().as_bytes()).expect("a method");
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if uses_api_key(operation) {
            request = request.bearer_auth(&self.api_key);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let sent = tokio::time::timeout(PATIENCE, request.send()).await;
        let response = sent.unwrap_or_else(|_| panic!("{what}: no answer in time"));
        let response = response.unwrap_or_else(|error| panic!("{what}: {error}"));
        let status = response.status().as_u16();
        let media_type = media_type(&response);
        let bytes = tokio::time::timeout(PATIENCE, response.bytes()).await;
        let bytes = bytes.unwrap_or_else(|_| panic!("{what}: the body did not end in time"));
        let bytes = bytes.unwrap_or_else(|error| panic!("{what}: {error}"));
        let body = match media_type.as_str() {
            "application/json" => serde_json::from_slice(&bytes)
                .unwrap_or_else(|error| panic!("{what} answered {status} with bad JSON: {error}")),
            _ => Value::Null,
        };
        let documented = &operation["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{what} answered {status}, which openapi.json does not give for it: {}",
            String::from_utf8_lossy(&bytes)
        );
        let Some(content) = documented.get("content").and_then(Value::as_object) else {
            assert!(
                bytes.is_empty(),
                "{what} answered {status} with a body openapi.json does not give"
            );
            return Answer { status, body };
        };
        let media = content.get(&media_type).unwrap_or_else(|| {
            let documented: Vec<_> = content.keys().collect();
            panic!("{what} answered {status} as `{media_type}`, documented as {documented:?}")
        });
        if media_type == "application/json" {
            assert_conforms(
                &self.doc,
                &media["schema"],
                &body,
                &format!("{what} → {status}"),
            );
        }
        if let Some(code) = body.get("error").and_then(Value::as_str) {
            let description = documented["description"].as_str().unwrap_or("");
            assert!(
                description.contains(&format!("`{code}`")),
                "{what} answered {status} `{code}`, which openapi.json does not name there"
            );
        }
        Answer { status, body }
    }

    /// Opens the documented event stream `GET template` at `path`.
    async fn stream(&self, template: &str, path: &str, authorization: Option<String>) -> Events {
        let operation = operation(&self.doc, "get", template);
        let authorization = match authorization {
            None if uses_api_key(operation) => Some(format!("Bearer {}", self.api_key)),
            other => other,
        };
        let response = self.send("get", path, authorization).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "GET {path} did not open its stream"
        );
        assert_eq!(media_type(&response), "text/event-stream", "GET {path}");
        let media = &operation["responses"]["200"]["content"]["text/event-stream"];
        assert!(
            media.is_object(),
            "openapi.json gives no event stream for GET {template}"
        );
        Events {
            response,
            buffer: String::new(),
            schemas: media["x-tessera-events"].clone(),
            what: format!("GET {template}"),
        }
    }

    /// A device enrolled for `account`.
    async fn enrolled_device(&self, account: &str) -> Device {
        let body = Some(json!({"account": account}));
        let link = self
            .call("post", "/v1/enrollments", "/v1/enrollments", body)
            .await;
        assert_eq!(link.status, 201);
        let mut device = Device::new();
        device
            .enroll(self, link.body["link"].as_str().expect("a link"))
            .await;
        device
    }
}

/// An open Server-Sent Events stream, and the schemas its events are documented with.
struct Events {
    response: Response,
    buffer: String,
    schemas: Value,
    what: String,
}

impl Events {
    /// The next event (name, data), checked against the document; comments are skipped. `None`
    /// when the stream ends.
    async fn next(&mut self, session: &Session) -> Option<(String, Value)> {
        loop {
            let normalised = self.buffer.replace("\r\n", "\n");
            if let Some((block, rest)) = normalised.split_once("\n\n") {
                let (name, data) = read_event(block);
                self.buffer = rest.to_string();
                let Some(data) = data else { continue };
                let schema = &self.schemas[&name];
                let what = format!("the `{name}` event of {}", self.what);
                assert!(schema.is_object(), "{what} is not in openapi.json");
                assert_conforms(&session.doc, schema, &data, &what);
                return Some((name, data));
            }
            let chunk = tokio::time::timeout(PATIENCE, self.response.chunk()).await;
            match chunk.expect("an event in time").expect("the stream reads") {
                Some(bytes) => self
                    .buffer
                    .push_str(std::str::from_utf8(&bytes).expect("UTF-8")),
                None => return None,
            }
        }
    }
}

/// An event's name and data (`None` for a comment).
fn read_event(block: &str) -> (String, Option<Value>) {
    let mut name = "message".to_string();
    let mut data = String::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("event:") {
            name = value.trim().to_string();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim());
        }
    }
    let data = (!data.is_empty()).then(|| serde_json::from_str(&data).expect("JSON event data"));
    (name, data)
}

fn media_type(response: &Response) -> String {
    let header = response.headers().get(reqwest::header::CONTENT_TYPE);
    let value = header.and_then(|value| value.to_str().ok()).unwrap_or("");
    let essence = value.split(';').next().unwrap_or("");
    essence.trim().to_ascii_lowercase()
}

fn document_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    std::fs::read_to_string(path).expect("crates/server/openapi.json can be read")
}

fn document() -> Value {
    serde_json::from_str(&document_text()).expect("crates/server/openapi.json is JSON")
}

/// Every operation of the document: (method, path, operation).
fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let paths = doc["paths"].as_object().expect("the document has paths");
    let mut found = Vec::new();
    for (path, item) in paths {
        for (method, operation) in item.as_object().expect("a path item is an object") {
            if HTTP_METHODS.contains(&method.as_str()) {
                found.push((method.clone(), path.clone(), operation.clone()));
            }
        }
    }
    found
}

fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let operation = &doc["paths"][path][method];
    let what = method.to_uppercase();
    assert!(operation.is_object(), "openapi.json has no {what} {path}");
    operation
}

/// Whether the operation is authenticated with the relying party's API key.
fn uses_api_key(operation: &Value) -> bool {
    let schemes = operation["security"].as_array().into_iter().flatten();
    schemes
        .into_iter()
        .any(|scheme| scheme.get("apiKey").is_some())
}

/// A path template with every `{parameter}` replaced by a dummy value.
fn with_dummies(template: &str) -> String {
    let mut path = String::new();
    let mut inside = false;
    for c in template.chars() {
        match c {
            '{' => {
                inside = true;
                path.push_str("dummy");
            }
            '}' => inside = false,
            _ if inside => {}
            _ => path.push(c),
        }
    }
    path
}

// ---------------------------------------------------------------------------------------------
// A device, written from the documented messages

fn now() -> i64 {
    let since = SystemTime::now().duration_since(UNIX_EPOCH);
    since.expect("a clock after 1970").as_secs() as i64
}

/// A device key and, once enrolled, its id and the server's key.
struct Device {
    key: SigningKey,
    id: String,
    server_key: Option<PublicKey>,
}

impl Device {
    fn new() -> Device {
        Device {
            key: SigningKey::generate().expect("a device key"),
            id: String::new(),
            server_key: None,
        }
    }

    /// The claims of a message for the operation (`method`, `template`), after checking that the
    /// document names `kind` for it.
    fn claims(
        &self,
        doc: &Value,
        route: (&str, &str),
        kind: MessageType,
        kid: &str,
        aud: &str,
        body: Value,
    ) -> (message::Claims<Value>, Value) {
        let (method, template) = route;
        let documented = &operation(doc, method, template)["x-tessera-message"];
        let typ = documented["typ"].as_str();
        assert_eq!(
            typ,
            Some(kind.typ()),
            "openapi.json names another message for {template}"
        );
        let lifetime = message::DEVICE_MESSAGE_LIFETIME;
        let claims = message::claims_now(kid, aud, now(), lifetime, body).expect("claims");
        (claims, documented["claims"].clone())
    }

    /// A signed message for the operation, whose claims must match the documented schema.
    fn sign(
        &self,
        session: &Session,
        route: (&str, &str),
        kind: MessageType,
        kid: &str,
        body: Value,
    ) -> String {
        let (claims, schema) = self.claims(&session.doc, route, kind, kid, &session.base, body);
        let json = serde_json::to_value(&claims).expect("claims as JSON");
        assert_conforms(
            &session.doc,
            &schema,
            &json,
            &format!("the claims sent to {}", route.1),
        );
        message::seal(&self.key, kind, kid, &claims).expect("a signed message")
    }

    /// Sends a signed message to a device route (`POST`, `{"message": …}`).
    async fn send(
        &self,
        session: &Session,
        template: &str,
        kind: MessageType,
        body: Value,
    ) -> Answer {
        let signed = self.sign(session, ("post", template), kind, &self.id, body);
        let body = Some(json!({"message": signed}));
        session.call("post", template, template, body).await
    }

    /// Sends a message whose claims the documented schema refuses, as the server must too.
    async fn send_off_schema(
        &self,
        session: &Session,
        template: &str,
        kind: MessageType,
        body: Value,
    ) -> Answer {
        let route = ("post", template);
        let (claims, schema) =
            self.claims(&session.doc, route, kind, &self.id, &session.base, body);
        let json = serde_json::to_value(&claims).expect("claims as JSON");
        let refused = conforms(&session.doc, &schema, &json, template).is_err();
        assert!(
            refused,
            "openapi.json allows claims the server refuses: {json:#}"
        );
        let signed = message::seal(&self.key, kind, &self.id, &claims).expect("a signed message");
        session
            .call("post", template, template, Some(json!({"message": signed})))
            .await
    }

    /// Opens the device's event stream.
    async fn events(&self, session: &Session) -> Events {
        let route = ("get", "/v1/device/events");
        let signed = self.sign(session, route, MessageType::Events, &self.id, json!({}));
        let authorization = Some(format!("Tessera {signed}"));
        session.stream(route.1, route.1, authorization).await
    }

    /// Enrolls with `link`, checking the answer and the `enrolled` message against the document.
    async fn enroll(&mut self, session: &Session, link: &str) {
        let link = EnrollLink::parse(link).expect("the server's link parses");
        assert_eq!(link.server, session.base);
        let body = json!({
            "token": link.token,
            "jwk": self.key.public_key(),
            "device_name": "Pixel 8",
        });
        let template = "/v1/device/enroll";
        let signed = self.sign(
            session,
            ("post", template),
            MessageType::Enroll,
            "enroll",
            body,
        );
        let body = Some(json!({"message": signed}));
        let answer = session.call("post", template, template, body).await;
        assert_eq!(answer.status, 201, "enrolled: {}", answer.body);
        let server_key = serde_json::from_value(answer.body["server_key"].clone());
        let server_key: PublicKey = server_key.expect("a server key");
        assert_eq!(
            server_key.thumbprint(),
            link.fingerprint,
            "the key the link pinned"
        );
        let enrolled = answer.body["enrolled"]
            .as_str()
            .expect("an enrolled message");
        let claims = check_signed(&session.doc, enrolled, &server_key, MessageType::Enrolled);
        assert_eq!(claims["aud"], json!(self.key.public_key().thumbprint()));
        self.id = claims["body"]["device_id"]
            .as_str()
            .expect("a device id")
            .to_string();
        self.server_key = Some(server_key);
    }

    /// Checks a signed approval the server sent this device, and returns its body.
    fn approval(&self, session: &Session, signed: &Value) -> Value {
        let key = self.server_key.as_ref().expect("an enrolled device");
        let signed = signed.as_str().expect("a signed approval");
        let claims = check_signed(&session.doc, signed, key, MessageType::Approval);
        assert_eq!(claims["aud"], json!(self.id));
        claims["body"].clone()
    }
}

/// Checks a message the server signed: its header and claims against the document (the claims
/// schema is named after the type: `tessera-enrolled+jwt` → `EnrolledMessage`), its signature
/// against `key`; returns the claims.
fn check_signed(doc: &Value, signed: &str, key: &PublicKey, kind: MessageType) -> Value {
    let message = Unverified::parse(signed).expect("a compact JWS");
    let header = serde_json::to_value(message.header()).expect("the header as JSON");
    assert_conforms(doc, schema_named(doc, "JwsHeader"), &header, "a JWS header");
    assert_eq!(header["typ"], json!(kind.typ()));
    assert_eq!(header["kid"], json!(key.thumbprint()));
    let claims: Value = message.verify(key).expect("signed with the server's key");
    let kind_name = kind
        .typ()
        .trim_start_matches("tessera-")
        .trim_end_matches("+jwt");
    let schema = format!(
        "{}{}Message",
        kind_name[..1].to_uppercase(),
        &kind_name[1..]
    );
    assert_conforms(doc, schema_named(doc, &schema), &claims, &schema);
    claims
}

// ---------------------------------------------------------------------------------------------
// A checker for the subset of JSON Schema the document uses

/// Keywords that describe and do not constrain (`pattern` and `format` are left unchecked).
const ANNOTATIONS: [&str; 7] = [
    "description",
    "title",
    "examples",
    "format",
    "pattern",
    "default",
    "deprecated",
];

/// Keywords the checker enforces.
const CONSTRAINTS: [&str; 15] = [
    "$ref",
    "type",
    "const",
    "enum",
    "oneOf",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
];

fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.strip_prefix("#/components/schemas/");
            let name = name.unwrap_or_else(|| panic!("{reference} is not a component schema"));
            schema_named(doc, name)
        }
        None => schema,
    }
}

fn schema_named<'a>(doc: &'a Value, name: &str) -> &'a Value {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "openapi.json has no schema {name}");
    schema
}

fn assert_conforms(doc: &Value, schema: &Value, value: &Value, what: &str) {
    if let Err(problem) = conforms(doc, schema, value, what) {
        panic!("{what} does not match openapi.json: {problem}\n{value:#}");
    }
}

/// Checks `value` against `schema`. Stricter than JSON Schema in one way: an object may hold
/// only the members its schema names, closed or not, because the server documents every member
/// it sends.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    let schema = resolve(doc, schema);
    let keywords = schema
        .as_object()
        .ok_or(format!("{at}: a schema that is not an object"))?;
    if let Some(keyword) = keywords.keys().find(|keyword| !known(keyword)) {
        return Err(format!(
            "{at}: the checker does not know `{keyword}`: teach it"
        ));
    }
    if let Some(alternatives) = schema.get("oneOf").and_then(Value::as_array) {
        let fitting = alternatives
            .iter()
            .filter(|one| conforms(doc, one, value, at).is_ok());
        let count = fitting.count();
        if count != 1 {
            return Err(format!(
                "{at}: {value} fits {count} of the oneOf schemas, not one"
            ));
        }
    }
    if let Some(types) = schema.get("type") {
        let types: Vec<&str> = match types {
            Value::Array(names) => names.iter().filter_map(Value::as_str).collect(),
            name => vec![name.as_str().unwrap_or("")],
        };
        let fits = |name: &&str| match *name {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "string" => value.is_string(),
            "array" => value.is_array(),
            "object" => value.is_object(),
            _ => false,
        };
        if !types.iter().any(fits) {
            return Err(format!("{at}: {value} is not of type {types:?}"));
        }
    }
    if schema
        .get("const")
        .is_some_and(|constant| constant != value)
    {
        return Err(format!("{at}: {value} is not {}", schema["const"]));
    }
    if let Some(choices) = schema.get("enum").and_then(Value::as_array)
        && !choices.contains(value)
    {
        return Err(format!("{at}: {value} is not one of {choices:?}"));
    }
    let limit = |keyword: &str| schema.get(keyword).and_then(Value::as_f64);
    if let Some(number) = value.as_f64() {
        let below = limit("minimum").is_some_and(|minimum| number < minimum);
        let above = limit("maximum").is_some_and(|maximum| number > maximum);
        if below || above {
            return Err(format!("{at}: {value} is out of range"));
        }
    }
    if let Some(text) = value.as_str() {
        let length = text.chars().count() as f64;
        let short = limit("minLength").is_some_and(|minimum| length < minimum);
        let long = limit("maxLength").is_some_and(|maximum| length > maximum);
        if short || long {
            return Err(format!("{at}: {value} has a length out of range"));
        }
    }
    if let Some(items) = value.as_array() {
        let count = items.len() as f64;
        let few = limit("minItems").is_some_and(|minimum| count < minimum);
        let many = limit("maxItems").is_some_and(|maximum| count > maximum);
        if few || many {
            return Err(format!("{at}: {count} items is out of range"));
        }
        if let Some(item_schema) = schema.get("items") {
            for (index, item) in items.iter().enumerate() {
                conforms(doc, item_schema, item, &format!("{at}[{index}]"))?;
            }
        }
    }
    if let Some(members) = value.as_object() {
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        if let Some(name) = required
            .filter_map(Value::as_str)
            .find(|name| !members.contains_key(*name))
        {
            return Err(format!("{at}: the member `{name}` is missing"));
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (name, member) in members {
            match properties.and_then(|properties| properties.get(name)) {
                Some(member_schema) => {
                    conforms(doc, member_schema, member, &format!("{at}.{name}"))?
                }
                None if closed || properties.is_some() => {
                    return Err(format!("{at}: the member `{name}` is not documented"));
                }
                None => {}
            }
        }
    }
    Ok(())
}

fn known(keyword: &str) -> bool {
    ANNOTATIONS.contains(&keyword) || CONSTRAINTS.contains(&keyword)
}

/// The schemas in the document: the components, the documented claims and events, and every
/// `schema` member anywhere.
fn collect_schemas(value: &Value, found: &mut Vec<Value>) {
    match value {
        Value::Object(members) => {
            for (name, member) in members {
                match name.as_str() {
                    "schema" | "claims" => found.push(member.clone()),
                    "schemas" | "x-tessera-events" => found.extend(
                        member
                            .as_object()
                            .into_iter()
                            .flat_map(|map| map.values().cloned()),
                    ),
                    _ => {}
                }
                collect_schemas(member, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_schemas(item, found)),
        _ => {}
    }
}

/// Whether the checker understands `schema` entirely, and its references resolve.
fn understood(doc: &Value, schema: &Value) -> Result<(), String> {
    let keywords = schema
        .as_object()
        .ok_or(format!("a schema that is not an object: {schema}"))?;
    for (keyword, value) in keywords {
        if !known(keyword) {
            return Err(format!(
                "a schema uses `{keyword}`, which the checker does not know"
            ));
        }
        match keyword.as_str() {
            "$ref" => {
                let name = value
                    .as_str()
                    .and_then(|text| text.strip_prefix("#/components/schemas/"));
                let resolves =
                    name.is_some_and(|name| doc["components"]["schemas"][name].is_object());
                if !resolves {
                    return Err(format!("the reference {value} does not resolve"));
                }
            }
            "items" => understood(doc, value)?,
            "properties" => {
                for member in value.as_object().into_iter().flat_map(|map| map.values()) {
                    understood(doc, member)?;
                }
            }
            "oneOf" => {
                for alternative in value.as_array().into_iter().flatten() {
                    understood(doc, alternative)?;
                }
            }
            "additionalProperties" if value != &Value::Bool(false) => {
                return Err("additionalProperties other than false is not checked".into());
            }
            _ => {}
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Reading the router's routes from its source

/// The (method, path) of every `.route(…)` in `router()` in `src/http/mod.rs`.
fn routes_in_router_source() -> BTreeSet<(String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/http/mod.rs");
    let source = std::fs::read_to_string(path).expect("src/http/mod.rs can be read");
    let (_, body) = source
        .split_once("pub fn router(")
        .expect("src/http/mod.rs has router()");
    let body = body.split_once("\n}\n").map_or(body, |(body, _)| body);
    for unread in [".nest(", ".nest_service(", ".merge(", ".route_service("] {
        let message =
            format!("the router uses `{unread}`: teach routes_in_router_source to read it");
        assert!(!body.contains(unread), "{message}");
    }
    let mut routes = BTreeSet::new();
    let mut rest = body;
    while let Some(start) = rest.find(".route(") {
        let call = &rest[start + ".route(".len()..];
        let end = closing_parenthesis(call);
        let (path, method_router) = first_string_literal(&call[..end]);
        let called = calls(method_router);
        for unread in [
            "any",
            "on",
            "any_service",
            "on_service",
            "get_service",
            "post_service",
        ] {
            let message =
                format!("the route {path} uses `{unread}(…)`: teach this test to read it");
            assert!(!called.iter().any(|name| name == unread), "{message}");
        }
        let methods: Vec<String> = called
            .into_iter()
            .filter(|name| HTTP_METHODS.contains(&name.as_str()))
            .collect();
        assert!(!methods.is_empty(), "no method found for the route {path}");
        routes.extend(methods.into_iter().map(|method| (method, path.clone())));
        rest = &call[end..];
    }
    assert!(!routes.is_empty(), "no routes found in src/http/mod.rs");
    routes
}

/// Where the parenthesis opened just before `text` closes (string literals skipped).
fn closing_parenthesis(text: &str) -> usize {
    let (mut depth, mut in_string, mut escaped) = (1, false, false);
    for (at, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            _ if in_string => {}
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    panic!("an unclosed .route( in src/http/mod.rs");
}

/// The first string literal in `text`, and what follows it.
fn first_string_literal(text: &str) -> (String, &str) {
    let start = text.find('"').expect("a .route( with a path") + 1;
    let length = text[start..].find('"').expect("a closed path literal");
    (
        text[start..start + length].to_string(),
        &text[start + length + 1..],
    )
}

/// The functions and methods called, unqualified, in `text` (`get(…)`, `patch(…).delete(…)`;
/// not `Redirect::to(…)`).
fn calls(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        if !(bytes[at].is_ascii_alphabetic() || bytes[at] == b'_') {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
            at += 1;
        }
        let qualified = start > 0 && bytes[start - 1] == b':';
        if bytes.get(at) == Some(&b'(') && !qualified {
            found.push(text[start..at].to_string());
        }
    }
    found
}
