//! The app's side of sign-in approvals: the servers the vault is enrolled with, as one inbox
//! (`tessera_push::Inbox`), followed while the vault is open so that a sign-in reaches the page
//! the moment it is asked for; the enrollment links waiting for the user's yes; when each server
//! was last reached; and when the user last proved to be there (approving asks again after the
//! grace period, with app lock on).
//!
//! Following runs as one task on Tauri's async runtime. It is started when the vault opens or is
//! unlocked and whenever the servers change, and stopped when the vault locks: a locked vault
//! keeps no device key in memory, so nothing can be followed or answered.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use tauri::{AppHandle, Emitter, Manager, Runtime};
use tessera_core::vault::ApprovalServerId;
use tessera_push::privacyidea::PushLink;
use tessera_push::{Client, EnrollLink, Enrolled, Followed, Inbox};

use crate::error::AppError;
use crate::state::AppState;
use crate::views::ApprovalView;

/// The event the page hears when a sign-in arrives (its payload an [`ApprovalView`]).
pub const ARRIVED_EVENT: &str = "approval_arrived";
/// The event the page hears when what is pending may have changed (a server was reached again,
/// or one was added or removed): it asks for the pending sign-ins again.
pub const CHANGED_EVENT: &str = "approvals_changed";

/// How long an unlock or a confirmation counts for the answer that follows it.
pub const PROOF_LASTS: std::time::Duration = std::time::Duration::from_secs(60);

/// An enrollment link the user was shown and may say yes to.
pub enum Offer {
    /// A Tessera approval server's `tessera://enroll` link.
    Tessera(EnrollLink),
    /// A privacyIDEA push token's `otpauth://pipush` link.
    PrivacyIdea(PushLink),
}

/// What the app keeps of approvals besides the vault.
pub struct Approvals {
    /// Reaches the servers.
    pub client: Client,
    /// Enrollment links read from a picture, the clipboard or a paste, by preview token.
    pub offers: Mutex<HashMap<String, Offer>>,
    /// When each server last answered (Unix seconds), since the app started.
    pub last_reached: Mutex<HashMap<ApprovalServerId, i64>>,
    /// When the user last unlocked the vault or confirmed being there.
    pub confirmed_at: Mutex<Option<Instant>>,
    /// The last unlock or confirmation, until an answer uses it (see [`PROOF_LASTS`]).
    proof: Mutex<Option<Instant>>,
    following: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
}

impl Default for Approvals {
    fn default() -> Approvals {
        Approvals {
            client: Client::new(),
            offers: Mutex::default(),
            last_reached: Mutex::default(),
            confirmed_at: Mutex::default(),
            proof: Mutex::default(),
            following: Mutex::default(),
        }
    }
}

impl Approvals {
    /// The server answered just now.
    pub fn reached(&self, server: ApprovalServerId) {
        if let Ok(mut reached) = self.last_reached.lock() {
            reached.insert(server, crate::commands::now_seconds());
        }
    }

    /// The user unlocked the vault or confirmed being there just now.
    pub fn confirmed(&self) {
        let now = Instant::now();
        if let Ok(mut confirmed) = self.confirmed_at.lock() {
            *confirmed = Some(now);
        }
        if let Ok(mut proof) = self.proof.lock() {
            *proof = Some(now);
        }
    }

    /// Uses the last unlock or confirmation for one answer, if it was made within
    /// [`PROOF_LASTS`]: whether there was one.
    pub fn take_proof(&self, now: Instant) -> bool {
        self.proof
            .lock()
            .ok()
            .and_then(|mut proof| proof.take())
            .is_some_and(|made| now.saturating_duration_since(made) < PROOF_LASTS)
    }

    /// Stops following the servers, and forgets the enrollment links waiting (the vault locked).
    pub fn stop(&self) {
        if let Ok(mut following) = self.following.lock()
            && let Some(task) = following.take()
        {
            task.abort();
        }
        if let Ok(mut offers) = self.offers.lock() {
            offers.clear();
        }
    }

    fn replace_following(&self, task: Option<tauri::async_runtime::JoinHandle<()>>) {
        if let Ok(mut following) = self.following.lock() {
            if let Some(old) = following.take() {
                old.abort();
            }
            *following = task;
        }
    }
}

/// The vault's enrollments, of either kind, read out of the open vault.
pub fn enrollments(state: &AppState) -> Result<Vec<(ApprovalServerId, Enrolled)>, AppError> {
    let stored = state.with_vault(|vault| Ok(vault.approval_servers()?))?;
    stored
        .into_iter()
        .map(|(id, bytes)| Ok((id, Enrolled::from_bytes(&bytes)?)))
        .collect()
}

/// The vault's servers as one inbox.
pub fn inbox(state: &AppState) -> Result<Inbox<ApprovalServerId>, AppError> {
    Ok(Inbox::of_enrolled(
        enrollments(state)?,
        &state.approvals.client,
    ))
}

/// (Re)starts following every server of the open vault; does nothing while it is locked or has no
/// server. Each sign-in that arrives is sent to the page; each time a server is reached again the
/// page is told to ask for what is pending, which covers what arrived while the stream was down.
pub fn follow<R: Runtime>(app: &AppHandle<R>) {
    let state = app.state::<AppState>();
    let inbox = match inbox(&state) {
        Ok(inbox) if !inbox.is_empty() => inbox,
        _ => return state.approvals.replace_following(None),
    };
    let origins: HashMap<ApprovalServerId, (tessera_push::SourceKind, String)> = inbox
        .sources()
        .map(|(id, source)| (*id, (source.kind(), source.server().to_string())))
        .collect();
    let app = app.clone();
    let task = tauri::async_runtime::spawn(async move {
        let news = |server: &ApprovalServerId, event: Followed| {
            let state = app.state::<AppState>();
            let (kind, origin) = origins
                .get(server)
                .map_or((tessera_push::SourceKind::Tessera, ""), |(kind, origin)| {
                    (*kind, origin.as_str())
                });
            match event {
                Followed::Reached => {
                    state.approvals.reached(*server);
                    state.activity.record(&format!("following {origin}"));
                    let _ = app.emit(CHANGED_EVENT, ());
                }
                Followed::Arrived(approval) => {
                    state.approvals.reached(*server);
                    state
                        .activity
                        .record(&format!("a sign-in arrived from {origin}"));
                    let view = ApprovalView::new(*server, (kind, origin), &approval);
                    let _ = app.emit(ARRIVED_EVENT, view);
                    crate::sign_in_notice::sign_in_waiting(&app);
                }
                // Logged, never shown: the user cannot tell a forgery from a fault either.
                Followed::Dropped(why) => state
                    .activity
                    .record(&format!("dropped a challenge from {origin}: {why}")),
                Followed::Lost { error, retry_in } => state.activity.record(&format!(
                    "lost {origin} ({}), trying again in {} s",
                    AppError::from(error).code,
                    retry_in.as_secs()
                )),
            }
        };
        // Each server follows until it says this device may not follow any more.
        for (server, error) in inbox.follow(&news).await {
            let origin = origins
                .get(&server)
                .map_or("", |(_, origin)| origin.as_str());
            let code = AppError::from(error).code;
            app.state::<AppState>()
                .activity
                .record(&format!("stopped following {origin} ({code})"));
        }
    });
    state.approvals.replace_following(Some(task));
}
