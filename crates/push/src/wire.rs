//! The JSON bodies of the device API, as both sides write them. Paths are under `/v1/device/`.

use serde::{Deserialize, Serialize};

use crate::PublicKey;

/// Every device request's body: one signed message.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signed {
    /// The compact JWS.
    pub message: String,
}

/// The answer to `POST /v1/device/enroll`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Enrolled {
    /// The server's public key: its thumbprint must equal the link's `fp`.
    pub server_key: PublicKey,
    /// A [`crate::message::MessageType::Enrolled`] message signed with that key.
    pub enrolled: String,
}

/// The answer to `POST /v1/device/approvals`: the approvals waiting, each a signed
/// [`crate::message::MessageType::Approval`] message.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Approvals {
    /// The signed approvals, oldest first.
    pub approvals: Vec<String>,
}

/// The answer to `POST /v1/device/approval`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OneApproval {
    /// The signed approval.
    pub approval: String,
}

/// Every error's body, from every endpoint of the server.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable code (`approval_closed`, `device_revoked`, `invalid_message`, …).
    pub error: String,
    /// What went wrong, in words for a person.
    pub message: String,
    /// With 429: seconds to wait before trying again (also in the `Retry-After` header).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// The data of an `approval` event on the device's event stream: only the id; the content is
/// fetched with a signed request.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ApprovalEvent {
    /// The approval's id.
    pub id: String,
}
