//! `tessera approvals` with a real privacyIDEA server (the release the test command installs):
//! enrolling a push token from its link, challenges arriving in `watch`, approving with and
//! without the number the sign-in page shows, a wrong number, declining; a challenge signed by
//! another key refused; privacyIDEA's code tokens added as any link is. privacyIDEA's policies are
//! global, so the tests take turns.

mod common;
mod privacyidea_admin;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use common::Run;
use privacyidea_admin::{PrivacyIdea, Triggered};
use serde_json::Value;

/// privacyIDEA's policies are global: one test at a time sets them.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `tessera approvals watch --json` in the background, killed when dropped.
struct Watch {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watch {
    fn start(vault: &std::path::Path, password: &str) -> Watch {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(["approvals", "watch", "--json"])
            .env("TESSERA_VAULT", vault)
            .env("TESSERA_PASSWORD", password)
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                "unix:path=/nonexistent/tessera-test-bus",
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let (sender, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        Watch { child, lines }
    }

    /// The next challenge `watch` prints, and how long after `since` it did.
    fn next(&self, since: Instant) -> (Value, Duration) {
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(20))
            .expect("watch prints the challenge");
        (serde_json::from_str(&line).unwrap(), since.elapsed())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const PASSWORD: &str = "the phone's vault";

#[test]
fn the_command_line_approves_and_declines_real_privacyidea_push_challenges() {
    let _turn = one_at_a_time();
    let Some(privacyidea) = PrivacyIdea::from_env() else {
        return;
    };
    privacyidea.push_policies(false);
    let folder = tempfile::tempdir().unwrap();
    let vault = folder.path().join("vault.tessera");
    let run = Run::new(&vault)
        .without_key_store()
        .env("TESSERA_PASSWORD", PASSWORD);
    run.ok(&["init", "--password"]);

    // Links Tessera cannot use are refused with the reason, before anything is sent.
    let (serial, link) = privacyidea.new_push_token();
    let newer = link.replace("v=1", "v=2");
    assert_ne!(newer, link, "{link}");
    run.refused(&["approvals", "enroll", &newer], "version 2");
    run.refused(
        &["approvals", "enroll", "otpauth://pipush/PIPU1?url=http%3A%2F%2Fpi.example.com%2Fttype%2Fpush&ttl=10&issuer=privacyIDEA&enrollment_credential=abc&v=1&serial=PIPU1&sslverify=0"],
        "turns off the check",
    );
    run.refused(
        &["approvals", "enroll", "otpauth://pipush/PIPU1?url=https%3A%2F%2Fpi.example.com%2Fttype%2Fpush&v=1&serial=PIPU1&sslverify=1"],
        "no enrollment credential",
    );
    assert_eq!(privacyidea.token(&serial)["rollout_state"], "clientwait");

    let enrolled = run.ok(&["approvals", "enroll", &link]);
    assert!(
        enrolled.starts_with(&format!("enrolled 1\tprivacyIDEA push token {serial}")),
        "{enrolled}"
    );
    assert_eq!(privacyidea.token(&serial)["rollout_state"], "enrolled");
    let again = run.run(&["approvals", "enroll", &link]);
    assert_eq!(again.status.code(), Some(2), "the credential was used");
    let servers = run.ok(&["approvals", "servers"]);
    assert_eq!(servers.lines().count(), 1, "{servers}");
    assert!(
        servers.starts_with(&format!("1\tprivacyIDEA\tprivacyIDEA\t{serial}\t")),
        "{servers}"
    );

    let watch = Watch::start(&vault, PASSWORD);
    std::thread::sleep(Duration::from_millis(500));
    let mut shown_after = Vec::new();
    let mut next_challenge = |triggered: &dyn Fn() -> Triggered| {
        let since = Instant::now();
        let challenge = triggered();
        let (approval, took) = watch.next(since);
        shown_after.push(took);
        (challenge, approval)
    };

    // Approving a challenge without number matching: the website's sign-in is accepted.
    let (challenge, approval) = next_challenge(&|| privacyidea.trigger(&serial));
    assert_eq!(approval["source"], "privacyIDEA");
    assert_eq!(approval["mode"], "no_number");
    assert_eq!(approval["account"], serial.as_str());
    assert_eq!(approval["context"]["site"], "Tessera tests");
    let question = approval["question"].as_str().unwrap();
    assert!(
        question.starts_with("Sign in from 127.0.0.1?"),
        "{question}"
    );
    let id = approval["id"].as_str().unwrap();
    let shown = run.ok(&["approvals", "show", id]);
    assert!(shown.contains("Nothing to match"), "{shown}");
    assert!(!privacyidea.approved(&challenge));
    run.refused(
        &["approvals", "approve", id, "--number", "12"],
        "no number to match",
    );
    assert!(
        !privacyidea.approved(&challenge),
        "a refused answer sends nothing"
    );
    assert_eq!(
        run.ok(&["approvals", "approve", id]).trim(),
        format!("approved {id}")
    );
    assert!(privacyidea.approved(&challenge));
    assert_eq!(privacyidea.finish(&serial, &challenge), "ACCEPT");
    run.refused(&["approvals", "approve", id], "no waiting sign-in");

    // Declining: the sign-in is rejected.
    let (challenge, approval) = next_challenge(&|| privacyidea.trigger(&serial));
    let id = approval["id"].as_str().unwrap();
    let listed: Value = serde_json::from_str(&run.ok(&["approvals", "list", "--json"])).unwrap();
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["source"], "privacyIDEA");
    let line = run.ok(&["approvals", "list"]);
    assert!(
        line.starts_with(&format!("{id}\tprivacyIDEA\tprivacyIDEA\t{serial}")),
        "{line}"
    );
    assert_eq!(
        run.ok(&["approvals", "deny", id]).trim(),
        format!("denied {id}")
    );
    assert!(!privacyidea.approved(&challenge));
    assert_eq!(privacyidea.finish(&serial, &challenge), "REJECT");

    // With number matching: the choice the sign-in page shows approves.
    privacyidea.push_policies(true);
    let (challenge, approval) = next_challenge(&|| privacyidea.trigger(&serial));
    let shows = challenge
        .presence_answer
        .clone()
        .expect("the page's number");
    assert_eq!(approval["mode"], "pick");
    let options: Vec<String> = serde_json::from_value(approval["options"].clone()).unwrap();
    assert_eq!(options.len(), 3, "{options:?}");
    assert!(options.contains(&shows), "{shows} among {options:?}");
    let id = approval["id"].as_str().unwrap();
    assert!(
        run.ok(&["approvals", "show", id])
            .contains("Pick the one the sign-in page shows")
    );
    run.refused(&["approvals", "approve", id], "needs the choice");
    run.refused(
        &["approvals", "approve", id, "--number", "100"],
        "not one of the choices",
    );
    assert_eq!(
        run.ok(&["approvals", "approve", id, "--number", &shows])
            .trim(),
        format!("approved {id}")
    );
    assert_eq!(privacyidea.finish(&serial, &challenge), "ACCEPT");

    // A wrong choice ends the challenge: privacyIDEA would take another guess, Tessera gives none.
    let (challenge, approval) = next_challenge(&|| privacyidea.trigger(&serial));
    let shows = challenge.presence_answer.clone().unwrap();
    let options: Vec<String> = serde_json::from_value(approval["options"].clone()).unwrap();
    let wrong = options.iter().find(|option| **option != shows).unwrap();
    let id = approval["id"].as_str().unwrap();
    let refused = run.run(&["approvals", "approve", id, "--number", wrong]);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("the number did not match"), "{said}");
    run.refused(
        &["approvals", "approve", id, "--number", &shows],
        "no waiting sign-in",
    );
    assert!(!privacyidea.approved(&challenge));
    assert_eq!(privacyidea.finish(&serial, &challenge), "REJECT");

