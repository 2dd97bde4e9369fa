//! Authenticator Plus (Mufri): its "Export accounts" file, a password-protected zip holding
//! `Accounts.txt`, one `otpauth://` link a line.
//!
//! The app publishes no description; learned from beemdevelopment/Aegis (February 2026):
//! `importers/AuthenticatorPlusImporter.java` (zip4j opens the zip with the password and the
//! links are read as a plain list) and its test file `authenticator_plus.zip` (traditional
//! PKWARE encryption, deflated). The zip is read from its central directory, so a file cut short
//! is refused; the entry is decrypted (the 12-byte header's last byte checks the password), then
//! inflated and checked against its CRC-32 and size.
//!
//! Not read: zips sealed with AES (method 99), which the app has not been seen to write, and the
//! app's backup database (`authplus.db`, encrypted whole with SQLCipher, with no header to know it
//! by): export the accounts from the app instead.

use zeroize::Zeroizing;

use crate::import::{Format, Found, ImportError, MAX_FILE_BYTES};

use super::otpauth_list::OtpauthList;

const APP: &str = "Authenticator Plus";
const ENTRY: &str = "Accounts.txt";

const LOCAL: u32 = 0x0403_4b50;
const CENTRAL: u32 = 0x0201_4b50;
const END: u32 = 0x0605_4b50;

/// Authenticator Plus's exported zip.
pub struct AuthenticatorPlus;

impl Format for AuthenticatorPlus {
    fn id(&self) -> &'static str {
        "authenticator-plus"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        file.starts_with(&LOCAL.to_le_bytes())
            && file
                .windows(ENTRY.len())
                .any(|window| window == ENTRY.as_bytes())
    }

    fn read(&self, file: &[u8], password: Option<&str>) -> Result<Found, ImportError> {
        let entry = find_entry(file)?;
        let text = entry.contents(file, password)?;
        let text = std::str::from_utf8(&text)
            .map_err(|_| ImportError::damaged(APP, "its list of accounts is not text"))?;
        OtpauthList
            .read(text.as_bytes(), None)
            .map_err(|error| match error {
                ImportError::Damaged { detail, .. } => ImportError::damaged(APP, detail),
                other => other,
            })
    }
}

fn damaged(detail: &str) -> ImportError {
    ImportError::damaged(APP, detail)
}

