//! Errors as the web UI receives them: a code that names a message in the catalogues
//! (`error.<code>`), and the words from the input that the message may quote. Never a secret.

use serde::Serialize;
use tessera_core::link::ExportError;
use tessera_core::qr::QrError;
use tessera_core::transfer::TransferError;
use tessera_core::vault::BiometricError;
use tessera_core::{LinkError, SecretError, VaultError};

/// An error for the web UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppError {
    /// The catalogue key, without the `error.` prefix.
    pub code: &'static str,
    /// Words the message may quote.
    pub detail: Option<String>,
}

impl AppError {
    /// An error with a code and no detail.
    pub fn new(code: &'static str) -> AppError {
        AppError { code, detail: None }
    }

    /// An error with a code and words to quote.
    pub fn with(code: &'static str, detail: impl ToString) -> AppError {
        AppError {
            code,
            detail: Some(detail.to_string()),
        }
    }
}

impl From<VaultError> for AppError {
    fn from(error: VaultError) -> AppError {
        match &error {
            VaultError::WrongPassword => AppError::new("wrong_password"),
            VaultError::WrongRecoveryCode => AppError::new("wrong_recovery_code"),
            VaultError::NotARecoveryCode => AppError::new("not_a_recovery_code"),
            VaultError::Biometric(BiometricError::Cancelled) => {
                AppError::new("biometric_cancelled")
            }
            VaultError::Biometric(BiometricError::Invalidated) => {
                AppError::new("biometric_invalidated")
            }
            VaultError::Biometric(_) => AppError::with("biometric_unavailable", error),
            VaultError::AccountNotFound(_)
            | VaultError::SlotNotFound(_)
            | VaultError::NotFound(_) => AppError::new("not_found"),
            VaultError::Duplicate { label, .. } => AppError::with("duplicate", label),
            VaultError::NotAVault(_)
            | VaultError::Damaged(_)
            | VaultError::UnreadableAccount(_) => AppError::new("vault_damaged"),
            VaultError::NewerVersion { .. } => AppError::new("vault_newer"),
            VaultError::DiskFull => AppError::new("disk_full"),
            VaultError::KeyStore(_)
            | VaultError::KeyStoreEntryMissing
            | VaultError::NoSlotOfKind { .. } => AppError::with("key_store", error),
            _ => AppError::with("storage", error),
        }
    }
}

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> AppError {
        match &error {
            LinkError::NotAnAccount(_) => AppError::with("not_an_account", error),
            // No detail: the message would quote a character of the secret.
            LinkError::MissingSecret | LinkError::Secret(_) => AppError::new("bad_secret"),
            LinkError::Digits(_) => AppError::with("bad_digits", error),
            LinkError::Period(_) => AppError::with("bad_period", error),
            LinkError::Counter(_) => AppError::with("bad_counter", error),
            LinkError::Algorithm(_) => AppError::with("unknown_algorithm", error),
            LinkError::UnknownType(_) => AppError::with("unknown_type", error),
            LinkError::Export(_) => AppError::with("export_damaged", error),
            LinkError::Transfer(error) => error.clone().into(),
            LinkError::Empty | LinkError::NotText(_) => AppError::with("invalid_link", error),
        }
    }
}

impl From<tessera_core::import::ImportError> for AppError {
    fn from(error: tessera_core::import::ImportError) -> AppError {
        use tessera_core::import::ImportError as Import;
        match error {
            Import::NeedsPassword { app } => AppError::with("file_needs_password", app),
            Import::WrongPassword => AppError::new("file_wrong_password"),
            Import::Damaged { .. } => AppError::with("file_damaged", error),
            Import::Unknown | Import::NoSuchFormat(_) => AppError::new("file_unknown"),
            Import::TooLarge => AppError::new("file_too_large"),
            Import::UnsupportedVersion { .. } => AppError::with("file_version", error),
            Import::Unsupported { .. } => AppError::with("file_unsupported", error),
            Import::ExportIncomplete => AppError::new("export_incomplete"),
            Import::Transfer(error) => error.into(),
            Import::Vault(error) => error.into(),
        }
    }
}

