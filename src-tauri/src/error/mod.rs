//! Errors as the web UI receives them: a code that names a message in the catalogues
//! (`error.<code>`), and the words from the input that the message may quote. Never a secret.
//! The codes are listed once, in `codes.rs`.

mod codes;

pub use codes::ErrorCode;
use serde::Serialize;
use tessera_core::account::AccountError;
use tessera_core::link::ExportError;
use tessera_core::qr::QrError;
use tessera_core::transfer::TransferError;
use tessera_core::vault::{BiometricError, ErrorKind};
use tessera_core::{LinkError, SecretError, VaultError};

/// An error for the web UI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppError {
    /// The catalogue key, without the `error.` prefix.
    pub code: ErrorCode,
    /// Words the message may quote.
    pub detail: Option<String>,
}

impl AppError {
    /// An error with a code and no detail.
    pub fn new(code: ErrorCode) -> AppError {
        AppError { code, detail: None }
    }

    /// An error with a code and words to quote.
    pub fn with(code: ErrorCode, detail: impl ToString) -> AppError {
        AppError {
            code,
            detail: Some(detail.to_string()),
        }
    }
}

impl From<VaultError> for AppError {
    /// A message of its own where the user can act on one; otherwise the message for the error's
    /// kind, which the core decides (and the command line uses too).
    fn from(error: VaultError) -> AppError {
        match error {
            VaultError::WrongPassword => AppError::new(ErrorCode::WrongPassword),
            VaultError::WrongRecoveryCode => AppError::new(ErrorCode::WrongRecoveryCode),
            VaultError::NotARecoveryCode => AppError::new(ErrorCode::NotARecoveryCode),
            VaultError::Biometric(BiometricError::Cancelled) => {
                AppError::new(ErrorCode::BiometricCancelled)
            }
            VaultError::Biometric(BiometricError::Invalidated) => {
                AppError::new(ErrorCode::BiometricInvalidated)
            }
            VaultError::Biometric(_) => AppError::with(ErrorCode::BiometricUnavailable, error),
            VaultError::NotFound(_) => AppError::new(ErrorCode::VaultMissing),
            VaultError::AccountNotFound(_)
            | VaultError::SlotNotFound(_)
            | VaultError::ApprovalServerNotFound(_) => AppError::new(ErrorCode::NotFound),
            VaultError::Duplicate { label, .. } => AppError::with(ErrorCode::Duplicate, label),
            // The only slot the app asks a credential for, to keep it, is the password slot.
            VaultError::SlotCannotBeKept { .. } => AppError::new(ErrorCode::WrongPassword),
            VaultError::NewerVersion { .. } => AppError::new(ErrorCode::VaultNewer),
            VaultError::DiskFull => AppError::new(ErrorCode::DiskFull),
            VaultError::NoSlotOfKind { .. } => AppError::with(ErrorCode::KeyStore, error),
            VaultError::LastSlot => AppError::new(ErrorCode::LastSlot),
            VaultError::CounterExhausted => AppError::new(ErrorCode::CounterExhausted),
            VaultError::NotCounterBased(_) => AppError::new(ErrorCode::NotCounterBased),
            VaultError::InvalidAccount(error) => error.into(),
            error => match error.kind() {
                ErrorKind::Input => AppError::with(ErrorCode::Refused, error),
                ErrorKind::TryAgain => AppError::with(ErrorCode::Storage, error),
                ErrorKind::Damaged => AppError::new(ErrorCode::VaultDamaged),
                ErrorKind::KeyStore => AppError::with(ErrorCode::KeyStore, error),
                ErrorKind::Bug => AppError::with(ErrorCode::Unexpected, error),
            },
        }
    }
}

impl From<AccountError> for AppError {
    fn from(error: AccountError) -> AppError {
        match error {
            AccountError::Digits(_) => AppError::new(ErrorCode::BadDigits),
            AccountError::ZeroPeriod => AppError::new(ErrorCode::BadPeriod),
            AccountError::LabelIssuerColon => AppError::new(ErrorCode::IssuerColon),
            AccountError::Untrimmed(_) => AppError::new(ErrorCode::Untrimmed),
            AccountError::ReservedParameter(name) => {
                AppError::with(ErrorCode::ReservedParameter, name)
            }
        }
    }
}

impl From<LinkError> for AppError {
    fn from(error: LinkError) -> AppError {
        match &error {
            LinkError::NotAnAccount(_) => AppError::with(ErrorCode::NotAnAccount, error),
            // No detail: the message would quote a character of the secret.
            LinkError::MissingSecret | LinkError::Secret(_) => AppError::new(ErrorCode::BadSecret),
            LinkError::Digits(_) => AppError::with(ErrorCode::BadDigits, error),
            LinkError::Period(_) => AppError::with(ErrorCode::BadPeriod, error),
            LinkError::Counter(_) => AppError::with(ErrorCode::BadCounter, error),
            LinkError::Algorithm(_) => AppError::with(ErrorCode::UnknownAlgorithm, error),
            LinkError::UnknownType(_) => AppError::with(ErrorCode::UnknownType, error),
            LinkError::Export(_) => AppError::with(ErrorCode::ExportDamaged, error),
            LinkError::Transfer(error) => error.clone().into(),
            LinkError::Empty | LinkError::NotText(_) => {
                AppError::with(ErrorCode::InvalidLink, error)
            }
        }
    }
}

