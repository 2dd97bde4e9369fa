//! Sign-in approvals: connecting to an approval server (or a privacyIDEA push token) from its
//! enrollment link, the servers in Settings, the sign-ins waiting, and answering them. Thin over `tessera_push::Inbox`; the
//! device keys stay sealed in the vault and never reach the page.

use serde::Deserialize;
use tauri::{AppHandle, Emitter, Runtime, State};
use tessera_core::lock::approving_asks;
use tessera_core::vault::{ApprovalServerId, Biometric, Password};
use tessera_push::{
    Answer, Approval, DenyReason, Enrolled, NumberMode, SourceKind, Status, privacyidea,
};

use crate::error::{AppError, ErrorCode};
use crate::inbox::{self, CHANGED_EVENT, Offer};
use crate::platform;
use crate::state::AppState;
use crate::views::{ApprovalView, PendingView, ServerView};

/// Connects to the approval server of an enrollment link the user was shown (`token` from its
/// preview): the server learns this device's new key, and the vault keeps the enrollment.
#[tauri::command]
pub async fn connect_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    token: String,
    device_name: Option<String>,
) -> Result<ServerView, AppError> {
    let connected = connect(&app, &state, token, device_name).await;
    match &connected {
        Ok(server) => state
            .activity
            .record(&format!("connected to {}", server.server)),
        Err(error) => noted_failure(&state, "connecting", error),
    }
    connected
}

async fn connect<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    token: String,
    device_name: Option<String>,
) -> Result<ServerView, AppError> {
    let offer = state
        .approvals
        .offers
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Unexpected))?
        .remove(&token)
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let client = state.approvals.client.clone();
    let known = inbox::enrollments(state)?;
    let enrolled = match offer {
        Offer::Tessera(link) => {
            let name = device_name
                .map(|name| name.trim().to_string())
                .filter(|name| !name.is_empty())
                .unwrap_or_else(|| tessera_push::default_device_name("Tessera"));
            let enrollment = client.enroll(&link, &name, None).await?;
            let enrolled = Enrolled::Tessera(enrollment);
            if let Enrolled::Tessera(enrollment) = &enrolled
                && known.iter().any(|(_, other)| other.same_as(&enrolled))
            {
                // The server would now count two devices for one: it forgets the new one again.
                let _ = client.unenroll(enrollment).await;
                return Err(AppError::with(
                    ErrorCode::AlreadyConnected,
                    enrollment.server.clone(),
                ));
            }
            enrolled
        }
        Offer::PrivacyIdea(link) => {
            Enrolled::PrivacyIdea(privacyidea::enroll(&client, &link).await?)
        }
    };
    let id = state.with_vault(|vault| Ok(vault.add_approval_server(&enrolled.to_bytes())?))?;
    // A privacyIDEA token enrolled again (its administrator rolled it anew) has new keys at the
    // server: the old ones in the vault answer nothing any more, so they go.
    for (stale, _) in known
        .iter()
        .filter(|(_, other)| matches!(other, Enrolled::PrivacyIdea(_)) && other.same_as(&enrolled))
    {
        state.with_vault(|vault| Ok(vault.remove_approval_server(*stale)?))?;
    }
    state.approvals.reached(id);
    inbox::follow(app);
    let _ = app.emit(CHANGED_EVENT, ());
    Ok(ServerView::new(id, &enrolled, Some(super::now_seconds())))
}

/// The servers the vault is enrolled with, oldest first.
#[tauri::command]
pub fn list_servers(state: State<'_, AppState>) -> Result<Vec<ServerView>, AppError> {
    let reached = state
        .approvals
        .last_reached
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Unexpected))?
        .clone();
    Ok(inbox::enrollments(&state)?
        .iter()
        .map(|(id, enrollment)| ServerView::new(*id, enrollment, reached.get(id).copied()))
        .collect())
}

/// Leaves a server: it forgets this device (one that already did counts as done), then the vault
/// forgets the server. When the server cannot be reached, nothing changes.
#[tauri::command]
pub async fn disconnect_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: ApprovalServerId,
) -> Result<(), AppError> {
    let inbox = inbox::inbox(&state)?;
    if inbox.source(&id).is_none() {
        return Err(AppError::new(ErrorCode::NotFound));
    }
    let origin = inbox.source(&id).map(|source| source.server().to_string());
    if let Err(error) = inbox.leave(&id).await {
        let error = AppError::from(error);
        noted_failure(&state, "disconnecting", &error);
        return Err(error);
    }
    state.with_vault(|vault| Ok(vault.remove_approval_server(id)?))?;
    state
        .activity
        .record(&format!("disconnected from {}", origin.unwrap_or_default()));
    if let Ok(mut reached) = state.approvals.last_reached.lock() {
        reached.remove(&id);
    }
    inbox::follow(&app);
    let _ = app.emit(CHANGED_EVENT, ());
    Ok(())
}

