//! `password` slots: the slot key is derived from the password with Argon2id.
//!
//! The parameters (memory, passes, lanes, salt) are stored in the slot, so that they can be raised
//! later without breaking existing slots. New slots are calibrated to take about half a second on
//! the machine that creates them, with at most 64 MiB of memory.

use std::time::{Duration, Instant};

use argon2::{Algorithm, Argon2, Params, Version};
use ring::rand::{SecureRandom, SystemRandom};
use zeroize::Zeroizing;

use super::{Credential, Kind, MadeSlot, NewSlot, SlotKey, SlotKind};
use crate::vault::VaultError;
use crate::vault::seal::KEY_LEN;

/// The most memory a derivation may use: 64 MiB, which a mid-range phone can spare.
pub const MAX_MEMORY_KIB: u32 = 64 * 1024;
/// How long unlocking with a password should take.
pub const TARGET: Duration = Duration::from_millis(500);
const SALT_LEN: usize = 16;

/// Argon2id parameters and salt, as stored in a password slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
    /// A random salt, different for every slot.
    pub salt: [u8; SALT_LEN],
}

/// The parameters could not be read or used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadParams;

impl PasswordParams {
    /// Parameters with a fresh salt.
    pub fn new(
        memory_kib: u32,
        iterations: u32,
        parallelism: u32,
    ) -> Result<PasswordParams, BadParams> {
        let mut salt = [0u8; SALT_LEN];
        SystemRandom::new().fill(&mut salt).map_err(|_| BadParams)?;
        Ok(PasswordParams {
            memory_kib,
            iterations,
            parallelism,
            salt,
        })
    }

    /// Parameters that take about [`TARGET`] on this machine with [`MAX_MEMORY_KIB`] of memory.
    ///
    /// A first run warms up the allocator (the first use of 64 MiB costs page faults that later
    /// unlocks do not pay), a two-pass run gives a first guess, and a run at the guess corrects it.
    pub fn calibrate() -> Result<PasswordParams, BadParams> {
        let time = |passes: u32| -> Result<f64, BadParams> {
            let probe = PasswordParams::new(MAX_MEMORY_KIB, passes, 1)?;
            let started = Instant::now();
            derive("calibration", &probe)?;
            Ok(started.elapsed().as_secs_f64().max(0.000_1))
        };
        let target = TARGET.as_secs_f64();
        time(1)?;
        let guess = (2.0 * target / time(2)?).round().clamp(1.0, 64.0) as u32;
        let passes = (f64::from(guess) * target / time(guess)?)
            .round()
            .clamp(1.0, 64.0) as u32;
        PasswordParams::new(MAX_MEMORY_KIB, passes, 1)
    }

    /// The stored form: `argon2id;v=19;m=…;t=…;p=…;` followed by the salt.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = format!(
            "argon2id;v=19;m={};t={};p={};",
            self.memory_kib, self.iterations, self.parallelism
        )
        .into_bytes();
        bytes.extend_from_slice(&self.salt);
        bytes
    }

    /// Reads the stored form, refusing parameters that no Tessera writes: the text must be
    /// exactly what [`PasswordParams::to_bytes`] makes, with at most [`MAX_MEMORY_KIB`] of
    /// memory (and the 8 KiB Argon2 needs at least), 1 to 64 passes (the range [`PasswordParams::calibrate`] clamps to) and one lane.
    /// Unbounded parameters read from the file would let whoever can edit it make an unlock run
    /// for hours or exhaust the memory; the lower bounds stay low because a stronger slot needs
    /// no permission and tests make slots of a few KiB and one pass.
    pub fn from_bytes(bytes: &[u8]) -> Result<PasswordParams, BadParams> {
        use std::ops::RangeInclusive;
        const MAX_PASSES: u32 = 64;
        let split = bytes.len().checked_sub(SALT_LEN).ok_or(BadParams)?;
        let (text, salt) = bytes.split_at(split);
        let text = std::str::from_utf8(text).map_err(|_| BadParams)?;
        let fields: Vec<&str> = text
            .strip_prefix("argon2id;v=19;")
            .and_then(|fields| fields.strip_suffix(';'))
            .ok_or(BadParams)?
            .split(';')
            .collect();
        let [memory, passes, lanes] = fields[..] else {
            return Err(BadParams);
        };
        let number = |field: &str, prefix: &str, range: RangeInclusive<u32>| {
            let digits = field.strip_prefix(prefix).ok_or(BadParams)?;
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(BadParams);
            }
            let value: u32 = digits.parse().map_err(|_| BadParams)?;
            range.contains(&value).then_some(value).ok_or(BadParams)
        };
        Ok(PasswordParams {
            memory_kib: number(memory, "m=", 8..=MAX_MEMORY_KIB)?,
            iterations: number(passes, "t=", 1..=MAX_PASSES)?,
            parallelism: number(lanes, "p=", 1..=1)?,
            salt: salt.try_into().map_err(|_| BadParams)?,
        })
    }
}