impl From<tessera_core::import::ImportError> for AppError {
    fn from(error: tessera_core::import::ImportError) -> AppError {
        use tessera_core::import::ImportError as Import;
        match error {
            Import::NeedsPassword { app } => AppError::with(ErrorCode::FileNeedsPassword, app),
            Import::WrongPassword => AppError::new(ErrorCode::FileWrongPassword),
            Import::Damaged { .. } => AppError::with(ErrorCode::FileDamaged, error),
            Import::Unknown | Import::NoSuchFormat(_) => AppError::new(ErrorCode::FileUnknown),
            Import::TooLarge => AppError::new(ErrorCode::FileTooLarge),
            Import::UnsupportedVersion { .. } => AppError::with(ErrorCode::FileVersion, error),
            Import::Unsupported { .. } => AppError::with(ErrorCode::FileUnsupported, error),
            Import::ExportIncomplete => AppError::new(ErrorCode::ExportIncomplete),
            Import::Transfer(error) => error.into(),
            Import::Vault(error) => error.into(),
        }
    }
}

impl From<TransferError> for AppError {
    fn from(error: TransferError) -> AppError {
        use tessera_core::backup::BackupError;
        match error {
            TransferError::Damaged(_) => AppError::with(ErrorCode::MoveCodeDamaged, error),
            TransferError::NewerVersion(version) => AppError::with(ErrorCode::MoveNewer, version),
            TransferError::CountMismatch | TransferError::Conflict(_) | TransferError::Mismatch => {
                AppError::new(ErrorCode::MoveMixedUp)
            }
            TransferError::Incomplete(missing) => {
                AppError::with(ErrorCode::MoveIncomplete, missing)
            }
            TransferError::NeedsCode => AppError::new(ErrorCode::MoveNeedsCode),
            TransferError::NothingToOpen => AppError::new(ErrorCode::MoveNothingToOpen),
            TransferError::NotACode => AppError::new(ErrorCode::MoveNotACode),
            TransferError::WrongCode => AppError::new(ErrorCode::MoveWrongCode),
            TransferError::TooLarge => AppError::new(ErrorCode::MoveTooLarge),
            TransferError::Backup(BackupError::NoRandomness) => {
                AppError::new(ErrorCode::Unexpected)
            }
            TransferError::Backup(BackupError::NewerVersion(version)) => {
                AppError::with(ErrorCode::MoveNewer, version)
            }
            TransferError::Backup(BackupError::TooLarge) => AppError::new(ErrorCode::MoveTooLarge),
            TransferError::Backup(_) => AppError::with(ErrorCode::MoveDamaged, error),
        }
    }
}

impl From<ExportError> for AppError {
    fn from(error: ExportError) -> AppError {
        AppError::with(ErrorCode::ExportDamaged, error)
    }
}

impl From<SecretError> for AppError {
    fn from(_: SecretError) -> AppError {
        // No detail: the message would quote a character of the secret.
        AppError::new(ErrorCode::BadSecret)
    }
}

impl From<QrError> for AppError {
    fn from(error: QrError) -> AppError {
        AppError::with(ErrorCode::PictureUnreadable, error)
    }
}

impl From<tessera_push::ProtocolError> for AppError {
    fn from(error: tessera_push::ProtocolError) -> AppError {
        use tessera_push::ProtocolError as Protocol;
        match error {
            Protocol::Unreachable { server, .. } => {
                AppError::with(ErrorCode::ServerUnreachable, server)
            }
            Protocol::Refused { code, .. } if code == "enrollment_link_used" => {
                AppError::new(ErrorCode::EnrollmentExpired)
            }
            Protocol::Refused { code, .. }
                if code == "unknown_approval" || code == "approval_closed" =>
            {
                AppError::new(ErrorCode::ApprovalGone)
            }
            Protocol::Refused { code, .. } if code == "user_verification_needed" => {
                AppError::new(ErrorCode::UnlockNeeded)
            }
            Protocol::Refused { code, .. }
                if code == "device_revoked" || code == "unknown_device" =>
            {
                AppError::new(ErrorCode::DeviceForgotten)
            }
            Protocol::Refused { message, .. } => AppError::with(ErrorCode::ServerRefused, message),
            Protocol::ServerKeyMismatch => AppError::new(ErrorCode::ServerKeyMismatch),
            Protocol::Stale => AppError::new(ErrorCode::ClockWrong),
            Protocol::DamagedKey => AppError::new(ErrorCode::DeviceKeyDamaged),
            Protocol::NoRandomness => AppError::new(ErrorCode::Unexpected),
            Protocol::AnswerDoesNotFit => AppError::new(ErrorCode::NumberNeeded),
            garbled @ (Protocol::BadKey
            | Protocol::Malformed(_)
            | Protocol::WrongType { .. }
            | Protocol::BadSignature
            | Protocol::WrongAudience(_)
            | Protocol::UnexpectedAnswer(_)) => AppError::with(ErrorCode::ServerGarbled, garbled),
        }
    }
}

impl From<tessera_push::privacyidea::PushLinkError> for AppError {
    fn from(error: tessera_push::privacyidea::PushLinkError) -> AppError {
        use tessera_push::privacyidea::PushLinkError as Push;
        match error {
            Push::NewerVersion(version) => AppError::with(ErrorCode::PushLinkNewer, version),
            Push::Missing(part) => AppError::with(ErrorCode::PushLinkIncomplete, part),
            Push::BadUrl => AppError::new(ErrorCode::PushLinkIncomplete),
            Push::Unverified(host) => AppError::with(ErrorCode::PushLinkUnverified, host),
            Push::NotPushLink => AppError::with(ErrorCode::EnrollLinkInvalid, error),
        }
    }
}

impl From<tessera_push::LinkError> for AppError {
    fn from(error: tessera_push::LinkError) -> AppError {
        AppError::with(ErrorCode::EnrollLinkInvalid, error)
    }
}