    // "This wasn't me" declines too.
    let (challenge, approval) = next_challenge(&|| privacyidea.trigger(&serial));
    let id = approval["id"].as_str().unwrap();
    assert_eq!(
        run.ok(&["approvals", "deny", id, "--not-me"]).trim(),
        format!("denied {id}")
    );
    assert_eq!(privacyidea.finish(&serial, &challenge), "REJECT");
    drop(watch);

    let millis: Vec<u128> = shown_after.iter().map(Duration::as_millis).collect();
    let mean = millis.iter().sum::<u128>() / millis.len() as u128;
    println!(
        "privacyIDEA push: /validate/check to the challenge printed by 'tessera approvals watch', polling every {} s: mean {mean} ms, each {millis:?}",
        tessera_push::privacyidea::POLL_INTERVAL.as_secs()
    );
}

#[test]
fn privacyidea_code_tokens_are_added_like_any_link() {
    let Some(privacyidea) = PrivacyIdea::from_env() else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let vault = folder.path().join("vault.tessera");
    let run = Run::new(&vault)
        .without_key_store()
        .env("TESSERA_PASSWORD", PASSWORD);
    run.ok(&["init", "--password"]);
    for kind in ["totp", "hotp"] {
        let (serial, link) = privacyidea.new_code_token(kind);
        let added = run.ok(&["add", &link]);
        assert!(added.starts_with("added "), "{added}");
        let id = added["added ".len()..]
            .split('\t')
            .next()
            .unwrap()
            .to_string();
        let code = run.ok(&["code", &id]);
        let otp = code.split('\t').next().unwrap();
        assert!(
            privacyidea.code_accepted(&serial, otp),
            "{kind}: privacyIDEA takes Tessera's code {otp}"
        );
    }
}

/// The library under the command line, for what a server that behaves cannot show: a token
/// whose pinned key is not the one that signs its challenges.
mod through_the_library {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU64, Ordering};
    use tessera_push::privacyidea::{
        self, PhoneKey, PrivacyIdeaToken, PushLink, PushToken, ServerKey,
    };
    use tessera_push::{Answer, ApprovalSource, Client, Followed, ProtocolError, Status};

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    }

    fn enrolled(
        privacyidea: &PrivacyIdea,
        runtime: &tokio::runtime::Runtime,
    ) -> (String, PushToken) {
        let (serial, link) = privacyidea.new_push_token();
        let link = PushLink::parse(&link).unwrap();
        let token = runtime
            .block_on(privacyidea::enroll(&Client::new(), &link))
            .unwrap();
        (serial, token)
    }

    /// The server with poll-only policies and no presence, held for this test alone, and a
    /// runtime to reach it with; `None` (skipped) without the server.
    fn poll_only() -> Option<(
        MutexGuard<'static, ()>,
        PrivacyIdea,
        tokio::runtime::Runtime,
    )> {
        let turn = one_at_a_time();
        let privacyidea = PrivacyIdea::from_env()?;
        privacyidea.push_policies(false);
        Some((turn, privacyidea, runtime()))
    }

    /// The same token, with another server key pinned (or another address).
    fn with(token: &PushToken, server_key: &ServerKey, url: &str) -> PushToken {
        PushToken {
            url: url.to_string(),
            serial: token.serial.clone(),
            issuer: token.issuer.clone(),
            label: token.label.clone(),
            key: PhoneKey::from_pkcs8(token.key.pkcs8()).unwrap(),
            server_key: ServerKey::from_der(server_key.der().to_vec()).unwrap(),
            enrolled_at: token.enrolled_at,
        }
    }

    #[test]
    fn a_challenge_the_pinned_key_did_not_sign_is_never_shown_or_answered() {
        let Some((_turn, privacyidea, runtime)) = poll_only() else {
            return;
        };
        let (serial, token) = enrolled(&privacyidea, &runtime);
        let (_, other) = enrolled(&privacyidea, &runtime);
        let forged =
            PrivacyIdeaToken::new(with(&token, &other.server_key, &token.url), Client::new());
        let honest =
            PrivacyIdeaToken::new(with(&token, &token.server_key, &token.url), Client::new());
        let challenge = privacyidea.trigger(&serial);

        assert_eq!(runtime.block_on(forged.pending()).unwrap(), Vec::new());
        let heard = Mutex::new(Vec::new());
        let news = |event: Followed| {
            heard.lock().unwrap().push(match event {
                Followed::Reached => "reached".to_string(),
                Followed::Arrived(approval) => format!("arrived {}", approval.id),
                Followed::Dropped(why) => format!("dropped: {why}"),
                Followed::Lost { error, .. } => format!("lost: {error}"),
            })
        };
        let _ = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(2), forged.follow(&news)).await
        });
        assert_eq!(
            *heard.lock().unwrap(),
            [
                "reached",
                "dropped: a challenge was not signed by the server's key"
            ]
        );

        let shown = runtime.block_on(honest.pending()).unwrap();
        assert_eq!(shown.len(), 1, "the honest token sees it");
        let id = shown[0].id.clone();
        let refused = runtime.block_on(forged.answer(&id, Answer::Confirm));
        assert!(
            matches!(refused, Err(ProtocolError::Refused { status: 404, .. })),
            "{refused:?}"
        );
        assert!(!privacyidea.approved(&challenge));
        // An answer that does not fit the challenge is refused and uses nothing up.
        let misfit = runtime.block_on(honest.answer(&id, Answer::ApproveOption { index: 0 }));
        assert!(
            matches!(misfit, Err(ProtocolError::AnswerDoesNotFit)),
            "{misfit:?}"
        );
        let outcome = runtime
            .block_on(honest.answer(&id, Answer::Confirm))
            .unwrap();
        assert_eq!(outcome.status, Status::Approved);
        let again = runtime.block_on(honest.answer(&id, Answer::Confirm));
        assert!(again.is_err(), "never answered twice: {again:?}");
        assert_eq!(privacyidea.finish(&serial, &challenge), "ACCEPT");

        // A push service's new address for the phone reaches the server, signed.
        runtime
            .block_on(honest.update_push_token("tessera-test-push-token"))
            .unwrap();
        let info = &privacyidea.token(&serial)["info"];
        assert_eq!(info["firebase_token"], "tessera-test-push-token", "{info}");
    }

    /// Counts the bytes that pass through it to the server and back.
    async fn counting_proxy(upstream: String, bytes: Arc<AtomicU64>) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let bytes = bytes.clone();
                tokio::spawn(async move {
                    let mut outbound = tokio::net::TcpStream::connect(upstream).await.unwrap();
                    if let Ok((sent, received)) =
                        tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await
                    {
                        bytes.fetch_add(sent + received, Ordering::Relaxed);
                    }
                });
            }
        });
        address
    }

    /// This thread's CPU time so far (Linux).
    fn cpu_time() -> Duration {
        let stat = std::fs::read_to_string("/proc/thread-self/schedstat").unwrap_or_default();
        let nanos = stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        Duration::from_nanos(nanos)
    }

    /// Prints what one poll costs the phone: time, CPU, bytes on the wire.
    #[test]
    fn one_poll_costs() {
        let Some((_turn, privacyidea, runtime)) = poll_only() else {
            return;
        };
        let (_, token) = enrolled(&privacyidea, &runtime);
        let bytes = Arc::new(AtomicU64::new(0));
        let upstream = privacyidea.base.trim_start_matches("http://").to_string();
        let proxy = runtime.block_on(counting_proxy(upstream, bytes.clone()));
        // Each poll on a connection of its own, as after a phone's sleep; nothing is waiting.
        const POLLS: u32 = 20;
        let (mut wall, mut cpu) = (Duration::ZERO, Duration::ZERO);
        for _ in 0..POLLS {
            let source = PrivacyIdeaToken::new(
                with(&token, &token.server_key, &format!("{proxy}/ttype/push")),
                Client::new(),
            );
            let (started, cpu_before) = (Instant::now(), cpu_time());
            assert_eq!(runtime.block_on(source.pending()).unwrap(), Vec::new());
            wall += started.elapsed();
            cpu += cpu_time() - cpu_before;
        }
        runtime.block_on(async { tokio::time::sleep(Duration::from_millis(200)).await });
        let per_poll = bytes.load(Ordering::Relaxed) / u64::from(POLLS);
        assert!(per_poll > 0, "the polls went through the proxy");
        let sign_started = Instant::now();
        for _ in 0..POLLS {
            token
                .key
                .sign("PIPU0001|2026-12-03T12:00:00.000000+00:00")
                .unwrap();
        }
        println!(
            "privacyIDEA push: one poll with nothing waiting: {} ms wall, {} ms CPU on the phone's side (of which the RSA-3072 signature {} ms), {per_poll} bytes on the wire (request and answer, plain HTTP, new connection)",
            (wall / POLLS).as_millis(),
            (cpu / POLLS).as_millis(),
            (sign_started.elapsed() / POLLS).as_millis()
        );
    }
}
