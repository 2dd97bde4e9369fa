//! The sending side of moving to another device: the QR codes being shown, kept in Rust while the
//! move screen is open and served as pictures through the `qr` scheme (`account_qr.rs`), so that
//! no part's link ever passes through a command's response or can be read back by a script.
//!
//! Two kinds are shown: a Tessera move (an encrypted backup in numbered parts, opened by the
//! one-time code beside them: `tessera_core::transfer`) and, for other apps, Google
//! Authenticator's export codes (unencrypted). Each is made once when asked for, so that its
//! parts stay the same while the user pages through them, and dropped when the screen closes or
//! the vault locks.

use tessera_core::transfer::Transfer;

/// Pixels a module: a move's codes are dense (version 24), so the picture is drawn large and
/// the page scales it down to the screen.
const SCALE: usize = 8;

/// The codes on show, if any.
#[derive(Default)]
pub struct Outgoing {
    /// A Tessera move: its parts and its code.
    pub transfer: Option<Transfer>,
    /// Google Authenticator export codes, under a number of their own.
    pub google: Option<GoogleCodes>,
}

/// Google Authenticator export links being shown.
pub struct GoogleCodes {
    /// Tells this set's pictures from an earlier one's.
    pub id: String,
    /// One link per QR code, in order.
    pub links: Vec<String>,
}

/// What a `qr` address names, after the host: `move/<id>/<part>` or `google/<id>/<part>`
/// (parts counted from 1).
pub enum Page<'a> {
    /// A part of the Tessera move with this id.
    Move(&'a str, usize),
    /// A Google export code of the set with this id.
    Google(&'a str, usize),
}

impl<'a> Page<'a> {
    /// Reads the path of a `qr` address; `None` when it names no page of either kind.
    pub fn parse(path: &'a str) -> Option<Page<'a>> {
        let mut segments = path.trim_matches('/').split('/');
        let (kind, id, part) = (segments.next()?, segments.next()?, segments.next()?);
        if segments.next().is_some() {
            return None;
        }
        let part: usize = part.parse().ok().filter(|part| *part >= 1)?;
        match kind {
            "move" => Some(Page::Move(id, part)),
            "google" => Some(Page::Google(id, part)),
            _ => None,
        }
    }
}

impl Outgoing {
    /// The picture of a page being shown, as a PNG; `None` when that page is not on show (another
    /// move's, or after the screen closed).
    pub fn picture(&self, page: &Page<'_>) -> Option<Vec<u8>> {
        let link = match page {
            Page::Move(id, part) => {
                let transfer = self.transfer.as_ref().filter(|shown| shown.id == *id)?;
                transfer.links.get(part - 1)?
            }
            Page::Google(id, part) => {
                let codes = self.google.as_ref().filter(|shown| shown.id == *id)?;
                codes.links.get(part - 1)?
            }
        };
        let code = tessera_core::qr::encode(link.as_bytes()).ok()?;
        Some(code.to_png(SCALE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_pages_on_show_are_drawn() {
        let outgoing = Outgoing {
            transfer: None,
            google: Some(GoogleCodes {
                id: "7".into(),
                links: vec!["otpauth-migration://offline?data=CgA".into()],
            }),
        };
        let drawn = outgoing
            .picture(&Page::parse("/google/7/1").unwrap())
            .unwrap();
        assert!(drawn.starts_with(b"\x89PNG"));
        for path in ["/google/8/1", "/google/7/2", "/move/7/1"] {
            assert!(
                outgoing.picture(&Page::parse(path).unwrap()).is_none(),
                "{path}"
            );
        }
        for path in [
            "/google/7/0",
            "/google/7",
            "/google/7/1/2",
            "/other/7/1",
            "/12",
        ] {
            assert!(Page::parse(path).is_none(), "{path}");
        }
    }
}
