//! `otpauth://` links (the Key URI Format that Google Authenticator defined and every app reads).
//!
//! Reading is lenient exactly where real issuers are sloppy: scheme and type in any case; base32
//! in any case, padded or not, with spaces or dashes; the issuer in the label, the `issuer`
//! parameter, or both (both are kept, and a conflict is reported); `%20`, `+` or raw UTF-8 in the
//! label; whitespace around the link. Parameters Tessera does not read are kept in order.
//!
//! Writing is canonical: `otpauth://TYPE/ISSUER:NAME?secret=…&issuer=…&algorithm=…&digits=…&
//! period=…` (or `counter=…`), every component percent-encoded, then the kept parameters. Reading a
//! written link gives back the same [`Account`].

use super::{LinkError, Warning, percent, strip_scheme};
use crate::account::{Account, DEFAULT_DIGITS, DEFAULT_PERIOD, Kind};
use crate::otp::code::STEAM_LENGTH;
use crate::otp::{Algorithm, Secret};

/// The parameters Tessera reads itself; any other parameter is kept as an extra.
pub(crate) const RESERVED_PARAMETERS: [&str; 7] = [
    "secret",
    "issuer",
    "algorithm",
    "digits",
    "period",
    "counter",
    "encoder",
];

/// An account read from a link, with what the user should be told about the link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedLink {
    /// The account.
    pub account: Account,
    /// Things that were odd about the link but did not stop it being read.
    pub warnings: Vec<Warning>,
}

/// Whether the text is an `otpauth://` link of any type (including ones Tessera cannot use).
pub fn is_otpauth_link(text: &str) -> bool {
    strip_scheme(text.trim(), "otpauth").is_some()
}

/// Reads an `otpauth://` link into an account.
pub fn read_otpauth(link: &str) -> Result<ParsedLink, LinkError> {
    let link = link.trim();
    let rest = strip_scheme(link, "otpauth").ok_or_else(|| super::NotAnAccount::recognise(link))?;
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (otp_type, label) = before_query.split_once('/').unwrap_or((before_query, ""));

    let otp_type = otp_type.to_ascii_lowercase();
    match otp_type.as_str() {
        "totp" | "hotp" | "steam" => {}
        "pipush" => return Err(super::NotAnAccount::PrivacyIdeaPush.into()),
        _ => return Err(LinkError::UnknownType(otp_type)),
    }

    let (label_issuer, name) = read_label(label)?;
    let parameters = read_parameters(query)?;
    let mut warnings = parameters
        .repeated
        .iter()
        .cloned()
        .map(Warning::RepeatedParameter)
        .collect::<Vec<_>>();

    let secret_text = parameters.get("secret").ok_or(LinkError::MissingSecret)?;
    let secret = Secret::from_base32(secret_text)?;
    let algorithm = match parameters.get("algorithm") {
        Some(text) => text
            .parse::<Algorithm>()
            .map_err(|unknown| LinkError::Algorithm(unknown.0))?,
        None => Algorithm::Sha1,
    };
    let is_steam = otp_type == "steam"
        || (otp_type == "totp"
            && parameters
                .get("encoder")
                .is_some_and(|e| e.eq_ignore_ascii_case("steam")));
    let digits = match parameters.get("digits") {
        _ if is_steam => STEAM_LENGTH as u8,
        Some(text) => read_digits(text)?,
        None => DEFAULT_DIGITS,
    };
    let period = match parameters.get("period") {
        Some(text) => read_period(text)?,
        None => DEFAULT_PERIOD,
    };
    let kind = if is_steam {
        Kind::Steam { period }
    } else if otp_type == "hotp" {
        let counter = match parameters.get("counter") {
            Some(text) => text
                .trim()
                .parse::<u64>()
                .map_err(|_| LinkError::Counter(text.to_string()))?,
            None => {
                warnings.push(Warning::MissingCounter);
                0
            }
        };
        Kind::Hotp { counter }
    } else {
        Kind::Totp { period }
    };

    let issuer = parameters
        .get("issuer")
        .map(str::trim)
        .filter(|issuer| !issuer.is_empty())
        .map(str::to_string);
    let account = Account {
        issuer,
        label_issuer,
        name,
        secret,
        algorithm,
        digits,
        kind,
        extra_parameters: parameters.extra,
    };
    if let Some((label, parameter)) = account.issuer_conflict() {
        warnings.push(Warning::IssuerConflict {
            label: label.to_string(),
            parameter: parameter.to_string(),
        });
    }
    Ok(ParsedLink { account, warnings })
}