/// Derives the slot key from a password.
pub fn derive(password: &str, params: &PasswordParams) -> Result<SlotKey, BadParams> {
    let argon_params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        Some(KEY_LEN),
    )
    .map_err(|_| BadParams)?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, argon_params)
        .hash_password_into(password.as_bytes(), &params.salt, key.as_mut())
        .map_err(|_| BadParams)?;
    SlotKey::from_slice(key.as_ref()).ok_or(BadParams)
}

pub(crate) struct PasswordKind;
pub(crate) static PASSWORD: PasswordKind = PasswordKind;

impl Kind for PasswordKind {
    fn name(&self) -> &'static str {
        "password"
    }

    fn words(&self) -> &'static str {
        "your password"
    }
}

/// Unlocking with a password.
pub struct Password<'a>(pub &'a str);

impl Credential for Password<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Password
    }

    fn slot_key(&self, params: &[u8]) -> Result<SlotKey, VaultError> {
        // Parameters no Tessera writes (an edit to make unlocking spin for hours) are damage.
        let params =
            PasswordParams::from_bytes(params).map_err(|_| VaultError::Damaged(String::new()))?;
        derive(self.0, &params).map_err(|_| self.refused())
    }

    fn refused(&self) -> VaultError {
        VaultError::WrongPassword
    }
}

/// A new password slot, its key derived with these parameters (see [`PasswordParams::calibrate`]).
pub struct NewPassword<'a>(pub &'a str, pub PasswordParams);

impl NewSlot for NewPassword<'_> {
    fn kind(&self) -> SlotKind {
        SlotKind::Password
    }

    fn make(&self, _entry: &str) -> Result<MadeSlot, VaultError> {
        let key = derive(self.0, &self.1)
            .map_err(|_| VaultError::Storage("bad Argon2 parameters".into()))?;
        Ok(MadeSlot {
            params: self.1.to_bytes(),
            key,
            recovery_code: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_read_back_from_their_stored_form() {
        let params = PasswordParams::new(8192, 3, 1).unwrap();
        assert_eq!(PasswordParams::from_bytes(&params.to_bytes()), Ok(params));
        assert_eq!(
            PasswordParams::from_bytes(b"argon2id;v=19;m=1;"),
            Err(BadParams)
        );
    }

    #[test]
    fn the_same_password_and_salt_give_the_same_key_and_others_do_not() {
        let params = PasswordParams::new(1024, 1, 1).unwrap();
        let key = derive("correct horse", &params).unwrap();
        assert_eq!(
            key.as_bytes(),
            derive("correct horse", &params).unwrap().as_bytes()
        );
        assert_ne!(
            key.as_bytes(),
            derive("correct horsf", &params).unwrap().as_bytes()
        );
        let other_salt = PasswordParams::new(1024, 1, 1).unwrap();
        assert_ne!(
            key.as_bytes(),
            derive("correct horse", &other_salt).unwrap().as_bytes()
        );
    }
}
