//! Computing codes: RFC 4226 dynamic truncation over `ring::hmac`, shared by HOTP, TOTP and Steam.
//!
//! One path serves every kind: a counter goes into the HMAC, the digest is truncated to a 31-bit
//! number, and the number is written either as decimal digits or in Steam's 26-character
//! alphabet. TOTP only chooses the counter (the number of periods since 1970).

use super::{Algorithm, Secret};

/// The fewest digits a code may have.
pub const MIN_DIGITS: u8 = 4;
/// The most digits a code may have. RFC 4226 stops at 9 in theory; 10 works because the
/// truncated value is 31 bits and services do hand out 10-digit codes.
pub const MAX_DIGITS: u8 = 10;
/// How many characters a Steam Guard code has.
pub const STEAM_LENGTH: usize = 5;
const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

/// A one-time code and when it can be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// What the user types: digits, or Steam's letters and digits.
    pub text: String,
    /// The counter the code was computed for (for TOTP, the number of periods since 1970).
    pub counter: u64,
    /// For time-based codes, the first second (Unix time) at which the code is valid.
    pub valid_from: Option<u64>,
    /// For time-based codes, the first second (Unix time) at which the code is no longer valid.
    pub valid_until: Option<u64>,
}

impl Code {
    /// Seconds from `now` until a time-based code expires; `None` for counter-based codes.
    pub fn seconds_left(&self, now: u64) -> Option<u64> {
        self.valid_until.map(|until| until.saturating_sub(now))
    }
}

/// The RFC 4226 value for `counter`: HMAC over the big-endian counter, dynamically truncated to
/// 31 bits.
pub fn truncated_value(secret: &Secret, algorithm: Algorithm, counter: u64) -> u32 {
    let key = ring::hmac::Key::new(algorithm.hmac(), secret.as_bytes());
    let tag = ring::hmac::sign(&key, &counter.to_be_bytes());
    let digest = tag.as_ref();
    // The digest is at least 20 bytes, so the offset (at most 15) plus 4 stays inside it.
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let word = [
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ];
    u32::from_be_bytes(word) & 0x7fff_ffff
}

/// Writes a truncated value as a decimal code of `digits` digits (clamped to 4..=10), with
/// leading zeros.
pub fn decimal(value: u32, digits: u8) -> String {
    let digits = digits.clamp(MIN_DIGITS, MAX_DIGITS);
    let modulus = 10u64.pow(u32::from(digits));
    format!(
        "{:0width$}",
        u64::from(value) % modulus,
        width = usize::from(digits)
    )
}

/// Writes a truncated value as a Steam Guard code: five characters, least significant first.
pub fn steam(value: u32) -> String {
    let mut rest = value as usize;
    let mut text = String::with_capacity(STEAM_LENGTH);
    for _ in 0..STEAM_LENGTH {
        text.push(STEAM_ALPHABET[rest % STEAM_ALPHABET.len()] as char);
        rest /= STEAM_ALPHABET.len();
    }
    text
}

/// The TOTP counter for a moment: whole periods since the Unix epoch.
pub fn time_step(unix_seconds: u64, period: u32) -> u64 {
    unix_seconds / u64::from(period.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret(length: usize) -> Secret {
        let seed = b"1234567890";
        Secret::from_bytes(seed.iter().cycle().take(length).copied().collect()).unwrap()
    }

    #[test]
    fn rfc4226_appendix_d_vectors() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        let secret = rfc_secret(20);
        for (counter, code) in expected.iter().enumerate() {
            let value = truncated_value(&secret, Algorithm::Sha1, counter as u64);
            assert_eq!(decimal(value, 6), *code, "counter {counter}");
        }
    }

    #[test]
    fn rfc4226_intermediate_truncated_values() {
        let expected = [
            1284755224u32,
            1094287082,
            137359152,
            1726969429,
            1640338314,
            868254676,
            1918287922,
            82162583,
            673399871,
            645520489,
        ];
        let secret = rfc_secret(20);
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(
                truncated_value(&secret, Algorithm::Sha1, counter as u64),
                *value
            );
        }
    }

    #[test]
    fn rfc6238_appendix_b_vectors() {
        // Each algorithm has its own seed length in the RFC: 20, 32 and 64 bytes.
        let table: [(u64, &str, &str, &str); 6] = [
            (59, "94287082", "46119246", "90693936"),
            (1111111109, "07081804", "68084774", "25091201"),
            (1111111111, "14050471", "67062674", "99943326"),
            (1234567890, "89005924", "91819424", "93441116"),
            (2000000000, "69279037", "90698825", "38618901"),
            (20000000000, "65353130", "77737706", "47863826"),
        ];
        for (time, sha1, sha256, sha512) in table {
            let step = time_step(time, 30);
            for (algorithm, length, code) in [
                (Algorithm::Sha1, 20, sha1),
                (Algorithm::Sha256, 32, sha256),
                (Algorithm::Sha512, 64, sha512),
            ] {
                let value = truncated_value(&rfc_secret(length), algorithm, step);
                assert_eq!(decimal(value, 8), code, "{algorithm} at {time}");
            }
        }
    }

    #[test]
    fn short_codes_keep_their_leading_zeros() {
        assert_eq!(decimal(7, 6), "000007");
        assert_eq!(decimal(2_147_483_647, 10), "2147483647");
        assert_eq!(decimal(2_147_483_647, 4), "3647");
    }

    #[test]
    fn steam_codes_use_only_steams_alphabet() {
        for value in [0u32, 1, 25, 26, 2_147_483_647] {
            let code = steam(value);
            assert_eq!(code.len(), STEAM_LENGTH);
            assert!(code.bytes().all(|c| STEAM_ALPHABET.contains(&c)), "{code}");
        }
        assert_eq!(steam(0), "22222");
        assert_eq!(steam(1), "32222");
        assert_eq!(steam(26), "23222");
    }

    #[test]
    fn a_zero_period_cannot_divide_by_zero() {
        assert_eq!(time_step(59, 0), 59);
    }
}
