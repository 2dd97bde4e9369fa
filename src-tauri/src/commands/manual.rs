//! Adding an account by hand: checked as the user types, with the first code to compare.

use tauri::State;
use tessera_core::vault::{Details, Duplicates};
use tessera_core::{Account, Algorithm, Secret};

use super::now;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use crate::views::{ManualAccount, ManualCheck, kind_of};

/// Checks the form; returns the error to show, or the first code.
#[tauri::command]
pub fn check_manual(form: ManualAccount) -> ManualCheck {
    match account_of(&form) {
        Ok(account) => ManualCheck {
            error: None,
            first_code: Some(account.code_at(now()).text),
        },
        Err(error) => ManualCheck {
            error: Some(error),
            first_code: None,
        },
    }
}

/// Adds the account from the form.
#[tauri::command]
pub fn add_manual(state: State<'_, AppState>, form: ManualAccount) -> Result<i64, AppError> {
    let account = account_of(&form)?;
    state.with_vault(|vault| Ok(vault.add(account, Details::default(), Duplicates::Refuse)?))
}

fn account_of(form: &ManualAccount) -> Result<Account, AppError> {
    let secret = Secret::from_base32(&form.secret)?;
    let algorithm = form
        .algorithm
        .parse::<Algorithm>()
        .map_err(|_| AppError::new(ErrorCode::UnknownAlgorithm))?;
    let kind = kind_of(form).ok_or(AppError::new(ErrorCode::UnknownType))?;
    let issuer = Some(form.issuer.trim()).filter(|issuer| !issuer.is_empty());
    let mut account = Account::totp(
        issuer.filter(|issuer| !issuer.contains(':')),
        form.name.trim(),
        secret,
    );
    account.set_issuer(issuer);
    account.algorithm = algorithm;
    account.kind = kind;
    account.digits = if matches!(kind, tessera_core::Kind::Steam { .. }) {
        5
    } else {
        form.digits
    };
    account.validate()?;
    Ok(account)
}
