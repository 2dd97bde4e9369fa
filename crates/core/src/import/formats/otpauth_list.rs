//! A plain list of `otpauth://` links, one a line: what Ente Auth's plain export, andOTP's and
//! Aegis's "links" exports and many scripts write. Google export links in the list are read too.

use crate::import::{Format, Found, FoundAccount, ImportError, Unusable};
use crate::link::migration::ExportBatch;
use crate::link::{Scanned, read_scanned};

/// A text file of account links.
pub struct OtpauthList;

impl Format for OtpauthList {
    fn id(&self) -> &'static str {
        "otpauth"
    }

    fn app(&self) -> &'static str {
        "a list of otpauth links"
    }

    fn recognises(&self, file: &[u8]) -> bool {
        std::str::from_utf8(file).is_ok_and(|text| {
            text.lines()
                .map(str::trim)
                .find(|line| !line.is_empty())
                .is_some_and(|line| {
                    let line = line.to_ascii_lowercase();
                    line.starts_with("otpauth://") || line.starts_with("otpauth-migration://")
                })
        })
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        let text = std::str::from_utf8(file)
            .map_err(|_| ImportError::damaged(self.app(), "it is not text"))?;
        let mut found = Found::default();
        let mut parts = Vec::new();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match read_scanned(line) {
                Ok(Scanned::Account(parsed)) => found.accounts.push(FoundAccount {
                    account: parsed.account,
                    details: Default::default(),
                }),
                Ok(Scanned::Export(part)) => parts.push(part),
                Err(error) => found.unusable.push(Unusable {
                    label: format!("line {}", number + 1),
                    reason: error.into(),
                }),
            }
        }
        let batches = ExportBatch::gather(parts)
            .map_err(|error| ImportError::damaged(self.app(), error.to_string()))?;
        for batch in batches {
            if !batch.is_complete() {
                return Err(ImportError::damaged(
                    self.app(),
                    "a Google export in it is missing some of its parts",
                ));
            }
            for part in batch.parts() {
                found
                    .unusable
                    .extend(part.unusable.iter().map(|entry| Unusable {
                        label: entry.label.clone(),
                        reason: entry.reason.into(),
                    }));
            }
            found
                .accounts
                .extend(batch.accounts().map(|account| FoundAccount {
                    account: account.clone(),
                    details: Default::default(),
                }));
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::UnusableReason;

    #[test]
    fn links_a_line_each_are_read_and_a_bad_line_is_named() {
        let file = b"otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP\n\n\
                     otpauth://yandex/Y:bob?secret=JBSWY3DPEHPK3PXP\n\
                     otpauth://hotp/H:carol?secret=JBSWY3DPEHPK3PXP&counter=3\n";
        assert!(OtpauthList.recognises(file));
        let found = OtpauthList.read(file, None).unwrap();
        assert_eq!(found.accounts.len(), 2);
        assert_eq!(found.unusable.len(), 1);
        assert_eq!(found.unusable[0].label, "line 3");
        assert_eq!(
            found.unusable[0].reason,
            UnusableReason::Kind("yandex".into())
        );
    }

    #[test]
    fn a_file_that_does_not_start_with_a_link_is_not_a_list() {
        assert!(!OtpauthList.recognises(b"{\"otpauth://\": 1}"));
        assert!(!OtpauthList.recognises(b"\xff\xfe"));
    }
}
