//! An approval as the device sees it: who is asking, from where, how the number is matched,
//! and the answers a user can give.

use serde::{Deserialize, Serialize};

/// Where a sign-in comes from, as the relying party describes it. Shown to the user as is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The site or service being signed in to (`Demo shop`).
    pub site: String,
    /// The application, if not a browser (`Mail for Windows`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application: Option<String>,
    /// The place derived from the sign-in's IP address (`Utrecht, Netherlands`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The IP address itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// The browser and system (`Firefox on Linux`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<String>,
    /// When the sign-in was attempted (Unix seconds); the server's time if the site gave none.
    #[serde(default)]
    pub time: i64,
}

/// How the user shows they can see the sign-in screen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberMode {
    /// The user types the number the sign-in screen shows (the default: nothing to guess).
    #[default]
    Typed,
    /// The user picks the number from three.
    Choose,
    /// The user picks, from the options, the one the sign-in page shows (privacyIDEA's
    /// `require_presence`: letters, two-digit numbers, or the administrator's own).
    Pick,
    /// There is no number to match: the user approves or declines (a privacyIDEA push token
    /// without `require_presence`).
    NoNumber,
}

/// An approval waiting for an answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    /// The server's id for it.
    pub id: String,
    /// The relying party's name (`Demo shop`).
    pub relying_party: String,
    /// The user's account at the relying party (`alice`).
    pub account: String,
    /// Where the sign-in comes from.
    pub context: Context,
    /// How the number is matched.
    pub mode: NumberMode,
    /// In [`NumberMode::Choose`], the three numbers to pick from (one is right).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub choices: Option<[u8; 3]>,
    /// In [`NumberMode::Pick`], the options to pick from, as the server wrote them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<String>,
    /// The server's own question, where it words one (`Login from 192.0.2.7?`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// When it was asked for (Unix seconds).
    pub created_at: i64,
    /// When it lapses (Unix seconds).
    pub expires_at: i64,
    /// The user gave the site no password ("sign in with Tessera"): the device must verify the
    /// user (unlock, biometrics) before approving, and the number is always typed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub passwordless: bool,
}

impl Approval {
    /// Which of the options ([`NumberMode::Pick`]) the user means by `given`: the same text
    /// (letters in either case), or the same number (`7` for `07`).
    pub fn option_index(&self, given: &str) -> Option<u8> {
        let given = given.trim();
        let number = |text: &str| text.parse::<u32>().ok();
        let position = self
            .options
            .iter()
            .position(|option| option.eq_ignore_ascii_case(given))
            .or_else(|| {
                let wanted = number(given)?;
                self.options
                    .iter()
                    .position(|option| number(option) == Some(wanted))
            })?;
        u8::try_from(position).ok()
    }
}

/// Why an approval was denied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// The user said no.
    Declined,
    /// The user did not start this sign-in: the server also mutes approvals for the account
    /// and tells the relying party.
    NotMe,
    /// The number did not match (decided by the server; a device cannot send it).
    WrongNumber,
}

/// The user's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Approve, with the number the user typed or picked.
    Approve {
        /// The number from the sign-in screen.
        number: u8,
    },
    /// Approve, with the number, the device having verified the user just now (an unlock or a
    /// biometric check): what a sign-in without a password needs.
    ApproveVerified {
        /// The number from the sign-in screen.
        number: u8,
    },
    /// Approve with the option the user picked ([`NumberMode::Pick`]).
    ApproveOption {
        /// Its place among the approval's options.
        index: u8,
    },
    /// Approve a sign-in that has no number to match ([`NumberMode::NoNumber`]).
    Confirm,
    /// Deny.
    Deny {
        /// Why.
        reason: DenyReason,
    },
}

/// How an approval ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Still waiting for an answer.
    Pending,
    /// Approved with the right number.
    Approved,
    /// Denied (see the reason).
    Denied,
    /// Nobody answered in time.
    Expired,
    /// A newer approval for the same account replaced it.
    Superseded,
}

impl Status {
    /// The name used in the protocol and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Denied => "denied",
            Status::Expired => "expired",
            Status::Superseded => "superseded",
        }
    }

    /// Reads a name written by [`Status::as_str`].
    pub fn parse(name: &str) -> Option<Status> {
        [
            Status::Pending,
            Status::Approved,
            Status::Denied,
            Status::Expired,
            Status::Superseded,
        ]
        .into_iter()
        .find(|status| status.as_str() == name)
    }
}

impl DenyReason {
    /// The name used in the protocol and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::Declined => "declined",
            DenyReason::NotMe => "not_me",
            DenyReason::WrongNumber => "wrong_number",
        }
    }

    /// Reads a name written by [`DenyReason::as_str`].
    pub fn parse(name: &str) -> Option<DenyReason> {
        [
            DenyReason::Declined,
            DenyReason::NotMe,
            DenyReason::WrongNumber,
        ]
        .into_iter()
        .find(|reason| reason.as_str() == name)
    }
}

/// What the server decided on an answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// `approved` or `denied`.
    pub status: Status,
    /// Why it was denied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DenyReason>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picking(options: &[&str]) -> Approval {
        Approval {
            id: "n".into(),
            relying_party: "privacyIDEA".into(),
            account: "PIPU0001".into(),
            context: Context::default(),
            mode: NumberMode::Pick,
            choices: None,
            options: options.iter().map(|option| option.to_string()).collect(),
            question: None,
            created_at: 0,
            expires_at: 0,
            passwordless: false,
        }
    }

    #[test]
    fn an_option_is_found_by_its_text_or_its_number() {
        let numbers = picking(&["07", "42", "90"]);
        assert_eq!(numbers.option_index("42"), Some(1));
        assert_eq!(numbers.option_index("7"), Some(0));
        assert_eq!(numbers.option_index(" 90 "), Some(2));
        assert_eq!(numbers.option_index("8"), None);
        let letters = picking(&["A", "B", "C"]);
        assert_eq!(letters.option_index("c"), Some(2));
        assert_eq!(letters.option_index("D"), None);
        assert_eq!(letters.option_index(""), None);
    }
}
