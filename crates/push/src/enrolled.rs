//! One server the vault is enrolled with, of either kind: a Tessera approval server or a
//! privacyIDEA push token. The vault keeps each as sealed bytes; this reads them back and makes
//! the inbox's source of them.

use zeroize::Zeroizing;

use crate::inbox::ApprovalSource;
use crate::privacyidea::{PrivacyIdeaToken, PushToken};
use crate::{Client, Enrollment, ProtocolError, TesseraServer};

/// An enrollment, as the vault keeps it.
#[derive(Debug)]
pub enum Enrolled {
    /// With a Tessera approval server.
    Tessera(Enrollment),
    /// A privacyIDEA push token.
    PrivacyIdea(PushToken),
}

impl Enrolled {
    /// Reads bytes written by [`Enrolled::to_bytes`] (or by either kind's own `to_bytes`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Enrolled, ProtocolError> {
        if PushToken::is_stored_token(bytes) {
            PushToken::from_bytes(bytes).map(Enrolled::PrivacyIdea)
        } else {
            Enrollment::from_bytes(bytes).map(Enrolled::Tessera)
        }
    }

    /// The bytes to seal in the vault.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        match self {
            Enrolled::Tessera(enrollment) => enrollment.to_bytes(),
            Enrolled::PrivacyIdea(token) => token.to_bytes(),
        }
    }

    /// The inbox's source for it, reached with `client`.
    pub fn into_source(self, client: &Client) -> Box<dyn ApprovalSource> {
        match self {
            Enrolled::Tessera(enrollment) => {
                Box::new(TesseraServer::new(enrollment, client.clone()))
            }
            Enrolled::PrivacyIdea(token) => Box::new(PrivacyIdeaToken::new(token, client.clone())),
        }
    }

    /// Whether `other` is the same account at the same server (enrolling it twice helps no one).
    pub fn same_as(&self, other: &Enrolled) -> bool {
        match (self, other) {
            (Enrolled::Tessera(one), Enrolled::Tessera(other)) => {
                one.server == other.server
                    && one.relying_party == other.relying_party
                    && one.account == other.account
            }
            (Enrolled::PrivacyIdea(one), Enrolled::PrivacyIdea(other)) => {
                one.url == other.url && one.serial == other.serial
            }
            _ => false,
        }
    }
}