/// The sign-ins waiting at every server, oldest first, and the servers that could not be asked.
#[tauri::command]
pub async fn pending_approvals(state: State<'_, AppState>) -> Result<PendingView, AppError> {
    let inbox = inbox::inbox(&state)?;
    let waiting = inbox.pending().await;
    let origin = |id: &ApprovalServerId| {
        inbox
            .source(id)
            .map(|source| source.server().to_string())
            .unwrap_or_default()
    };
    let kind = |id: &ApprovalServerId| {
        inbox
            .source(id)
            .map_or(SourceKind::Tessera, |source| source.kind())
    };
    for (id, _) in inbox.sources() {
        if !waiting.unreachable.iter().any(|(failed, _)| failed == id) {
            state.approvals.reached(*id);
        }
    }
    Ok(PendingView {
        approvals: waiting
            .approvals
            .iter()
            .map(|(id, approval)| ApprovalView::new(*id, (kind(id), &origin(id)), approval))
            .collect(),
        unreachable: waiting
            .unreachable
            .iter()
            .map(|(id, _)| origin(id))
            .collect(),
    })
}

/// What the user answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UserAnswer {
    /// Approve, with the number.
    Approve,
    /// Deny.
    Deny,
    /// "This wasn't me": deny, tell the site, pause approvals for the account.
    NotMe,
}

/// What came of an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerOutcome {
    /// The sign-in goes ahead.
    Approved,
    /// Denied, as asked.
    Denied,
    /// The number did not match: refused for good.
    WrongNumber,
    /// Denied and reported.
    NotMe,
    /// It was no longer waiting (answered, expired or superseded meanwhile).
    Gone,
}

/// Answers a sign-in. Approving, and reporting one as not the user's, ask for the user first
/// (`unlock_needed`) with app lock on, once the grace period since the last unlock is over. A
/// sign-in without a password is approved only with the user verified just now, which needs app
/// lock on (`passwordless_needs_app_lock` otherwise).
#[tauri::command]
pub async fn answer_approval<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server_id: ApprovalServerId,
    id: String,
    answer: UserAnswer,
    number: Option<u8>,
    option: Option<u8>,
) -> Result<AnswerOutcome, AppError> {
    let inbox = inbox::inbox(&state)?;
    let source = inbox
        .source(&server_id)
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let answer = match answer {
        UserAnswer::Approve => {
            // Asked of the server, not taken from the page: whether it has a password, and how
            // the user shows they see the sign-in, decide.
            let approval = match source.fetch(&id).await {
                Ok(approval) => approval,
                Err(error) => match AppError::from(error) {
                    gone if gone.code == ErrorCode::ApprovalGone => return Ok(AnswerOutcome::Gone),
                    error => return Err(error),
                },
            };
            let verified = match presence(&state, approval.passwordless)? {
                Presence::Asks => return Err(AppError::new(ErrorCode::UnlockNeeded)),
                Presence::Verified => true,
                Presence::There => false,
            };
            approving(&approval, number, option, verified)?
        }
        UserAnswer::Deny => Answer::Deny {
            reason: DenyReason::Declined,
        },
        UserAnswer::NotMe => match presence(&state, false)? {
            Presence::Asks => return Err(AppError::new(ErrorCode::UnlockNeeded)),
            Presence::Verified | Presence::There => Answer::Deny {
                reason: DenyReason::NotMe,
            },
        },
    };
    let outcome = source.answer(&id, answer).await;
    let _ = app.emit(CHANGED_EVENT, ());
    let outcome = match outcome {
        Err(error) => match AppError::from(error) {
            gone if gone.code == ErrorCode::ApprovalGone => AnswerOutcome::Gone,
            error => {
                noted_failure(&state, "answering a sign-in", &error);
                return Err(error);
            }
        },
        Ok(outcome) => {
            state.approvals.reached(server_id);
            outcome_of(outcome)
        }
    };
    state
        .activity
        .record(&format!("a sign-in was answered: {}", outcome.words()));
    Ok(outcome)
}

