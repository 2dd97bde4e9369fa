//! One QR code of a move: `tessera://move?v=1&id=…&part=…&of=…&data=…&sum=…`, written and read.
//!
//! The layout is `docs/backup-format.md` ("Moving to another device"). Reading is strict, since
//! only Tessera writes these: the six parameters in that order, each once, nothing else. A newer
//! version is said before anything else is read. The `sum` catches a code misread or a text cut
//! short at the moment it is scanned, so that the user can scan that one again; it is no
//! protection against someone who changes a part on purpose (the backup's own authentication is,
//! and the id, which is the hash of the whole backup, says so before the code is asked for).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::digest::{SHA256, digest};

use super::{ID_CHARS, MAX_PART_BYTES, MAX_PARTS, TransferError, VERSION};
use crate::vault::slots::recovery::ALPHABET;

/// How every part's link starts (compared without regard to case when reading).
pub const PREFIX: &str = "tessera://move?";
/// Bytes of SHA-256 kept as a part's `sum`.
const SUM_BYTES: usize = 6;

/// One part of a move, as read from its QR code.
#[derive(Clone, PartialEq, Eq)]
pub struct TransferPart {
    /// The move's id: 8 characters of Crockford's base32, the start of the backup's SHA-256.
    pub id: String,
    /// This part's place, from 1.
    pub index: u32,
    /// How many parts the move has.
    pub count: u32,
    /// This part's bytes of the backup.
    pub data: Vec<u8>,
}

impl std::fmt::Debug for TransferPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferPart")
            .field("id", &self.id)
            .field("index", &self.index)
            .field("count", &self.count)
            .field("bytes", &self.data.len())
            .finish()
    }
}

/// Whether a scanned or pasted text is a part of a move (a look at its start, nothing more).
pub fn is_transfer_link(text: &str) -> bool {
    text.trim()
        .as_bytes()
        .get(..PREFIX.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(PREFIX.as_bytes()))
}

impl TransferPart {
    /// The part's link, as its QR code holds it.
    pub fn to_link(&self) -> String {
        let query = format!(
            "v={VERSION}&id={}&part={}&of={}&data={}",
            self.id,
            self.index,
            self.count,
            URL_SAFE_NO_PAD.encode(&self.data)
        );
        let sum = URL_SAFE_NO_PAD.encode(sum(&query));
        format!("{PREFIX}{query}&sum={sum}")
    }

    /// Reads a part's link. A newer version is [`TransferError::NewerVersion`] whatever follows;
    /// anything else that is not exactly what [`TransferPart::to_link`] writes is damage.
    pub fn parse(text: &str) -> Result<TransferPart, TransferError> {
        let text = text.trim();
        if !is_transfer_link(text) {
            return Err(TransferError::Damaged(
                "it does not start with tessera://move?",
            ));
        }
        let query = &text[PREFIX.len()..];
        let mut fields = query.split('&');
        let version = fields
            .next()
            .and_then(|field| field.strip_prefix("v="))
            .ok_or(TransferError::Damaged("its version is missing"))?;
        match number(version) {
            Some(VERSION) => {}
            Some(newer) if newer > VERSION => return Err(TransferError::NewerVersion(newer)),
            _ => return Err(TransferError::Damaged("its version is not a version")),
        }
        let mut next = |name: &'static str, missing: &'static str| {
            fields
                .next()
                .and_then(|field| field.strip_prefix(name))
                .and_then(|field| field.strip_prefix('='))
                .ok_or(TransferError::Damaged(missing))
        };
        let id = next("id", "its id is missing")?;
        let index = next("part", "its place is missing")?;
        let count = next("of", "its number of codes is missing")?;
        let data = next("data", "its data is missing")?;
        let given_sum = next("sum", "its check sum is missing")?;
        if fields.next().is_some() {
            return Err(TransferError::Damaged(
                "it has more than a move's code holds",
            ));
        }

        if id.len() != ID_CHARS || !id.bytes().all(|byte| ALPHABET.contains(&byte)) {
            return Err(TransferError::Damaged("its id is not a move's id"));
        }
        let (index, count) = match (number(index), number(count)) {
            (Some(index), Some(count)) if (1..=count).contains(&index) && count <= MAX_PARTS => {
                (index, count)
            }
            _ => {
                return Err(TransferError::Damaged(
                    "its place among the codes cannot be",
                ));
            }
        };
        let signed = &query[..query.len() - given_sum.len() - "&sum=".len()];
        let given_sum = URL_SAFE_NO_PAD
            .decode(given_sum)
            .map_err(|_| TransferError::Damaged("its check sum is not base64url"))?;
        if given_sum != sum(signed) {
            return Err(TransferError::Damaged(
                "its check sum does not match: it was read or copied wrongly",
            ));
        }
        let data = URL_SAFE_NO_PAD
            .decode(data)
            .map_err(|_| TransferError::Damaged("its data is not base64url"))?;
        if data.is_empty() || data.len() > MAX_PART_BYTES {
            return Err(TransferError::Damaged(
                "its data is longer or shorter than a code's",
            ));
        }
        Ok(TransferPart {
            id: id.to_string(),
            index,
            count,
            data,
        })
    }
}

