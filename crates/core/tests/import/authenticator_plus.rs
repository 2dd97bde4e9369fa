//! Authenticator Plus's "Export accounts" zip, written as zip tools write one with a password:
//! `Accounts.txt` (one otpauth link a line) deflated, then sealed with traditional PKWARE
//! encryption (a 12-byte header whose last byte checks the password), a data descriptor after it,
//! the central directory and the end record.

use tessera_core::import::formats::authenticator_plus::AuthenticatorPlus;
use tessera_core::import::{Format, ImportError};
use tessera_core::link::write_otpauth;

use crate::expected::{self, Carries};

const PASSWORD: &str = "correct horse ßtaple";
const NAME: &[u8] = b"Accounts.txt";
/// 11:40:26 on 21 December 2020, in DOS form.
const TIME: u16 = (11 << 11) | (40 << 5) | 13;
const DATE: u16 = (40 << 9) | (12 << 5) | 21;

fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    for (n, entry) in table.iter_mut().enumerate() {
        let mut c = n as u32;
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xedb88320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *entry = c;
    }
    table
}

fn crc_byte(table: &[u32; 256], crc: u32, byte: u8) -> u32 {
    table[((crc ^ byte as u32) & 0xff) as usize] ^ (crc >> 8)
}

fn crc32(data: &[u8]) -> u32 {
    let table = crc_table();
    !data
        .iter()
        .fold(!0, |crc, &byte| crc_byte(&table, crc, byte))
}

/// Traditional PKWARE encryption of `plain` with `password`.
fn encrypt(password: &[u8], plain: &[u8]) -> Vec<u8> {
    let table = crc_table();
    let mut keys = [0x12345678u32, 0x23456789, 0x34567890];
    let update = |keys: &mut [u32; 3], byte: u8| {
        keys[0] = crc_byte(&table, keys[0], byte);
        keys[1] = keys[1]
            .wrapping_add(keys[0] & 0xff)
            .wrapping_mul(134775813)
            .wrapping_add(1);
        keys[2] = crc_byte(&table, keys[2], (keys[1] >> 24) as u8);
    };
    for &byte in password {
        update(&mut keys, byte);
    }
    plain
        .iter()
        .map(|&byte| {
            let temp = (keys[2] | 2) as u16;
            let stream = (temp.wrapping_mul(temp ^ 1) >> 8) as u8;
            update(&mut keys, byte);
            byte ^ stream
        })
        .collect()
}

fn zip(text: &str, password: Option<&str>) -> Vec<u8> {
    let packed = miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 6);
    let crc = crc32(text.as_bytes());
    let (flags, data) = match password {
        Some(password) => {
            // Eleven bytes of noise, then the check byte: the time's high byte, since the sizes
            // and CRC follow the data.
            let mut header: Vec<u8> = (0u8..11).map(|n| n.wrapping_mul(73) ^ 0xa5).collect();
            header.push((TIME >> 8) as u8);
            header.extend_from_slice(&packed);
            (0x0009u16, encrypt(password.as_bytes(), &header))
        }
        None => (0x0008u16, packed),
    };
    let mut file = Vec::new();
    let le16 = |file: &mut Vec<u8>, n: u16| file.extend_from_slice(&n.to_le_bytes());
    let le32 = |file: &mut Vec<u8>, n: u32| file.extend_from_slice(&n.to_le_bytes());
    le32(&mut file, 0x04034b50);
    le16(&mut file, 20);
    le16(&mut file, flags);
    le16(&mut file, 8);
    le16(&mut file, TIME);
    le16(&mut file, DATE);
    le32(&mut file, 0);
    le32(&mut file, 0);
    le32(&mut file, 0);
    le16(&mut file, NAME.len() as u16);
    le16(&mut file, 0);
    file.extend_from_slice(NAME);
    file.extend_from_slice(&data);
    le32(&mut file, 0x08074b50);
    le32(&mut file, crc);
    le32(&mut file, data.len() as u32);
    le32(&mut file, text.len() as u32);
    let directory = file.len();
    le32(&mut file, 0x02014b50);
    le16(&mut file, 0x031e);
    le16(&mut file, 20);
    le16(&mut file, flags);
    le16(&mut file, 8);
    le16(&mut file, TIME);
    le16(&mut file, DATE);
    le32(&mut file, crc);
    le32(&mut file, data.len() as u32);
    le32(&mut file, text.len() as u32);
    le16(&mut file, NAME.len() as u16);
    le16(&mut file, 0);
    le16(&mut file, 0);
    le16(&mut file, 0);
    le16(&mut file, 1);
    le32(&mut file, 0o100644 << 16);
    le32(&mut file, 0);
    file.extend_from_slice(NAME);
    let size = file.len() - directory;
    le32(&mut file, 0x06054b50);
    le16(&mut file, 0);
    le16(&mut file, 0);
    le16(&mut file, 1);
    le16(&mut file, 1);
    le32(&mut file, size as u32);
    le32(&mut file, directory as u32);
    le16(&mut file, 0);
    file
}

fn accounts_txt() -> String {
    expected::all()
        .iter()
        .map(|account| format!("{}\n", write_otpauth(account)))
        .collect()
}

#[test]
fn the_exported_zip_yields_every_account() {
    let file = zip(&accounts_txt(), Some(PASSWORD));
    let all = expected::carried(Carries::ALL);
    expected::assert_reads(&AuthenticatorPlus, &file, Some(PASSWORD), &all);
    expected::assert_encrypted(&AuthenticatorPlus, &file, PASSWORD);
    expected::assert_truncation_refused(&AuthenticatorPlus, &file, Some(PASSWORD));
}

#[test]
fn a_zip_without_a_password_is_read_too() {
    let file = zip(&accounts_txt(), None);
    expected::assert_reads(
        &AuthenticatorPlus,
        &file,
        None,
        &expected::carried(Carries::ALL),
    );
    expected::assert_truncation_refused(&AuthenticatorPlus, &file, None);
}

#[test]
fn a_line_that_is_not_an_account_is_listed_and_the_rest_read() {
    let text = format!(
        "{}otpauth://yandex/x:y?secret=JBSWY3DPEHPK3PXP\n",
        accounts_txt()
    );
    let found = AuthenticatorPlus
        .read(&zip(&text, Some(PASSWORD)), Some(PASSWORD))
        .unwrap();
    assert_eq!(found.accounts.len(), expected::all().len());
    assert_eq!(found.unusable.len(), 1);
}

#[test]
fn a_zip_of_something_else_says_so() {
    let mut file = zip(&accounts_txt(), None);
    // Another file's name in both headers.
    let places: Vec<usize> = (0..file.len() - NAME.len())
        .filter(|&at| &file[at..at + NAME.len()] == NAME)
        .collect();
    assert_eq!(places.len(), 2);
    for at in places {
        file[at + NAME.len() - 1] = b'm';
    }
    match AuthenticatorPlus.read(&file, None).unwrap_err() {
        ImportError::Damaged { detail, .. } => assert!(detail.contains("Accounts.txt"), "{detail}"),
        other => panic!("{other}"),
    }
}