impl From<TransferError> for AppError {
    fn from(error: TransferError) -> AppError {
        use tessera_core::backup::BackupError;
        match error {
            TransferError::Damaged(_) => AppError::with("move_code_damaged", error),
            TransferError::NewerVersion(version) => AppError::with("move_newer", version),
            TransferError::CountMismatch | TransferError::Conflict(_) | TransferError::Mismatch => {
                AppError::new("move_mixed_up")
            }
            TransferError::Incomplete(missing) => AppError::with("move_incomplete", missing),
            TransferError::NeedsCode => AppError::new("move_needs_code"),
            TransferError::NothingToOpen => AppError::new("move_nothing_to_open"),
            TransferError::NotACode => AppError::new("move_not_a_code"),
            TransferError::WrongCode => AppError::new("move_wrong_code"),
            TransferError::TooLarge => AppError::new("move_too_large"),
            TransferError::Backup(BackupError::NoRandomness) => AppError::new("unexpected"),
            TransferError::Backup(BackupError::NewerVersion(version)) => {
                AppError::with("move_newer", version)
            }
            TransferError::Backup(BackupError::TooLarge) => AppError::new("move_too_large"),
            TransferError::Backup(_) => AppError::with("move_damaged", error),
        }
    }
}

impl From<ExportError> for AppError {
    fn from(error: ExportError) -> AppError {
        AppError::with("export_damaged", error)
    }
}

impl From<SecretError> for AppError {
    fn from(_: SecretError) -> AppError {
        // No detail: the message would quote a character of the secret.
        AppError::new("bad_secret")
    }
}

impl From<QrError> for AppError {
    fn from(error: QrError) -> AppError {
        AppError::with("picture_unreadable", error)
    }
}

impl From<tessera_push::ProtocolError> for AppError {
    fn from(error: tessera_push::ProtocolError) -> AppError {
        use tessera_push::ProtocolError as Protocol;
        match error {
            Protocol::Unreachable { server, .. } => AppError::with("server_unreachable", server),
            Protocol::Refused { code, .. } if code == "enrollment_link_used" => {
                AppError::new("enrollment_expired")
            }
            Protocol::Refused { code, .. }
                if code == "unknown_approval" || code == "approval_closed" =>
            {
                AppError::new("approval_gone")
            }
            Protocol::Refused { code, .. } if code == "user_verification_needed" => {
                AppError::new("unlock_needed")
            }
            Protocol::Refused { code, .. }
                if code == "device_revoked" || code == "unknown_device" =>
            {
                AppError::new("device_forgotten")
            }
            Protocol::Refused { message, .. } => AppError::with("server_refused", message),
            Protocol::ServerKeyMismatch => AppError::new("server_key_mismatch"),
            Protocol::Stale => AppError::new("clock_wrong"),
            Protocol::DamagedKey => AppError::new("device_key_damaged"),
            Protocol::NoRandomness => AppError::new("unexpected"),
            Protocol::AnswerDoesNotFit => AppError::new("number_needed"),
            garbled @ (Protocol::BadKey
            | Protocol::Malformed(_)
            | Protocol::WrongType { .. }
            | Protocol::BadSignature
            | Protocol::WrongAudience(_)
            | Protocol::UnexpectedAnswer(_)) => AppError::with("server_garbled", garbled),
        }
    }
}

impl From<tessera_push::privacyidea::PushLinkError> for AppError {
    fn from(error: tessera_push::privacyidea::PushLinkError) -> AppError {
        use tessera_push::privacyidea::PushLinkError as Push;
        match error {
            Push::NewerVersion(version) => AppError::with("push_link_newer", version),
            Push::Missing(part) => AppError::with("push_link_incomplete", part),
            Push::BadUrl => AppError::new("push_link_incomplete"),
            Push::Unverified(host) => AppError::with("push_link_unverified", host),
            Push::NotPushLink => AppError::with("enroll_link_invalid", error),
        }
    }
}

impl From<tessera_push::LinkError> for AppError {
    fn from(error: tessera_push::LinkError) -> AppError {
        AppError::with("enroll_link_invalid", error)
    }
}
