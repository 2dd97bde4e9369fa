//! A real privacyIDEA server, as its administrator and a website use it: policies, tokens,
//! triggering a push challenge, asking whether it was answered and finishing the sign-in.
//! `scripts/with-privacyidea.sh` starts the server and names it in the environment.
#![allow(dead_code)]

use serde_json::Value;

/// The server, with an administrator's session.
pub struct PrivacyIdea {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    session: String,
    http: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

/// A push challenge a website started.
pub struct Triggered {
    /// The website's handle on it.
    pub transaction_id: String,
    /// With `push_require_presence`: what the sign-in page shows the user to press.
    pub presence_answer: Option<String>,
}

impl PrivacyIdea {
    /// The server `scripts/with-privacyidea.sh` started, or `None` (with why) when it did not.
    pub fn from_env() -> Option<PrivacyIdea> {
        let (Ok(base), Ok(admin)) = (
            std::env::var("TESSERA_TEST_PRIVACYIDEA"),
            std::env::var("TESSERA_TEST_PRIVACYIDEA_ADMIN"),
        ) else {
            eprintln!(
                "skipped: no privacyIDEA server (run the tests through scripts/with-privacyidea.sh, as scripts/test.sh does)"
            );
            return None;
        };
        let (user, password) = admin.split_once(':').expect("user:password");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let http = reqwest::Client::new();
        let answer: Value = runtime.block_on(async {
            http.post(format!("{base}/auth"))
                .form(&[("username", user), ("password", password)])
                .send()
                .await
                .expect("privacyIDEA answers")
                .json()
                .await
                .expect("JSON")
        });
        let session = answer["result"]["value"]["token"]
            .as_str()
            .unwrap_or_else(|| panic!("an admin session: {answer}"))
            .to_string();
        Some(PrivacyIdea {
            base,
            session,
            http,
            runtime,
        })
    }

    /// Sends a form as the administrator; the envelope privacyIDEA answers with.
    pub fn admin(&self, method: reqwest::Method, path: &str, form: &[(&str, &str)]) -> Value {
        self.send(method, path, form, Some(&self.session))
    }

    /// Sends a form as a website would (no session); the envelope.
    pub fn website(&self, method: reqwest::Method, path: &str, form: &[(&str, &str)]) -> Value {
        self.send(method, path, form, None)
    }

    fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        form: &[(&str, &str)],
        session: Option<&str>,
    ) -> Value {
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.base));
        if let Some(session) = session {
            request = request.header("Authorization", session);
        }
        let request = if method == reqwest::Method::GET {
            request.query(form)
        } else {
            request.form(form)
        };
        self.runtime.block_on(async {
            request
                .send()
                .await
                .expect("privacyIDEA answers")
                .json()
                .await
                .expect("JSON")
        })
    }

    fn policy(&self, name: &str, scope: &str, action: &str) {
        let answer = self.admin(
            reqwest::Method::POST,
            &format!("/policy/{name}"),
            &[("scope", scope), ("action", action), ("active", "true")],
        );
        assert_eq!(answer["result"]["status"], true, "policy {name}: {answer}");
    }

    /// Poll-only push tokens that enroll and answer at this server (plain HTTP: loopback), and
    /// sign-ins that ask the user to pick the number the page shows when `presence` is on.
    pub fn push_policies(&self, presence: bool) {
        let registration = format!(
            "push_firebase_configuration=poll only, push_registration_url={}/ttype/push, push_ssl_verify=0, push_ttl=10",
            self.base
        );
        self.policy("push_enroll", "enrollment", &registration);
        let mut authentication =
            "push_text_on_mobile=Sign in from {client_ip}?, push_title_on_mobile=Tessera tests"
                .to_string();
        if presence {
            authentication.push_str(
                ", push_require_presence, push_presence_options=NUMERIC, push_presence_num_options=3",
            );
        }
        self.policy("push_auth", "authentication", &authentication);
    }

    /// A new push token with PIN `1234`: its serial and the link its QR code holds.
    pub fn new_push_token(&self) -> (String, String) {
        let answer = self.admin(
            reqwest::Method::POST,
            "/token/init",
            &[("type", "push"), ("genkey", "1"), ("pin", "1234")],
        );
        let detail = &answer["detail"];
        let link = detail["pushurl"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("a push link: {answer}"));
        (
            detail["serial"].as_str().unwrap().to_string(),
            link.to_string(),
        )
    }

    /// A new token of `kind` (`totp`, `hotp`) without a PIN: its serial and its link.
    pub fn new_code_token(&self, kind: &str) -> (String, String) {
        let answer = self.admin(
            reqwest::Method::POST,
            "/token/init",
            &[("type", kind), ("genkey", "1")],
        );
        let detail = &answer["detail"];
        let link = detail["googleurl"]["value"]
            .as_str()
            .unwrap_or_else(|| panic!("a {kind} link: {answer}"));
        (
            detail["serial"].as_str().unwrap().to_string(),
            link.to_string(),
        )
    }

    /// What the server keeps of a token (`tokeninfo`, `rollout_state`, …).
    pub fn token(&self, serial: &str) -> Value {
        let answer = self.admin(reqwest::Method::GET, "/token/", &[("serial", serial)]);
        answer["result"]["value"]["tokens"][0].clone()
    }

    /// A website checks the PIN of `serial`: a push challenge starts.
    pub fn trigger(&self, serial: &str) -> Triggered {
        let answer = self.website(
            reqwest::Method::POST,
            "/validate/check",
            &[("serial", serial), ("pass", "1234")],
        );
        let detail = &answer["detail"];
        Triggered {
            transaction_id: detail["transaction_id"]
                .as_str()
                .unwrap_or_else(|| panic!("a challenge: {answer}"))
                .to_string(),
            presence_answer: detail["presence_answer"].as_str().map(str::to_string),
        }
    }

    /// Whether the phone approved the challenge (the website's poll).
    pub fn approved(&self, triggered: &Triggered) -> bool {
        let answer = self.website(
            reqwest::Method::GET,
            "/validate/polltransaction",
            &[("transaction_id", &triggered.transaction_id)],
        );
        answer["result"]["value"] == true
    }

    /// The website finishes the sign-in: `ACCEPT` or `REJECT`.
    pub fn finish(&self, serial: &str, triggered: &Triggered) -> String {
        let answer = self.website(
            reqwest::Method::POST,
            "/validate/check",
            &[
                ("serial", serial),
                ("pass", ""),
                ("transaction_id", &triggered.transaction_id),
            ],
        );
        answer["result"]["authentication"]
            .as_str()
            .unwrap_or_else(|| panic!("an outcome: {answer}"))
            .to_string()
    }

    /// Whether `otp` is the code of `serial` now.
    pub fn code_accepted(&self, serial: &str, otp: &str) -> bool {
        let answer = self.website(
            reqwest::Method::POST,
            "/validate/check",
            &[("serial", serial), ("pass", otp)],
        );
        answer["result"]["authentication"] == "ACCEPT"
    }
}