/// Writes an account as a canonical `otpauth://` link. Steam accounts are written with the
/// `steam` type, as Aegis writes them.
pub fn write_otpauth(account: &Account) -> String {
    let mut link = format!("otpauth://{}/", account.kind.name());
    match &account.label_issuer {
        Some(issuer) => {
            link.push_str(&percent::encode(issuer));
            link.push(':');
        }
        // A name with a colon in it needs an empty issuer before it, or its first part would
        // read back as the issuer.
        None if account.name.contains(':') => link.push(':'),
        None => {}
    }
    link.push_str(&percent::encode(&account.name));
    link.push_str("?secret=");
    link.push_str(&account.secret.to_base32());
    if let Some(issuer) = &account.issuer {
        link.push_str("&issuer=");
        link.push_str(&percent::encode(issuer));
    }
    link.push_str("&algorithm=");
    link.push_str(account.algorithm.name());
    link.push_str(&format!("&digits={}", account.digits));
    match account.kind {
        Kind::Totp { period } | Kind::Steam { period } => {
            link.push_str(&format!("&period={period}"))
        }
        Kind::Hotp { counter } => link.push_str(&format!("&counter={counter}")),
    }
    for (key, value) in &account.extra_parameters {
        link.push('&');
        link.push_str(&percent::encode(key));
        link.push('=');
        link.push_str(&percent::encode(value));
    }
    link
}

/// Splits a label at its first colon (written or as `%3A`) into the issuer and the name.
fn read_label(label: &str) -> Result<(Option<String>, String), LinkError> {
    let colon = label.find(':').map(|at| (at, 1));
    let encoded_colon = label.to_ascii_lowercase().find("%3a").map(|at| (at, 3));
    let split = match (colon, encoded_colon) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    let decode = |part: &str| percent::decode(part).map_err(|_| LinkError::NotText("label"));
    match split {
        Some((at, width)) => {
            let issuer = decode(&label[..at])?.trim().to_string();
            let name = decode(&label[at + width..])?.trim().to_string();
            Ok(((!issuer.is_empty()).then_some(issuer), name))
        }
        None => Ok((None, decode(label)?.trim().to_string())),
    }
}

/// The query of a link: the parameters Tessera reads, and the others in order.
struct Parameters {
    known: Vec<(&'static str, String)>,
    extra: Vec<(String, String)>,
    repeated: Vec<String>,
}

impl Parameters {
    fn get(&self, key: &str) -> Option<&str> {
        self.known
            .iter()
            .find(|(known, _)| *known == key)
            .map(|(_, value)| value.as_str())
    }
}

fn read_parameters(query: &str) -> Result<Parameters, LinkError> {
    let mut parameters = Parameters {
        known: Vec::new(),
        extra: Vec::new(),
        repeated: Vec::new(),
    };
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent::decode(key).map_err(|_| LinkError::NotText("parameter names"))?;
        let value = percent::decode(value).map_err(|_| LinkError::NotText("parameters"))?;
        let reserved = RESERVED_PARAMETERS
            .iter()
            .find(|reserved| reserved.eq_ignore_ascii_case(key.trim()));
        match reserved {
            Some(reserved) if parameters.get(reserved).is_some() => {
                parameters.repeated.push(reserved.to_string())
            }
            Some(reserved) => parameters.known.push((reserved, value)),
            None => parameters.extra.push((key, value)),
        }
    }
    Ok(parameters)
}