/// The approving answer for this sign-in, from the number typed or the option picked.
fn approving(
    approval: &Approval,
    number: Option<u8>,
    option: Option<u8>,
    verified: bool,
) -> Result<Answer, AppError> {
    match approval.mode {
        NumberMode::NoNumber => Ok(Answer::Confirm),
        NumberMode::Pick => option
            .filter(|index| usize::from(*index) < approval.options.len())
            .map(|index| Answer::ApproveOption { index })
            .ok_or(AppError::new(ErrorCode::NumberNeeded)),
        NumberMode::Typed | NumberMode::Choose => {
            let number = number.ok_or(AppError::new(ErrorCode::NumberNeeded))?;
            Ok(if verified {
                Answer::ApproveVerified { number }
            } else {
                Answer::Approve { number }
            })
        }
    }
}

fn outcome_of(outcome: tessera_push::Outcome) -> AnswerOutcome {
    match (outcome.status, outcome.reason) {
        (Status::Approved, _) => AnswerOutcome::Approved,
        (Status::Denied, Some(DenyReason::WrongNumber)) => AnswerOutcome::WrongNumber,
        (Status::Denied, Some(DenyReason::NotMe)) => AnswerOutcome::NotMe,
        (Status::Denied, _) => AnswerOutcome::Denied,
        (Status::Pending | Status::Expired | Status::Superseded, _) => AnswerOutcome::Gone,
    }
}

impl AnswerOutcome {
    /// As the activity log says it.
    fn words(self) -> &'static str {
        match self {
            AnswerOutcome::Approved => "approved",
            AnswerOutcome::Denied => "denied",
            AnswerOutcome::WrongNumber => "refused, the number did not match",
            AnswerOutcome::NotMe => "denied and reported",
            AnswerOutcome::Gone => "no longer waiting",
        }
    }
}

/// Writes a failure into the activity log: what was being done, and the error's code (never its
/// detail, which may quote what the server said).
fn noted_failure(state: &AppState, doing: &str, error: &AppError) {
    state
        .activity
        .record(&format!("{doing} failed ({})", error.code));
}

/// The activity log, for Settings.
#[tauri::command]
pub fn activity_log(state: State<'_, AppState>) -> String {
    state.activity.read()
}

/// Saves the activity log where the user chooses (the system's save dialog); `false` when the
/// user cancels.
#[tauri::command(async)]
pub fn export_activity_log<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<bool, AppError> {
    let Some(path) = crate::file_dialogs::save_as(&app, &state, "tessera-activity.log") else {
        return Ok(false);
    };
    state
        .activity
        .export(&path)
        .map_err(|error| AppError::with(ErrorCode::Storage, error))?;
    Ok(true)
}

/// Where the user stands for an answer that needs them.
enum Presence {
    /// They must unlock or confirm first.
    Asks,
    /// They unlocked or confirmed just now, or within the grace period, with app lock on.
    Verified,
    /// App lock is off: the device opens without asking, so asking here would protect nothing.
    There,
}

/// Whether the user must prove to be there before this answer. An unlock or confirmation just
/// before counts once, whatever the grace period ("immediately" included); a sign-in without a
/// password counts nothing else.
fn presence(state: &AppState, passwordless: bool) -> Result<Presence, AppError> {
    let app_lock = state.with_vault(|vault| Ok(!vault.opens_without_asking()?))?;
    if !app_lock {
        return if passwordless {
            Err(AppError::new(ErrorCode::PasswordlessNeedsAppLock))
        } else {
            Ok(Presence::There)
        };
    }
    let now = std::time::Instant::now();
    if state.approvals.take_proof(now) {
        return Ok(Presence::Verified);
    }
    let confirmed_at = *state
        .approvals
        .confirmed_at
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Unexpected))?;
    if passwordless || approving_asks(state.settings().grace(), app_lock, confirmed_at, now) {
        Ok(Presence::Asks)
    } else {
        Ok(Presence::Verified)
    }
}

/// The user proves to be there before approving: with the password, or (none given) a biometric
/// check where the platform has one. Counted like unlocking.
#[tauri::command(async)]
pub fn confirm_presence<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    password: Option<String>,
) -> Result<(), AppError> {
    let now = super::now_seconds();
    match password {
        Some(password) => state.confirm(&Password(&password), now),
        None => {
            let keys =
                platform::biometric(&app).ok_or(AppError::new(ErrorCode::BiometricUnavailable))?;
            state.confirm(&Biometric(keys.as_ref()), now)
        }
    }
}
