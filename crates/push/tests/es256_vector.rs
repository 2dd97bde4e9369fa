//! ES256 checked against the published example of RFC 7515, appendix A.3: a signature made by
//! someone else's implementation must verify with ours, and nothing near it may.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tessera_push::PublicKey;

/// The JWS Signing Input of A.3.1: `{"alg":"ES256"}` and the JWT claims of A.1, each base64url.
const SIGNING_INPUT: &str = concat!(
    "eyJhbGciOiJFUzI1NiJ9",
    ".",
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
);

/// The JWS Signature of A.3.1 (`R || S`, base64url).
const SIGNATURE: &str =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

/// The public half of the example's key (A.3.1), as a JWK.
fn rfc_7515_key() -> PublicKey {
    PublicKey {
        kty: "EC".into(),
        crv: "P-256".into(),
        x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU".into(),
        y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0".into(),
    }
}

fn signature() -> Vec<u8> {
    URL_SAFE_NO_PAD.decode(SIGNATURE).unwrap()
}

#[test]
fn the_rfc_7515_es256_example_verifies() {
    let key = rfc_7515_key();
    assert_eq!(key.check(), Ok(()));
    assert_eq!(signature().len(), 64);
    assert!(key.verifies(SIGNING_INPUT.as_bytes(), &signature()));
}

#[test]
fn the_rfc_7515_signature_fails_on_any_other_input() {
    let key = rfc_7515_key();
    // One character of the claims changed.
    let changed = SIGNING_INPUT.replacen("eyJpc3Mi", "eyJpc3Ni", 1);
    assert!(!key.verifies(changed.as_bytes(), &signature()));
    // One bit of S flipped.
    let mut flipped = signature();
    flipped[63] ^= 1;
    assert!(!key.verifies(SIGNING_INPUT.as_bytes(), &flipped));
    // R and S swapped.
    let swapped = [&signature()[32..], &signature()[..32]].concat();
    assert!(!key.verifies(SIGNING_INPUT.as_bytes(), &swapped));
}

#[test]
fn the_rfc_7515_signature_fails_with_another_key() {
    // The example's point with x and y swapped is not on the curve; a fresh key is.
    let mut swapped = rfc_7515_key();
    std::mem::swap(&mut swapped.x, &mut swapped.y);
    assert!(!swapped.verifies(SIGNING_INPUT.as_bytes(), &signature()));
    let other = tessera_push::SigningKey::generate().unwrap();
    assert!(
        !other
            .public_key()
            .verifies(SIGNING_INPUT.as_bytes(), &signature())
    );
}
