//! App lock: where the vault stands, unlocking it, locking it, turning app lock on and off, and
//! the comings and goings the lock policy decides on.

use serde::Serialize;
use tauri::{AppHandle, Runtime, State};
use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{
    Biometric, Credential, NewBiometric, NewDevice, NewPassword, NewRecovery, NewSlot, Password,
    Platform, Recovery, SlotKind,
};

use crate::error::{AppError, ErrorCode};
use crate::platform;
use crate::state::{AppState, Locking, Standing};
use crate::words::word;

/// Where the vault stands, for the unlock screen and Settings.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LockView {
    /// The vault waits for the user to unlock it.
    locked: bool,
    /// The vault has no slot that opens without asking.
    app_lock: bool,
    /// The ways it can be unlocked (`password`, `recovery`, `biometric`), in the order offered.
    ways: Vec<&'static str>,
    /// This device can offer a biometric slot.
    biometric_available: bool,
    /// Seconds before the next try may be made, after wrong tries.
    wait_seconds: u64,
}

/// Where the vault stands (waits until it has finished opening).
#[tauri::command]
pub fn lock_status<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<LockView, AppError> {
    let now = super::now_seconds();
    let wait_seconds = state.attempts(now)?.wait(now);
    let biometric_available = platform::biometric_available(&app);
    let (locked, kinds) = match state.standing()? {
        Standing::Locked(vault) => (true, kinds(&vault.slots()?)),
        Standing::Unlocked { .. } => (false, state.with_vault(|vault| Ok(kinds(&vault.slots()?)))?),
    };
    let app_lock = !kinds.iter().any(|kind| kind.opens_without_asking());
    Ok(LockView {
        locked,
        app_lock,
        ways: SlotKind::ALL
            .into_iter()
            .filter(|kind| !kind.opens_without_asking() && kinds.contains(kind))
            .map(SlotKind::name)
            .collect(),
        biometric_available,
        wait_seconds,
    })
}

fn kinds(slots: &[tessera_core::vault::Slot]) -> Vec<SlotKind> {
    slots.iter().map(|slot| slot.kind).collect()
}

/// Unlocks with the password (Argon2id takes about half a second: not on the main thread).
#[tauri::command(async)]
pub fn unlock_with_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    password: String,
) -> Result<(), AppError> {
    unlocked(
        &app,
        state.unlock(&Password(&password), super::now_seconds()),
    )
}

/// Unlocks with the recovery code, as typed.
#[tauri::command(async)]
pub fn unlock_with_recovery_code<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    code: String,
) -> Result<(), AppError> {
    unlocked(&app, state.unlock(&Recovery(&code), super::now_seconds()))
}

/// Unlocks with a biometric check, where the platform has one.
#[tauri::command(async)]
pub fn unlock_with_biometrics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), AppError> {
    let keys = platform::biometric(&app).ok_or(AppError::new(ErrorCode::BiometricUnavailable))?;
    unlocked(
        &app,
        state.unlock(&Biometric(keys.as_ref()), super::now_seconds()),
    )
}

/// Once unlocked, the approval servers are followed again.
fn unlocked<R: Runtime>(
    app: &AppHandle<R>,
    unlocking: Result<(), AppError>,
) -> Result<(), AppError> {
    if unlocking.is_ok() {
        crate::inbox::follow(app);
    }
    unlocking
}

/// Locks now (app lock on only: without it the vault would open again without asking).
#[tauri::command]
pub fn lock_now(state: State<'_, AppState>) -> Result<bool, AppError> {
    Ok(state.lock()? != Locking::NoAppLock)
}

/// What turning app lock on or off did.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppLockChanged {
    /// A new recovery code was made and shown (in a dialog of the system's, not in the page).
    recovery_code_shown: bool,
}

