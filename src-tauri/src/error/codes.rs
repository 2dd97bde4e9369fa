//! Every code the app sends in an [`AppError`](super::AppError), in one list. Each names a message
//! `error.<code>` in both catalogues (`ui/src/i18n/en.json` and `nl.json`), and, where the error
//! carries words to quote, may name `error.<code>.detail` too; `tests/error_codes.rs` checks that
//! every code here has its message, and the UI's catalogue test reads this list.

use serde::{Serialize, Serializer};

/// Writes the list once and makes from it the enum, its strings and `ErrorCode::ALL`.
macro_rules! codes {
    ($($(#[doc = $doc:literal])+ $name:ident = $text:literal;)+) => {
        /// An error's catalogue key, without the `error.` prefix.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[doc = $doc])+ $name,)+
        }

        impl ErrorCode {
            /// Every code the app sends.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$name),+];

            /// The code as the web UI receives it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$name => $text,)+
                }
            }
        }
    };
}

codes! {
    /// The password opens nothing.
    WrongPassword = "wrong_password";
    /// The recovery code opens nothing.
    WrongRecoveryCode = "wrong_recovery_code";
    /// The text is not a recovery code at all.
    NotARecoveryCode = "not_a_recovery_code";
    /// Too many wrong tries: wait (detail: seconds).
    Wait = "wait";
    /// A wrong try that starts a wait (detail: seconds).
    WrongThenWait = "wrong_then_wait";
    /// The vault is locked.
    Locked = "locked";
    /// App lock needs a password.
    PasswordNeeded = "password_needed";
    /// The biometric prompt was cancelled.
    BiometricCancelled = "biometric_cancelled";
    /// The enrolled biometrics changed, so the biometric key is gone.
    BiometricInvalidated = "biometric_invalidated";
    /// No biometrics Tessera can use.
    BiometricUnavailable = "biometric_unavailable";
    /// The platform key store failed.
    KeyStore = "key_store";
    /// The thing asked for is no longer there.
    NotFound = "not_found";
    /// The vault file is no longer where it was.
    VaultMissing = "vault_missing";
    /// The account is already in the vault (detail: its name).
    Duplicate = "duplicate";
    /// The vault file is damaged.
    VaultDamaged = "vault_damaged";
    /// The vault file was written by a newer version.
    VaultNewer = "vault_newer";
    /// The disk is full.
    DiskFull = "disk_full";
    /// Saving failed for a reason that may pass.
    Storage = "storage";
    /// Removing the last way to unlock.
    LastSlot = "last_slot";
    /// A counter-based account has used all its codes.
    CounterExhausted = "counter_exhausted";
    /// Asking a time-based account for its next counter code.
    NotCounterBased = "not_counter_based";
    /// An issuer written before the name holds a colon.
    IssuerColon = "issuer_colon";
    /// An issuer or name with spaces at its ends, or an empty issuer.
    Untrimmed = "untrimmed";
    /// An extra link parameter with a name Tessera reads itself (detail: the name).
    ReservedParameter = "reserved_parameter";
    /// The vault refused a request for a reason with no message of its own (detail: the reason).
    Refused = "refused";
    /// A failure Tessera does not expect.
    Unexpected = "unexpected";
    /// There is no code to copy.
    NothingToCopy = "nothing_to_copy";
    /// Not a link Tessera reads.
    InvalidLink = "invalid_link";
    /// A QR code or link that holds something other than an account.
    NotAnAccount = "not_an_account";
    /// A secret that is not base32.
    BadSecret = "bad_secret";
    /// Digits outside 4 to 10.
    BadDigits = "bad_digits";
    /// A period that is not a whole number of seconds above zero.
    BadPeriod = "bad_period";
    /// A counter that is not a whole number.
    BadCounter = "bad_counter";
    /// A hash algorithm Tessera does not have.
    UnknownAlgorithm = "unknown_algorithm";
    /// A kind of code Tessera does not have.
    UnknownType = "unknown_type";
    /// A damaged export link.
    ExportDamaged = "export_damaged";
    /// An export with parts missing.
    ExportIncomplete = "export_incomplete";
    /// A picture that cannot be read.
    PictureUnreadable = "picture_unreadable";
    /// A picture with no QR code.
    NoCodeInPicture = "no_code_in_picture";
    /// An encrypted file with no password given.
    FileNeedsPassword = "file_needs_password";
    /// The password does not open the file.
    FileWrongPassword = "file_wrong_password";
    /// A damaged file.
    FileDamaged = "file_damaged";
    /// A file of no known format.
    FileUnknown = "file_unknown";
    /// A file far larger than any export.
    FileTooLarge = "file_too_large";
    /// A file of a version Tessera does not read.
    FileVersion = "file_version";
    /// A kind of file Tessera does not read.
    FileUnsupported = "file_unsupported";
    /// A file that cannot be opened.
    FileUnreadable = "file_unreadable";
    /// A plain export asked for without the warning agreed to.
    ExportUnencrypted = "export_unencrypted";
    /// The vault has no accounts to export.
    ExportNothing = "export_nothing";
    /// An encrypted export without a password.
    ExportPasswordNeeded = "export_password_needed";
    /// The export could not be saved where the user chose (detail: why).
    ExportUnwritable = "export_unwritable";
    /// This QR code was not read whole.
    MoveCodeDamaged = "move_code_damaged";
    /// These QR codes were made by a newer version of Tessera.
    MoveNewer = "move_newer";
    /// These QR codes do not fit together.
    MoveMixedUp = "move_mixed_up";
    /// Some QR codes from the other device are not scanned yet.
    MoveIncomplete = "move_incomplete";
    /// Type the code shown beside the QR codes on the other device first.
    MoveNeedsCode = "move_needs_code";
    /// Scan every QR code from the other device first.
    MoveNothingToOpen = "move_nothing_to_open";
    /// That is not the code.
    MoveNotACode = "move_not_a_code";
    /// That code does not open these QR codes.
    MoveWrongCode = "move_wrong_code";
    /// There are too many accounts to move by QR code.
    MoveTooLarge = "move_too_large";
    /// The moved accounts could not be read.
    MoveDamaged = "move_damaged";
    /// There are no accounts to move yet.
    NothingToMove = "nothing_to_move";
    /// The disk of the backup folder is full.
    BackupDiskFull = "backup_disk_full";
    /// The backup could not be written.
    BackupFailed = "backup_failed";
    /// Tessera may not write in the backup folder.
    BackupFolderDenied = "backup_folder_denied";
    /// The backup folder is not there.
    BackupFolderMissing = "backup_folder_missing";
    /// That folder cannot hold the backups.
    BackupFolderUnusable = "backup_folder_unusable";
    /// Keep between 1 and 1000 backups.
    BackupKeep = "backup_keep";
    /// The backup folder is not a folder.
    BackupNotAFolder = "backup_not_a_folder";
    /// Choose a password for the backups.
    BackupPasswordNeeded = "backup_password_needed";
    /// Automatic backups are off.
    BackupsOff = "backups_off";
    /// Choosing a folder is not available on this device yet.
    FolderPickerUnavailable = "folder_picker_unavailable";
    /// The sign-in was answered, expired or withdrawn.
    ApprovalGone = "approval_gone";
    /// Approving needs the user to show it is them.
    UnlockNeeded = "unlock_needed";
    /// A sign-in without a password needs app lock.
    PasswordlessNeedsAppLock = "passwordless_needs_app_lock";
    /// The number from the sign-in screen is needed.
    NumberNeeded = "number_needed";
    /// No approval server is connected.
    NoServer = "no_server";
    /// The approval server cannot be reached.
    ServerUnreachable = "server_unreachable";
    /// The approval server refused.
    ServerRefused = "server_refused";
    /// The approval server answered something Tessera does not understand.
    ServerGarbled = "server_garbled";
    /// The server's key is not the one the link named.
    ServerKeyMismatch = "server_key_mismatch";
    /// A connection link that cannot be used.
    EnrollLinkInvalid = "enroll_link_invalid";
    /// A connection link that expired or was used.
    EnrollmentExpired = "enrollment_expired";
    /// This device is already connected to this account.
    AlreadyConnected = "already_connected";
    /// The server no longer knows this device.
    DeviceForgotten = "device_forgotten";
    /// The server's answer is out of date or from the future.
    ClockWrong = "clock_wrong";
    /// This device's key for the server is damaged.
    DeviceKeyDamaged = "device_key_damaged";
    /// A privacyIDEA push token newer than Tessera reads.
    PushLinkNewer = "push_link_newer";
    /// A privacyIDEA push-token QR code with parts missing.
    PushLinkIncomplete = "push_link_incomplete";
    /// A privacyIDEA push token that would not check its server.
    PushLinkUnverified = "push_link_unverified";
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn no_two_codes_share_a_string() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} is listed twice");
        }
    }
}
