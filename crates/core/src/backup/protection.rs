//! The ways a backup is opened: a password (Argon2id, with the vault's password-slot parameters
//! and bounds) and the vault's recovery code (HKDF-SHA256, as the vault's recovery slot derives
//! its key). Each wraps the same data key; either opens the file.

use std::fmt;

use super::error::BackupError;
use super::header::{PASSWORD_CONTEXT, RECOVERY_CONTEXT, WRAPPED_LEN, WrappedKey};
use crate::vault::seal::Key;
use crate::vault::slots::password::{self, PasswordParams};
use crate::vault::slots::recovery::{self, RecoveryCode, SALT_LEN};

/// What a backup is protected with: the keys derived from a password, a recovery code, or both.
///
/// Deriving happens here, once (Argon2id takes about half a second with calibrated parameters);
/// every backup written with the same protection then costs only its sealing. All backups written
/// with one protection share its salts, each with its own random data key. Never shows its keys.
#[derive(Clone)]
pub struct Protection {
    password: Option<(PasswordParams, Key)>,
    recovery: Option<([u8; SALT_LEN], Key)>,
}

impl Protection {
    /// Protection by a password, its key derived with these parameters (see
    /// [`PasswordParams::calibrate`]). Parameters that a reader would refuse are refused here.
    pub fn password(password: &str, params: PasswordParams) -> Result<Protection, BackupError> {
        Protection::none().with_password(password, params)
    }

    /// Protection by a recovery code, with a fresh salt.
    pub fn recovery_code(code: &RecoveryCode) -> Result<Protection, BackupError> {
        Protection::none().with_recovery_code(code)
    }

    /// This protection, and a password too (replacing any password it had).
    pub fn with_password(
        mut self,
        password: &str,
        params: PasswordParams,
    ) -> Result<Protection, BackupError> {
        if PasswordParams::from_bytes(&params.to_bytes()).as_ref() != Ok(&params) {
            return Err(BackupError::Parameters);
        }
        let key = password::derive(password, &params).map_err(|_| BackupError::Parameters)?;
        self.password = Some((params, key));
        Ok(self)
    }

    /// This protection, and a recovery code too (replacing any code it had).
    pub fn with_recovery_code(mut self, code: &RecoveryCode) -> Result<Protection, BackupError> {
        let salt: [u8; SALT_LEN] = recovery::new_salt()
            .ok()
            .and_then(|salt| salt.try_into().ok())
            .ok_or(BackupError::NoRandomness)?;
        self.recovery = Some((salt, recovery::derive(code, &salt)));
        Ok(self)
    }

    fn none() -> Protection {
        Protection {
            password: None,
            recovery: None,
        }
    }

    /// Whether a password opens what this protects.
    pub fn has_password(&self) -> bool {
        self.password.is_some()
    }

    /// The password's parameters (salt included) and the key derived with them, as automatic
    /// backups keep them sealed in the vault.
    pub(crate) fn password_key(&self) -> Option<(&PasswordParams, &Key)> {
        self.password.as_ref().map(|(params, key)| (params, key))
    }

    /// The recovery code's salt and key, as automatic backups keep them sealed in the vault.
    pub(crate) fn recovery_key(&self) -> Option<(&[u8; SALT_LEN], &Key)> {
        self.recovery.as_ref().map(|(salt, key)| (salt, key))
    }

    /// A protection from keys derived before (see [`Protection::password_key`]): nothing is derived.
    pub(crate) fn from_keys(
        password: Option<(PasswordParams, Key)>,
        recovery: Option<([u8; SALT_LEN], Key)>,
    ) -> Protection {
        Protection { password, recovery }
    }

    /// Whether a header's key was wrapped by this protection: the same parameters and salt.
    pub(super) fn made(&self, keys: &[WrappedKey]) -> bool {
        keys.iter().any(|key| self.key_for(key).is_some())
    }

    fn key_for(&self, wrapped: &WrappedKey) -> Option<&Key> {
        match (wrapped, &self.password, &self.recovery) {
            (WrappedKey::Password { params, .. }, Some((mine, key)), _) if mine == params => {
                Some(key)
            }
            (WrappedKey::Recovery { salt, .. }, _, Some((mine, key))) if mine == salt => Some(key),
            _ => None,
        }
    }