fn read_digits(text: &str) -> Result<u8, LinkError> {
    text.trim()
        .parse::<u8>()
        .ok()
        .filter(|digits| {
            (crate::otp::code::MIN_DIGITS..=crate::otp::code::MAX_DIGITS).contains(digits)
        })
        .ok_or_else(|| LinkError::Digits(text.to_string()))
}

fn read_period(text: &str) -> Result<u32, LinkError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|period| *period > 0)
        .ok_or_else(|| LinkError::Period(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::NotAnAccount;

    fn read(link: &str) -> Account {
        read_otpauth(link)
            .unwrap_or_else(|error| panic!("{link}: {error}"))
            .account
    }

    #[test]
    fn googles_example_link() {
        let account =
            read("otpauth://totp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example");
        assert_eq!(account.issuer(), Some("Example"));
        assert_eq!(account.name, "alice@google.com");
        assert_eq!(account.secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        assert_eq!(account.kind, Kind::Totp { period: 30 });
        assert_eq!((account.algorithm, account.digits), (Algorithm::Sha1, 6));
    }

    #[test]
    fn scheme_and_type_in_any_case() {
        let account = read("OTPAUTH://TOTP/Example:alice?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(account.kind, Kind::Totp { period: 30 });
        assert_eq!(
            read("otpauth://HoTp/x?secret=JBSWY3DPEHPK3PXP&counter=7").kind,
            Kind::Hotp { counter: 7 }
        );
    }

    #[test]
    fn sloppy_secrets_are_read() {
        for secret in [
            "jbswy3dpehpk3pxp",
            "JBSWY3DPEHPK3PXP%3D%3D%3D%3D",
            "JBSW%20Y3DP%20EHPK%203PXP",
            "JBSW-Y3DP-EHPK-3PXP",
            "JBSWY3DPEHPK3PXP====",
        ] {
            let account = read(&format!("otpauth://totp/x?secret={secret}"));
            assert_eq!(
                account.secret.to_base32().as_str(),
                "JBSWY3DPEHPK3PXP",
                "{secret}"
            );
        }
    }

    #[test]
    fn the_issuer_may_be_in_the_label_only_or_the_parameter_only() {
        let label_only = read("otpauth://totp/ACME%20Co:john@example.com?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (label_only.issuer(), label_only.name.as_str()),
            (Some("ACME Co"), "john@example.com")
        );
        let parameter_only =
            read("otpauth://totp/john@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME+Co");
        assert_eq!(
            (
                parameter_only.issuer(),
                parameter_only.label_issuer.as_deref()
            ),
            (Some("ACME Co"), None)
        );
    }

    #[test]
    fn conflicting_issuers_are_both_kept_and_reported() {
        let parsed = read_otpauth(
            "otpauth://totp/Old%20Name:alice?secret=JBSWY3DPEHPK3PXP&issuer=New%20Name",
        )
        .unwrap();
        assert_eq!(parsed.account.label_issuer.as_deref(), Some("Old Name"));
        assert_eq!(parsed.account.issuer(), Some("New Name"));
        assert_eq!(
            parsed.warnings,
            vec![Warning::IssuerConflict {
                label: "Old Name".into(),
                parameter: "New Name".into()
            }]
        );
    }

    #[test]
    fn labels_with_encoded_colon_plus_and_raw_utf8() {
        let account = read("otpauth://totp/Caf%C3%A9%3AZo%C3%AB+Smit?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (account.issuer(), account.name.as_str()),
            (Some("Café"), "Zoë Smit")
        );
        let account = read("otpauth://totp/Café: Zoë Smit?secret=JBSWY3DPEHPK3PXP");
        assert_eq!(
            (account.issuer(), account.name.as_str()),
            (Some("Café"), "Zoë Smit")
        );
    }

    #[test]
    fn trailing_whitespace_is_ignored() {
        let account = read("  otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=Example \r\n");
        assert_eq!(account.issuer(), Some("Example"));
    }

    #[test]
    fn unknown_parameters_survive_a_round_trip() {
        let account = read(
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=https%3A%2F%2Fexample.com%2Fa.png&color=red",
        );
        assert_eq!(
            account.extra_parameters,
            vec![
                ("image".into(), "https://example.com/a.png".into()),
                ("color".into(), "red".into())
            ]
        );
        assert_eq!(read(&write_otpauth(&account)), account);
    }

    #[test]
    fn steam_is_read_from_its_type_or_its_encoder() {
        for link in [
            "otpauth://steam/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&digits=5",
            "otpauth://totp/Steam:gaben?secret=JBSWY3DPEHPK3PXP&issuer=Steam&encoder=steam",
        ] {
            let account = read(link);
            assert_eq!(account.kind, Kind::Steam { period: 30 }, "{link}");
            assert_eq!(account.digits, 5);
        }
    }

    #[test]
    fn hotp_without_counter_starts_at_zero_and_says_so() {
        let parsed = read_otpauth("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(parsed.account.kind, Kind::Hotp { counter: 0 });
        assert_eq!(parsed.warnings, vec![Warning::MissingCounter]);
    }

    #[test]
    fn the_largest_counter_is_read() {
        let account = read("otpauth://hotp/x?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615");
        assert_eq!(account.kind, Kind::Hotp { counter: u64::MAX });
    }

    #[test]
    fn bad_parameters_are_named() {
        let cases = [
            ("otpauth://totp/x?issuer=Example", LinkError::MissingSecret),
            (
                "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1",
                LinkError::Secret(crate::SecretError::BadCharacter('1')),
            ),
            (
                "otpauth://totp/x?secret=",
                LinkError::Secret(crate::SecretError::Empty),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&algorithm=MD5",
                LinkError::Algorithm("MD5".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&digits=12",
                LinkError::Digits("12".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&digits=six",
                LinkError::Digits("six".into()),
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP&period=0",
                LinkError::Period("0".into()),
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DP&counter=-1",
                LinkError::Counter("-1".into()),
            ),
            (
                "otpauth://hotp/x?secret=JBSWY3DP&counter=18446744073709551616",
                LinkError::Counter("18446744073709551616".into()),
            ),
            (
                "otpauth://motp/x?secret=JBSWY3DP",
                LinkError::UnknownType("motp".into()),
            ),
            (
                "otpauth://totp/%FF?secret=JBSWY3DP",
                LinkError::NotText("label"),
            ),
        ];
        for (link, expected) in cases {
            assert_eq!(read_otpauth(link), Err(expected), "{link}");
        }
    }

    #[test]
    fn privacyidea_push_links_are_explained() {
        let error = read_otpauth(
            "otpauth://pipush/PIPU0001?url=https://pi.example.com/ttype/push&serial=PIPU0001",
        )
        .unwrap_err();
        assert_eq!(
            error,
            LinkError::NotAnAccount(NotAnAccount::PrivacyIdeaPush)
        );
    }

    #[test]
    fn repeated_parameters_use_the_first_and_say_so() {
        let parsed =
            read_otpauth("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=8&digits=6").unwrap();
        assert_eq!(parsed.account.digits, 8);
        assert_eq!(
            parsed.warnings,
            vec![Warning::RepeatedParameter("digits".into())]
        );
    }

    #[test]
    fn writing_is_canonical_and_percent_encoded() {
        let mut account = read(
            "otpauth://totp/ACME Co:jo+2fa@example.com?secret=jbswy3dpehpk3pxp&issuer=ACME%20Co&period=60",
        );
        assert_eq!(
            write_otpauth(&account),
            "otpauth://totp/ACME%20Co:jo%2B2fa%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=60"
        );
        account.label_issuer = None;
        account.name = "a:b".into();
        assert_eq!(read(&write_otpauth(&account)).name, "a:b");
    }
}