fn u16_at(file: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(file.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(file: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(file.get(at..at + 4)?.try_into().ok()?))
}

/// `Accounts.txt` as the central directory describes it.
struct Entry {
    flags: u16,
    method: u16,
    time: u16,
    crc: u32,
    packed: usize,
    size: usize,
    local: usize,
}

/// Finds the end record (it must end the file, so a cut file is refused), then the entry in the
/// central directory.
fn find_entry(file: &[u8]) -> Result<Entry, ImportError> {
    let cut = || damaged("it is cut short or is not a whole zip");
    let lowest = file.len().saturating_sub(22 + usize::from(u16::MAX));
    let end = (lowest..=file.len().saturating_sub(22))
        .rev()
        .find(|&at| {
            u32_at(file, at) == Some(END)
                && u16_at(file, at + 20)
                    .is_some_and(|comment| at + 22 + usize::from(comment) == file.len())
        })
        .ok_or_else(cut)?;
    let count = u16_at(file, end + 10).ok_or_else(cut)?;
    let mut at = u32_at(file, end + 16).ok_or_else(cut)? as usize;
    for _ in 0..count {
        if u32_at(file, at) != Some(CENTRAL) {
            return Err(damaged("its list of files is damaged"));
        }
        let field = |offset| u16_at(file, at + offset).ok_or_else(cut);
        let name_len = usize::from(field(28)?);
        let skip = name_len + usize::from(field(30)?) + usize::from(field(32)?);
        let name = file.get(at + 46..at + 46 + name_len).ok_or_else(cut)?;
        if name.rsplit(|byte| *byte == b'/').next() == Some(ENTRY.as_bytes()) {
            return Ok(Entry {
                flags: field(8)?,
                method: field(10)?,
                time: field(12)?,
                crc: u32_at(file, at + 16).ok_or_else(cut)?,
                packed: u32_at(file, at + 20).ok_or_else(cut)? as usize,
                size: u32_at(file, at + 24).ok_or_else(cut)? as usize,
                local: u32_at(file, at + 42).ok_or_else(cut)? as usize,
            });
        }
        at += 46 + skip;
    }
    Err(damaged("it holds no Accounts.txt"))
}

impl Entry {
    /// The entry's contents: decrypted with the password when it is encrypted, inflated, checked.
    fn contents(
        &self,
        file: &[u8],
        password: Option<&str>,
    ) -> Result<Zeroizing<Vec<u8>>, ImportError> {
        if u32_at(file, self.local) != Some(LOCAL) {
            return Err(damaged("its list of files points at nothing"));
        }
        let name_len = usize::from(u16_at(file, self.local + 26).unwrap_or(0));
        let extra_len = usize::from(u16_at(file, self.local + 28).unwrap_or(0));
        let start = self.local + 30 + name_len + extra_len;
        let data = file
            .get(start..start.saturating_add(self.packed))
            .ok_or_else(|| damaged("it is cut short"))?;
        if self.method == 99 {
            return Err(ImportError::Unsupported {
                what: "Authenticator Plus exports sealed with AES",
                instead: "export the accounts again from Authenticator Plus, or export them from \
                          it as a list of otpauth links",
            });
        }
        if self.size > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge);
        }
        if self.flags & 1 == 0 {
            return self
                .unpack(data)
                .ok_or_else(|| damaged("its accounts do not match their checksum"));
        }
        let password = password.ok_or(ImportError::NeedsPassword { app: APP })?;
        // zip4j turns the password into UTF-8; older versions took each character's low byte.
        let utf8 = password.as_bytes().to_vec();
        let low: Vec<u8> = password.chars().map(|c| c as u32 as u8).collect();
        let mut tries = vec![utf8];
        if low != tries[0] {
            tries.push(low);
        }
        let check = if self.flags & 8 != 0 {
            (self.time >> 8) as u8
        } else {
            (self.crc >> 24) as u8
        };
        for password in tries {
            let plain = decrypt(&password, data);
            if plain.len() < 12 || plain[11] != check {
                continue;
            }
            if let Some(contents) = self.unpack(&plain[12..]) {
                return Ok(contents);
            }
        }
        // A damaged entry cannot be told from a wrong password; a wrong password is far likelier.
        Err(ImportError::WrongPassword)
    }

    /// Stored or deflated data, checked against the entry's size and CRC-32.
    fn unpack(&self, data: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        let contents = Zeroizing::new(match self.method {
            0 => data.to_vec(),
            8 => miniz_oxide::inflate::decompress_to_vec_with_limit(data, self.size).ok()?,
            _ => return None,
        });
        (contents.len() == self.size && crc32(&contents) == self.crc).then_some(contents)
    }
}

/// Traditional PKWARE decryption of `data` with `password`.
fn decrypt(password: &[u8], data: &[u8]) -> Zeroizing<Vec<u8>> {
    let mut keys = Keys::new(password);
    Zeroizing::new(
        data.iter()
            .map(|&byte| {
                let plain = byte ^ keys.stream_byte();
                keys.update(plain);
                plain
            })
            .collect(),
    )
}

struct Keys([u32; 3]);

impl Keys {
    fn new(password: &[u8]) -> Keys {
        let mut keys = Keys([0x1234_5678, 0x2345_6789, 0x3456_7890]);
        for &byte in password {
            keys.update(byte);
        }
        keys
    }

    fn update(&mut self, byte: u8) {
        let [a, b, c] = &mut self.0;
        *a = crc32_byte(*a, byte);
        *b = b
            .wrapping_add(*a & 0xff)
            .wrapping_mul(134_775_813)
            .wrapping_add(1);
        *c = crc32_byte(*c, (*b >> 24) as u8);
    }

    fn stream_byte(&self) -> u8 {
        let temp = (self.0[2] | 2) as u16;
        (temp.wrapping_mul(temp ^ 1) >> 8) as u8
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut n = 0;
    while n < 256 {
        let mut c = n as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[n] = c;
        n += 1;
    }
    table
};

fn crc32_byte(crc: u32, byte: u8) -> u32 {
    CRC_TABLE[((crc ^ u32::from(byte)) & 0xff) as usize] ^ (crc >> 8)
}

fn crc32(data: &[u8]) -> u32 {
    !data.iter().fold(!0u32, |crc, &byte| crc32_byte(crc, byte))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
