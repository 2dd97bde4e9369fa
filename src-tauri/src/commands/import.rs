//! Adding accounts from a link, the clipboard or a picture: read in Rust, shown to the user as a
//! preview without secrets, and added only when the user confirms (all or nothing).

use ring::rand::{SecureRandom, SystemRandom};
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tessera_core::link::migration::ExportBatch;
use tessera_core::vault::{Details, Duplicates};
use tessera_core::{Account, Scanned, read_scanned};
use tessera_push::SourceKind;
use tessera_push::privacyidea::PushLink;

use crate::error::AppError;
use crate::inbox::Offer;
use crate::state::{AppState, PendingImport};
use crate::views::{ConnectOffer, Preview, PreviewAccount, Unusable};

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
    let is_link = ["otpauth://", "otpauth-migration://", ENROLL_SCHEME]
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
    let stand_in = state.pick_file.lock().ok().and_then(|path| path.clone());
    let path = match stand_in {
        Some(path) => path,
        None => match pick_picture(&app) {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    let bytes =
        std::fs::read(&path).map_err(|_| AppError::with("picture_unreadable", path.display()))?;
    let codes = tessera_core::qr::decode_picture(&bytes)?;
    let texts: Vec<String> = codes.into_iter().filter_map(|code| code.text).collect();
    if texts.is_empty() {
        return Err(AppError::new("no_code_in_picture"));
    }
    preview(&state, texts).map(Some)
}

#[cfg(not(mobile))]
fn pick_picture<R: Runtime>(app: &AppHandle<R>) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    app.dialog()
        .file()
        .add_filter("Pictures", &["png", "jpg", "jpeg", "webp", "gif", "bmp"])
        .blocking_pick_file()
        .and_then(|file| file.into_path().ok())
}

#[cfg(mobile)]
fn pick_picture<R: Runtime>(app: &AppHandle<R>) -> Option<std::path::PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    app.dialog()
        .file()
        .blocking_pick_file()
        .and_then(|file| file.into_path().ok())
}

/// Adds the accounts of a preview.
#[tauri::command]
pub fn confirm_import(
    state: State<'_, AppState>,
    token: String,
    keep_duplicates: bool,
) -> Result<Vec<i64>, AppError> {
    let pending = state
        .pending
        .lock()
        .map_err(|_| AppError::new("unexpected"))?
        .remove(&token)
        .ok_or(AppError::new("not_found"))?;
    if pending.incomplete {
        return Err(AppError::new("export_incomplete"));
    }
    let duplicates = if keep_duplicates {
        Duplicates::KeepBoth
    } else {
        Duplicates::Refuse
    };
    let accounts = pending
        .accounts
        .into_iter()
        .map(|account| (account, Details::default()))
        .collect();
    state.with_vault(|vault| Ok(vault.add_all(accounts, duplicates)?))
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

/// Reads payloads into one preview, gathering the parts of an export with those scanned before.
/// An approval server's enrollment link among them becomes an offer to connect, kept in Rust
/// until the user says yes (the same scan serves both, so the user need not know which is which).
fn preview(state: &AppState, payloads: Vec<String>) -> Result<Preview, AppError> {
    let mut accounts: Vec<Account> = Vec::new();
    let mut warnings = Vec::new();
    let mut parts = Vec::new();
    let mut connect = None;
    for payload in payloads {
        if let Some(offer) = enrollment_offer(&payload)? {
            let token = new_token()?;
            let shown = offer_view(token.clone(), &offer);
            state
                .approvals
                .offers
                .lock()
                .map_err(|_| AppError::new("unexpected"))?
                .insert(token, offer);
            connect = Some(shown);
            continue;
        }
        match read_scanned(&payload)? {
            Scanned::Account(parsed) => {
                warnings.extend(parsed.warnings.iter().map(ToString::to_string));
                accounts.push(parsed.account);
            }
            Scanned::Export(part) => parts.push(part),
        }
    }
    let (mut unusable, mut missing_parts, mut parts_total) = (Vec::new(), Vec::new(), 0);
    if !parts.is_empty() {
        let batch = state.gather_export(parts)?;
        unusable = batch
            .parts()
            .flat_map(|part| &part.unusable)
            .map(|entry| Unusable {
                label: entry.label.clone(),
                reason: entry.reason.clone(),
            })
            .collect();
        missing_parts = batch.missing().iter().map(|index| index + 1).collect();
        parts_total = batch.size();
        accounts.extend(batch.accounts().cloned());
    }
    let previews = state.with_vault(|vault| {
        accounts
            .iter()
            .map(|account| {
                Ok(PreviewAccount {
                    issuer: account.issuer().map(str::to_string),
                    name: account.name.clone(),
                    kind: account.kind.name(),
                    digits: account.code_length(),
                    period: account.kind.period(),
                    duplicate_of: vault.find_duplicate(account)?,
                })
            })
            .collect::<Result<Vec<_>, AppError>>()
    })?;
    let token = new_token()?;
    let pending = PendingImport {
        accounts,
        incomplete: !missing_parts.is_empty(),
    };
    state
        .pending
        .lock()
        .map_err(|_| AppError::new("unexpected"))?
        .insert(token.clone(), pending);
    Ok(Preview {
        token,
        accounts: previews,
        warnings,
        unusable,
        missing_parts,
        parts_total,
        connect,
    })
}

fn new_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| AppError::new("unexpected"))?;
    Ok(bytes.iter().map(|byte| format!("{byte:02x}")).collect())
}

impl AppState {
    /// Adds export parts to the export being scanned (a part of another export starts anew).
    fn gather_export(
        &self,
        parts: Vec<tessera_core::link::ExportPart>,
    ) -> Result<ExportBatch, AppError> {
        let mut current = self
            .export
            .lock()
            .map_err(|_| AppError::new("unexpected"))?;
        for part in parts {
            match current.as_mut() {
                Some(batch) if batch.batch_id() == part.part_of.batch_id => batch.add(part)?,
                _ => *current = Some(ExportBatch::new(part)),
            }
        }
        current.clone().ok_or(AppError::new("unexpected"))
    }
}
