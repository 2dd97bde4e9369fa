//! The password slot's key derivation (Argon2id, version 0x13, 32-byte output) against answers
//! computed by another implementation, so that a change of crate, version or parameter order
//! that would lock users out of their vaults fails here first.
//!
//! The expected keys were computed with the reference C implementation of Argon2, through
//! Python's argon2-cffi 25.1.0 (argon2-cffi-bindings 26.2.0), from PyPI:
//!
//! ```python
//! from argon2.low_level import hash_secret_raw, Type
//! hash_secret_raw(password.encode("utf-8"), salt, time_cost=iterations,
//!                 memory_cost=memory_kib, parallelism=parallelism, hash_len=32,
//!                 type=Type.ID, version=19).hex()
//! ```

use tessera_core::vault::slots::password::{PasswordParams, derive};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn derived(
    password: &str,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
    salt: [u8; 16],
) -> String {
    let params = PasswordParams {
        memory_kib,
        iterations,
        parallelism,
        salt,
    };
    hex(derive(password, &params).unwrap().as_bytes())
}

#[test]
fn an_ascii_password_over_two_lanes_derives_the_reference_key() {
    assert_eq!(
        derived(
            "correct horse battery staple",
            256,
            3,
            2,
            *b"tessera-salt-016"
        ),
        "8d4a3b04cfb8c652afc371b80ca0d7c14449577b575555cdef0b60ba1068243b"
    );
}

#[test]
fn a_non_ascii_password_is_derived_from_its_utf8_bytes() {
    let salt: [u8; 16] = std::array::from_fn(|index| index as u8);
    assert_eq!(
        derived("Pässwörd ✓", 64, 2, 1, salt),
        "7302e449731a5921742d2d6c04bb162e0f96a67de785a90992cc74f59a4db33f"
    );
}

#[test]
fn each_parameter_changes_the_key() {
    let salt = *b"tessera-salt-016";
    let reference = derived("correct horse battery staple", 256, 3, 2, salt);
    let mut other_salt = salt;
    other_salt[15] ^= 1;
    for other in [
        derived("correct horse battery staplf", 256, 3, 2, salt),
        derived("correct horse battery staple", 264, 3, 2, salt),
        derived("correct horse battery staple", 256, 4, 2, salt),
        derived("correct horse battery staple", 256, 3, 1, salt),
        derived("correct horse battery staple", 256, 3, 2, other_salt),
    ] {
        assert_ne!(other, reference);
    }
}
