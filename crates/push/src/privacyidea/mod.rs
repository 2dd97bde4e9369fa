//! privacyIDEA's push tokens, as a phone speaks them: the `otpauth://pipush` enrollment link, the
//! phone's RSA key and the server's pinned one, the `|`-joined strings both sign, polling for
//! challenges and answering them. A token is one more [`ApprovalSource`](crate::ApprovalSource)
//! of the inbox ([`PrivacyIdeaToken`]), so the app and the command line show and answer its
//! challenges as they do a Tessera server's sign-ins.
//!
//! The protocol is privacyIDEA's (its `pushtoken` module, as release 3.14 speaks it); what Tessera
//! does beyond it is in `docs/privacyidea.md`: a wrong presence answer
//! ends the challenge instead of leaving it open for another guess, and a challenge is answered
//! only after its signature was checked against the key pinned at enrollment.

mod challenge;
mod keys;
mod link;
mod requests;
mod signed;
mod source;
mod token;

pub use challenge::Challenge;
pub use keys::{PhoneKey, ServerKey};
pub use link::{PushLink, PushLinkError};
pub use requests::enroll;
pub(crate) use source::Remembered;
pub use source::{POLL_INTERVAL, PrivacyIdeaToken};
pub use token::PushToken;
