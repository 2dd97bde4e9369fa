//! Adding accounts from a link, the clipboard, a picture or another app's file: read in Rust by
//! the core's import session, shown to the user as a preview without secrets, and added only when
//! the user confirms (all or nothing).

use ring::rand::{SecureRandom, SystemRandom};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tessera_core::import::{ImportError, ImportSession, MAX_FILE_BYTES};
use tessera_core::link::migration::is_export_link;
use tessera_core::transfer::is_transfer_link;
use tessera_core::vault::Duplicates;
use tessera_push::SourceKind;
use tessera_push::privacyidea::PushLink;

use crate::error::{AppError, ErrorCode};
use crate::file_dialogs;
use crate::inbox::Offer;
use crate::state::{AppState, PickedFile};
use crate::views::{ConnectOffer, LinkWarning, Preview, PreviewAccount, TransferView, Unusable};

/// Reads a pasted or typed link.
#[tauri::command]
pub fn preview_link(state: State<'_, AppState>, text: String) -> Result<Preview, AppError> {
    preview(&state, vec![text])
}

/// Offers the link on the clipboard, if there is one (the link itself never reaches the web UI).
#[tauri::command]
pub fn preview_clipboard<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Preview>, AppError> {
    let Ok(text) = app.clipboard().read_text() else {
        return Ok(None);
    };
    let text = text.trim();
    let is_link = [
        "otpauth://",
        "otpauth-migration://",
        ENROLL_SCHEME,
        tessera_core::transfer::PREFIX,
    ]
    .iter()
    .any(|scheme| {
        text.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    });
    if !is_link {
        return Ok(None);
    }
    preview(&state, vec![text.to_string()]).map(Some)
}

/// Lets the user pick a picture (a screenshot or photo of a QR code) and reads its codes. `None`
/// when the user cancels. (See `AppState::pick_file` for what stands in for the dialog in tests.)
#[tauri::command]
pub async fn preview_picture<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Preview>, AppError> {
    let Some(path) = file_dialogs::pick(&app, &state, Some(&PICTURES)) else {
        return Ok(None);
    };
    let bytes = std::fs::read(&path)
        .map_err(|_| AppError::with(ErrorCode::PictureUnreadable, path.display()))?;
    let codes = tessera_core::qr::decode_picture(&bytes)?;
    let texts: Vec<String> = codes.into_iter().filter_map(|code| code.text).collect();
    if texts.is_empty() {
        return Err(AppError::new(ErrorCode::NoCodeInPicture));
    }
    preview(&state, texts).map(Some)
}

/// The kinds of picture the picker offers.
const PICTURES: [&str; 6] = ["png", "jpg", "jpeg", "webp", "gif", "bmp"];

/// Lets the user pick another app's export (or a Tessera backup) and reads it. `None` when the
/// user cancels; `file_needs_password` when the file is encrypted, and then the file waits in Rust
/// for [`preview_file_password`].
#[tauri::command]
pub async fn preview_file<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Option<Preview>, AppError> {
    let Some(path) = file_dialogs::pick(&app, &state, None) else {
        return Ok(None);
    };
    let size = std::fs::metadata(&path)
        .map_err(|_| AppError::with(ErrorCode::FileUnreadable, path.display()))?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(ImportError::TooLarge.into());
    }
    let bytes = zeroize::Zeroizing::new(
        std::fs::read(&path)
            .map_err(|_| AppError::with(ErrorCode::FileUnreadable, path.display()))?,
    );
    *lock(&state.picked_file)? = None;
    let mut session = ImportSession::new();
    match session.add_file(&bytes, None, None) {
        Err(ImportError::NeedsPassword { app }) => {
            *lock(&state.picked_file)? = Some(PickedFile { bytes });
            Err(ImportError::NeedsPassword { app }.into())
        }
        Err(error) => Err(error.into()),
        Ok(_) => pending_preview(&state, session, None).map(Some),
    }
}

/// Reads the file picked last with its password. A wrong password keeps the file for another try.
#[tauri::command]
pub fn preview_file_password(
    state: State<'_, AppState>,
    password: String,
) -> Result<Preview, AppError> {
    let password = zeroize::Zeroizing::new(password);
    let bytes = match lock(&state.picked_file)?.as_ref() {
        Some(picked) => picked.bytes.clone(),
        None => return Err(AppError::new(ErrorCode::NotFound)),
    };
    let mut session = ImportSession::new();
    session.add_file(&bytes, None, Some(&password))?;
    *lock(&state.picked_file)? = None;
    pending_preview(&state, session, None)
}

/// Opens the move from another device whose QR codes are all scanned, with the code shown beside
/// them on that device (one Argon2id derivation, so run off the main thread). A wrong code keeps
/// the scanned codes for another try; the right one puts the accounts in the preview.
#[tauri::command(async)]
pub fn preview_move_code(state: State<'_, AppState>, code: String) -> Result<Preview, AppError> {
    let code = zeroize::Zeroizing::new(code);
    let mut scanning = lock(&state.scanning)?;
    let mut session = scanning.clone();
    session.open_transfers(&code)?;
    *scanning = session.clone();
    drop(scanning);
    pending_preview(&state, session, None)
}