    /// The data key of a backup this protection wrote, with the keys it holds: no derivation.
    pub(super) fn unwrap_own(&self, keys: &[WrappedKey]) -> Result<Key, BackupError> {
        for wrapped in keys {
            let Some(key) = self.key_for(wrapped) else {
                continue;
            };
            let bytes = match wrapped {
                WrappedKey::Password { wrapped, .. } | WrappedKey::Recovery { wrapped, .. } => {
                    wrapped
                }
            };
            if let Ok(opened) = key.open(bytes, wrapped.context()) {
                return Key::from_slice(&opened)
                    .ok_or(BackupError::Damaged("its data key is not 32 bytes"));
            }
        }
        Err(BackupError::WrongPassword)
    }

    /// The data key wrapped for each way of opening: the password's first.
    pub(super) fn wrap(&self, data_key: &Key) -> Result<Vec<WrappedKey>, BackupError> {
        let wrap = |key: &Key, context: &[u8]| -> Result<[u8; WRAPPED_LEN], BackupError> {
            key.seal(data_key.as_bytes(), context)?
                .try_into()
                .map_err(|_| BackupError::NoRandomness)
        };
        let mut keys = Vec::new();
        if let Some((params, key)) = &self.password {
            keys.push(WrappedKey::Password {
                params: params.clone(),
                wrapped: wrap(key, PASSWORD_CONTEXT)?,
            });
        }
        if let Some((salt, key)) = &self.recovery {
            keys.push(WrappedKey::Recovery {
                salt: *salt,
                wrapped: wrap(key, RECOVERY_CONTEXT)?,
            });
        }
        if keys.is_empty() {
            return Err(BackupError::Unprotected);
        }
        Ok(keys)
    }
}

impl fmt::Debug for Protection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protection")
            .field(
                "password",
                &self.password.as_ref().map(|(params, _)| params),
            )
            .field("recovery_code", &self.recovery.is_some())
            .finish()
    }
}

/// The data key, from one text the user typed: the recovery code if the text is one and the file
/// has a recovery key (cheap), else the password (one Argon2id derivation).
pub(super) fn unwrap(keys: &[WrappedKey], typed: &str) -> Result<Key, BackupError> {
    let code = RecoveryCode::parse(typed).ok();
    let mut order: Vec<&WrappedKey> = keys.iter().collect();
    order.sort_by_key(|key| matches!(key, WrappedKey::Password { .. }));
    for key in order {
        let (wrapping, wrapped) = match (key, &code) {
            (WrappedKey::Recovery { salt, wrapped }, Some(code)) => {
                (recovery::derive(code, salt), wrapped)
            }
            (WrappedKey::Recovery { .. }, None) => continue,
            (WrappedKey::Password { params, wrapped }, _) => (
                // The bounds were checked when the header was read.
                password::derive(typed, params).map_err(|_| {
                    BackupError::Damaged("its password's key derivation parameters are unusable")
                })?,
                wrapped,
            ),
        };
        if let Ok(opened) = wrapping.open(wrapped, key.context()) {
            return Key::from_slice(&opened)
                .ok_or(BackupError::Damaged("its data key is not 32 bytes"));
        }
    }
    Err(BackupError::WrongPassword)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn either_the_password_or_the_code_unwraps_the_same_key() {
        let code = RecoveryCode::generate().unwrap();
        let protection =
            Protection::password("correct horse", PasswordParams::new(8, 1, 1).unwrap())
                .and_then(|protection| protection.with_recovery_code(&code))
                .unwrap();
        let data_key = Key::random().unwrap();
        let keys = protection.wrap(&data_key).unwrap();
        for typed in ["correct horse", code.display().as_str()] {
            assert_eq!(
                unwrap(&keys, typed).unwrap().as_bytes(),
                data_key.as_bytes()
            );
        }
        assert_eq!(
            unwrap(&keys, "correct horsf").unwrap_err(),
            BackupError::WrongPassword
        );
        let other = RecoveryCode::generate().unwrap();
        assert_eq!(
            unwrap(&keys, &other.display()).unwrap_err(),
            BackupError::WrongPassword
        );
    }

    #[test]
    fn parameters_a_reader_refuses_are_refused_when_writing() {
        let huge = PasswordParams::new(1024 * 1024, 1, 1).unwrap();
        assert_eq!(
            Protection::password("x", huge).unwrap_err(),
            BackupError::Parameters
        );
    }

    #[test]
    fn nothing_to_open_with_is_refused_and_debug_shows_no_key() {
        let none = Protection::none();
        assert_eq!(
            none.wrap(&Key::random().unwrap()).unwrap_err(),
            BackupError::Unprotected
        );
        let code = RecoveryCode::generate().unwrap();
        let shown = format!("{:?}", Protection::recovery_code(&code).unwrap());
        assert_eq!(shown, "Protection { password: None, recovery_code: true }");
    }
}
