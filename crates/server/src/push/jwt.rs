//! Compact JWTs as FCM's token endpoint (RS256) and APNs (ES256) want them: the services check
//! them, we only make them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::PushError;

/// `header.claims.signature`, each base64url without padding; `sign` signs the first two joined.
pub(super) fn signed<H: Serialize, C: Serialize>(
    header: &H,
    claims: &C,
    sign: impl FnOnce(&[u8]) -> Result<Vec<u8>, ring::error::Unspecified>,
) -> Result<String, PushError> {
    let json = |value: Result<Vec<u8>, serde_json::Error>| {
        value.map_err(|_| PushError::Failed("could not write a push service token".into()))
    };
    let signing_input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(json(serde_json::to_vec(header))?),
        URL_SAFE_NO_PAD.encode(json(serde_json::to_vec(claims))?)
    );
    let signature = sign(signing_input.as_bytes())
        .map_err(|_| PushError::Failed("could not sign a push service token".into()))?;
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature)
    ))
}