/// Forgets the parts of exports and moves scanned so far, to start again.
#[tauri::command]
pub fn forget_scans(state: State<'_, AppState>) -> Result<(), AppError> {
    *lock(&state.scanning)? = ImportSession::new();
    Ok(())
}

fn lock<T>(mutex: &std::sync::Mutex<T>) -> Result<std::sync::MutexGuard<'_, T>, AppError> {
    mutex
        .lock()
        .map_err(|_| AppError::new(ErrorCode::Unexpected))
}

/// Adds the accounts of a preview, all at once: those the vault has already are skipped unless
/// the user asks to keep both.
#[tauri::command]
pub fn confirm_import(
    state: State<'_, AppState>,
    token: String,
    keep_duplicates: bool,
) -> Result<Vec<i64>, AppError> {
    let session = lock(&state.pending)?
        .remove(&token)
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let duplicates = if keep_duplicates {
        Duplicates::KeepBoth
    } else {
        Duplicates::Skip
    };
    let added = state.with_vault(|vault| Ok(session.add_to(vault, duplicates)?))?;
    if let Ok(mut scanning) = state.scanning.lock() {
        // The exports just added are done with.
        if !scanning.is_incomplete() {
            *scanning = ImportSession::new();
        }
    }
    Ok(added)
}

/// How an approval server's enrollment link starts.
const ENROLL_SCHEME: &str = "tessera://enroll";

fn is_enroll_link(text: &str) -> bool {
    text.trim()
        .get(..ENROLL_SCHEME.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(ENROLL_SCHEME))
}

/// The enrollment link `payload` is, of either kind, or `None` when it is none.
fn enrollment_offer(payload: &str) -> Result<Option<Offer>, AppError> {
    if is_enroll_link(payload) {
        let link = tessera_push::EnrollLink::parse(payload.trim())?;
        return Ok(Some(Offer::Tessera(link)));
    }
    if PushLink::is_push_link(payload) {
        return Ok(Some(Offer::PrivacyIdea(PushLink::parse(payload)?)));
    }
    Ok(None)
}

/// What the page is shown of an offer: who it connects to (never the link's secret part).
fn offer_view(token: String, offer: &Offer) -> ConnectOffer {
    match offer {
        Offer::Tessera(link) => ConnectOffer {
            token,
            server: link.server.clone(),
            kind: SourceKind::Tessera,
            issuer: None,
            serial: None,
            url: None,
        },
        Offer::PrivacyIdea(link) => ConnectOffer {
            token,
            server: link.url.origin().ascii_serialization(),
            kind: SourceKind::PrivacyIdea,
            issuer: Some(link.issuer.clone()),
            serial: Some(link.serial.clone()),
            url: Some(link.url.to_string()),
        },
    }
}

/// Reads payloads into one preview, gathering the parts of an export or a move with those scanned
/// before.
/// An approval server's enrollment link among them becomes an offer to connect, kept in Rust
/// until the user says yes (the same scan serves both, so the user need not know which is which).
fn preview(state: &AppState, payloads: Vec<String>) -> Result<Preview, AppError> {
    let mut connect = None;
    let mut accounts = Vec::new();
    let mut exports = Vec::new();
    for payload in payloads {
        if let Some(offer) = enrollment_offer(&payload)? {
            let token = new_token()?;
            let shown = offer_view(token.clone(), &offer);
            lock(&state.approvals.offers)?.insert(token, offer);
            connect = Some(shown);
        } else if is_export_link(&payload) || is_transfer_link(&payload) {
            exports.push(payload);
        } else {
            accounts.push(payload);
        }
    }
    let mut session = if exports.is_empty() {
        ImportSession::new()
    } else {
        let mut scanning = lock(&state.scanning)?;
        for part in &exports {
            scanning.add_scanned(part)?;
        }
        scanning.clone()
    };
    for payload in &accounts {
        session.add_scanned(payload)?;
    }
    pending_preview(state, session, connect)
}

/// Keeps the session until the user confirms, and gives the page its preview (no secrets).
fn pending_preview(
    state: &AppState,
    session: ImportSession,
    connect: Option<ConnectOffer>,
) -> Result<Preview, AppError> {
    let shown = state.with_vault(|vault| Ok(session.preview(vault)?))?;
    let token = new_token()?;
    lock(&state.pending)?.insert(token.clone(), session);
    Ok(Preview {
        token,
        accounts: shown
            .accounts
            .into_iter()
            .map(|account| PreviewAccount {
                issuer: account.issuer,
                name: account.name,
                kind: account.kind.name(),
                digits: account.digits,
                period: account.kind.period(),
                duplicate_of: account.duplicate_of,
            })
            .collect(),
        warnings: shown.warnings.iter().map(LinkWarning::from).collect(),
        unusable: shown
            .unusable
            .into_iter()
            .map(|entry| Unusable {
                code: entry.reason.code(),
                parameter: entry.reason.parameter(),
                reason: entry.reason.to_string(),
                label: entry.label,
            })
            .collect(),
        missing_parts: shown.missing_parts,
        parts_total: shown.parts_total,
        transfers: shown
            .transfers
            .into_iter()
            .map(|transfer| TransferView {
                id: transfer.id,
                count: transfer.count,
                missing: transfer.missing,
            })
            .collect(),
        connect,
    })
}

/// A random token (hex) that names something kept in Rust for the page.
pub(crate) fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| AppError::new(ErrorCode::Unexpected))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}