/// A decimal number as Tessera writes one: digits only, no leading zero, within `u32`.
fn number(text: &str) -> Option<u32> {
    let plain = !text.is_empty()
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    plain.then(|| text.parse().ok()).flatten()
}

/// The check sum of a link's query (from `v=`) up to, not including, `&sum=`.
fn sum(signed: &str) -> [u8; SUM_BYTES] {
    let hash = digest(&SHA256, signed.as_bytes());
    let mut sum = [0u8; SUM_BYTES];
    sum.copy_from_slice(&hash.as_ref()[..SUM_BYTES]);
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    fn part() -> TransferPart {
        TransferPart {
            id: "K7QM2X9T".into(),
            index: 3,
            count: 7,
            data: (0..=255).collect(),
        }
    }

    #[test]
    fn a_written_part_reads_back() {
        let link = part().to_link();
        assert!(link.starts_with("tessera://move?v=1&id=K7QM2X9T&part=3&of=7&data=AAECAw"));
        assert_eq!(TransferPart::parse(&link).unwrap(), part());
        assert_eq!(TransferPart::parse(&format!(" {link}\n")).unwrap(), part());
        let shouted = link.replacen("tessera://move", "TESSERA://MOVE", 1);
        assert_eq!(TransferPart::parse(&shouted).unwrap(), part());
    }

    #[test]
    fn a_newer_version_is_said_whatever_follows() {
        assert_eq!(
            TransferPart::parse("tessera://move?v=2&whatever"),
            Err(TransferError::NewerVersion(2))
        );
        assert!(matches!(
            TransferPart::parse("tessera://move?v=0&id=K7QM2X9T"),
            Err(TransferError::Damaged(_))
        ));
    }

    #[test]
    fn any_change_to_a_link_is_damage() {
        let link = part().to_link();
        let damaged =
            |text: &str| matches!(TransferPart::parse(text), Err(TransferError::Damaged(_)));
        // Every character changed in turn, except those that only change the scheme's case.
        for at in PREFIX.len()..link.len() {
            let mut bytes = link.clone().into_bytes();
            bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
            let changed = String::from_utf8(bytes).unwrap();
            assert!(damaged(&changed), "changed at {at}: {changed}");
        }
        for cut in PREFIX.len()..link.len() {
            assert!(damaged(&link[..cut]), "cut at {cut}");
        }
        assert!(damaged(&format!("{link}&more=1")));
        assert!(damaged(&link.replace("&part=3", "&part=03")));
    }

    #[test]
    fn places_outside_the_move_are_refused_even_with_a_right_sum() {
        for (index, count) in [(0, 7), (8, 7), (1, MAX_PARTS + 1)] {
            let link = TransferPart {
                index,
                count,
                ..part()
            }
            .to_link();
            assert_eq!(
                TransferPart::parse(&link),
                Err(TransferError::Damaged(
                    "its place among the codes cannot be"
                )),
                "{index} of {count}"
            );
        }
        let too_long = TransferPart {
            data: vec![1; MAX_PART_BYTES + 1],
            ..part()
        };
        assert!(TransferPart::parse(&too_long.to_link()).is_err());
        let bad_id = TransferPart {
            id: "k7qm2x9t".into(),
            ..part()
        };
        assert!(TransferPart::parse(&bad_id.to_link()).is_err());
    }

    #[test]
    fn debug_shows_no_data() {
        assert_eq!(
            format!("{:?}", part()),
            "TransferPart { id: \"K7QM2X9T\", index: 3, count: 7, bytes: 256 }"
        );
    }
}