/// Turns app lock on (the password: a new one when the vault has none, else the one it has, to
/// wrap the new vault key for it; biometrics if asked and available; a new recovery code; the
/// device slot removed; all in one change, which re-keys the vault) or
/// off (a device slot put back). `language` is the UI's, for the recovery code's dialog.
#[tauri::command(async)]
pub fn set_app_lock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    on: bool,
    password: Option<String>,
    biometric: bool,
    language: String,
) -> Result<AppLockChanged, AppError> {
    let store = platform::key_store(&app);
    let biometric_keys = if biometric {
        Some(platform::biometric(&app).ok_or(AppError::new(ErrorCode::BiometricUnavailable))?)
    } else {
        None
    };
    let platform_keys = Platform {
        key_store: store.as_ref().ok().map(|store| store.as_ref() as _),
        biometric: biometric_keys.as_ref().map(|keys| keys.as_ref() as _),
    };
    // With a password already there, turning app lock on asks for it: it proves the user knows
    // it (counted like an unlock) and wraps the new vault key for it.
    let (has_password, asks) = state.with_vault(|vault| {
        let slots = vault.slots()?;
        Ok((
            slots.iter().any(|slot| slot.kind == SlotKind::Password),
            !slots.iter().any(|slot| slot.kind.opens_without_asking()),
        ))
    })?;
    if on == asks {
        // Already as asked: nothing to change.
        return Ok(AppLockChanged {
            recovery_code_shown: false,
        });
    }
    if on && has_password {
        let given = password
            .as_deref()
            .filter(|password| !password.is_empty())
            .ok_or(AppError::new(ErrorCode::PasswordNeeded))?;
        state.confirm(&Password(given), crate::commands::now() as i64)?;
    }
    let code = state.with_vault(|vault| {
        let slots = vault.slots()?;
        let has = |kind: SlotKind| slots.iter().any(|slot| slot.kind == kind);
        let mut add: Vec<Box<dyn NewSlot + '_>> = Vec::new();
        let mut remove = Vec::new();
        // Turning app lock on removes the device slot, which re-keys the vault: a password slot
        // that stays is wrapped again with the password given (the page asks for it), and a
        // recovery slot that stays is replaced by a new code, shown now (nobody has the old one
        // at hand, and it should not open what is added from now on).
        let mut keep_with: Vec<Password<'_>> = Vec::new();
        if on {
            let password = password.as_deref().filter(|password| !password.is_empty());
            if has(SlotKind::Password) {
                keep_with.push(Password(
                    password.ok_or(AppError::new(ErrorCode::PasswordNeeded))?,
                ));
            } else {
                let password = password.ok_or(AppError::new(ErrorCode::PasswordNeeded))?;
                let params = PasswordParams::calibrate()
                    .map_err(|_| AppError::new(ErrorCode::Unexpected))?;
                add.push(Box::new(NewPassword(password, params)));
            }
            if let Some(keys) = &biometric_keys
                && !has(SlotKind::Biometric)
            {
                add.push(Box::new(NewBiometric(keys.as_ref())));
            }
            add.push(Box::new(NewRecovery));
            remove = slots
                .iter()
                .filter(|slot| slot.kind.opens_without_asking() || slot.kind == SlotKind::Recovery)
                .map(|slot| slot.id)
                .collect();
        } else if !has(SlotKind::Device) {
            let store = store.as_ref().map_err(Clone::clone)?;
            add.push(Box::new(NewDevice(store.as_ref())));
        }
        let add: Vec<&dyn NewSlot> = add.iter().map(AsRef::as_ref).collect();
        let keep_with: Vec<&dyn Credential> = keep_with
            .iter()
            .map(|password| password as &dyn Credential)
            .collect();
        let added = vault.change_slots(&add, &remove, &platform_keys, &keep_with)?;
        Ok(added.into_iter().find_map(|slot| slot.recovery_code))
    })?;
    let shown = code.is_some();
    if let Some(code) = code {
        show_recovery_code(&app, &state, &language, &code.display());
    }
    Ok(AppLockChanged {
        recovery_code_shown: shown,
    })
}

/// Shows the recovery code once, in the system's own dialog: it never enters the web view.
fn show_recovery_code<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    language: &str,
    code: &str,
) {
    use tauri_plugin_dialog::{DialogExt, MessageDialogKind};
    if let Ok(stand_in) = state.show_recovery_code.lock()
        && let Some(show) = stand_in.as_ref()
    {
        return show(language, code);
    }
    let body = word(language, "recovery.dialog.body").replace("{code}", code);
    app.dialog()
        .message(body)
        .title(word(language, "recovery.dialog.title"))
        .kind(MessageDialogKind::Warning)
        .show(|_| {});
}

/// The app came on screen or left it (the page's visibility).
#[tauri::command]
pub fn app_shown(state: State<'_, AppState>, visible: bool) {
    state.shown(visible);
}

/// The user typed, clicked or touched (sent at most every few seconds).
#[tauri::command]
pub fn user_input(state: State<'_, AppState>) {
    state.touched();
}
