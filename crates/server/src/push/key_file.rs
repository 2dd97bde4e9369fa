//! Reading the key files an operator gives at start-up, with errors that say what to fix and
//! never quote the file.

use std::io::Read;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use super::PushError;

/// Far above any key or service-account file, far below harm.
const MAX_LENGTH: u64 = 64 * 1024;

/// Reads `path`, given as `what` (e.g. "the APNs key (--apns-key)"), as text.
pub(super) fn read(path: &Path, what: &'static str) -> Result<Zeroizing<String>, PushError> {
    let bad = |reason: String| PushError::KeyFile {
        what,
        path: path.to_owned(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|err| bad(io_reason(&err)))?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_LENGTH + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| bad(io_reason(&err)))?;
    if bytes.len() as u64 > MAX_LENGTH {
        return Err(bad(format!(
            "it is larger than {} KiB, so it is not a key file",
            MAX_LENGTH / 1024
        )));
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(_) => Err(bad("it is not a text file".into())),
    }
}

fn io_reason(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "there is no such file".into(),
        std::io::ErrorKind::PermissionDenied => "the server may not read it".into(),
        _ => format!("it cannot be read ({err})"),
    }
}

/// The DER inside a `-----BEGIN PRIVATE KEY-----` (unencrypted PKCS#8) PEM block. The reason on
/// failure names the fix for the formats people most often have instead.
pub(super) fn pkcs8_from_pem(pem: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    const BEGIN: &str = "-----BEGIN ";
    const END: &str = "-----END PRIVATE KEY-----";
    let start = pem
        .find(BEGIN)
        .ok_or("it holds no PEM block (no \"-----BEGIN\" line)")?;
    let rest = &pem[start + BEGIN.len()..];
    let label_end = rest
        .find("-----")
        .ok_or("its \"-----BEGIN\" line is cut short")?;
    match &rest[..label_end] {
        "PRIVATE KEY" => {}
        "ENCRYPTED PRIVATE KEY" => {
            return Err("the key is encrypted: export it without a passphrase".into());
        }
        label @ ("RSA PRIVATE KEY" | "EC PRIVATE KEY") => {
            return Err(format!(
                "it holds an {label} in the older format: convert it to PKCS#8 with \
                 `openssl pkcs8 -topk8 -nocrypt`"
            ));
        }
        label if label.len() <= 40 && label.chars().all(|c| c == ' ' || c.is_ascii_uppercase()) => {
            return Err(format!("it holds a {label}, not a private key"));
        }
        _ => return Err("its \"-----BEGIN\" line is not one of a key".into()),
    }
    let body = &rest[label_end + "-----".len()..];
    let end = body
        .find(END)
        .ok_or("the key has no \"-----END PRIVATE KEY-----\" line")?;
    let base64: Zeroizing<Vec<u8>> = Zeroizing::new(
        body[..end]
            .bytes()
            .filter(|byte| !byte.is_ascii_whitespace())
            .collect(),
    );
    STANDARD
        .decode(base64.as_slice())
        .map(Zeroizing::new)
        .map_err(|_| "the key's base64 is damaged".into())
}

/// ring's reason for refusing a key, in words; `expected` names the key the service needs.
pub(super) fn rejected_key_reason(err: &ring::error::KeyRejected, expected: &str) -> String {
    match err.to_string().as_str() {
        "WrongAlgorithm" => format!("it is not {expected}"),
        "InvalidEncoding" => format!("it is not a well-formed PKCS#8 key ({expected} expected)"),
        "PublicKeyIsMissing" => {
            "the key lacks its public half: export it again with `openssl pkcs8 -topk8 -nocrypt`"
                .into()
        }
        "TooSmall" => format!("the key is too small ({expected} expected)"),
        other => format!("the key was refused ({other}; {expected} expected)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkcs1_rsa_key_gets_the_conversion_command() {
        let reason = pkcs8_from_pem(
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n",
        )
        .unwrap_err();
        assert!(reason.contains("openssl pkcs8 -topk8 -nocrypt"), "{reason}");
    }

    #[test]
    fn certificate_is_named_as_not_a_key() {
        let reason =
            pkcs8_from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                .unwrap_err();
        assert_eq!(reason, "it holds a CERTIFICATE, not a private key");
    }

    #[test]
    fn pkcs8_block_decodes_across_lines() {
        let der = pkcs8_from_pem(
            "junk\n-----BEGIN PRIVATE KEY-----\nAAEC\nAwQF\n-----END PRIVATE KEY-----",
        )
        .unwrap();
        assert_eq!(der.as_slice(), &[0, 1, 2, 3, 4, 5]);
    }
}
