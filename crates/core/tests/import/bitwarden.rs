//! Bitwarden exports, JSON and CSV, written the way Bitwarden's clients write them
//! (`individual-vault-export.service.ts`: `JSON.stringify(doc, null, "  ")` for JSON, papaparse's
//! `unparse` for CSV), holding the shared accounts beside items that are only passwords.

use serde_json::{Value, json};
use tessera_core::account::Kind;
use tessera_core::import::formats::bitwarden::Bitwarden;
use tessera_core::import::{Format, ImportError, UnusableReason};
use tessera_core::link::write_otpauth;
use tessera_core::{Account, SecretError};

use crate::expected::{self, Carries};

const FOLDER: &str = "3f1e0c2a-58a4-4f0b-9a61-b0e5c1d2e301";

/// One login item, as the user keeps it: the code in `totp` as they pasted it.
struct Login {
    name: String,
    username: String,
    totp: String,
    notes: Option<String>,
    folder: bool,
}

/// What the user would have pasted for each shared account: the secret alone where Bitwarden's
/// defaults make its codes, Steam's own form for Steam, a link for the rest.
fn logins() -> Vec<Login> {
    expected::all()
        .iter()
        .enumerate()
        .map(|(index, account)| {
            let plain_totp = account.algorithm == tessera_core::Algorithm::Sha1
                && account.digits == 6
                && account.kind == Kind::Totp { period: 30 }
                && account.issuer().is_some();
            let totp = match account.kind {
                Kind::Steam { .. } => format!("steam://{}", account.secret.to_base32().as_str()),
                _ if plain_totp => account.secret.to_base32().to_lowercase(),
                _ => write_otpauth(account),
            };
            Login {
                name: match account.issuer() {
                    Some(issuer) if plain_totp || account.kind.name() == "steam" => {
                        issuer.to_string()
                    }
                    Some(issuer) => format!("{issuer} login"),
                    None => "Personal wiki".to_string(),
                },
                username: account.name.clone(),
                totp,
                notes: (index == 3)
                    .then(|| "Recovery codes: in the safe,\nsecond drawer (\"top\")".to_string()),
                folder: index == 1,
            }
        })
        .collect()
}

fn json_item(login: &Login, id: usize) -> Value {
    json!({
        "passwordHistory": null,
        "revisionDate": "2024-05-01T10:00:00.000Z",
        "creationDate": "2024-05-01T10:00:00.000Z",
        "deletedDate": null,
        "id": format!("9c1d2e3f-0000-4000-8000-{id:012}"),
        "organizationId": null,
        "folderId": login.folder.then_some(FOLDER),
        "type": 1,
        "reprompt": 0,
        "name": login.name,
        "notes": login.notes,
        "favorite": false,
        "login": {
            "fido2Credentials": [],
            "uris": [{"match": null, "uri": "https://example.com/login"}],
            "username": login.username,
            "password": "hunter2, \"really\"",
            "totp": login.totp,
        },
        "collectionIds": null,
    })
}

/// Items that are not accounts: a login without a code, and a secure note.
fn passwords_only() -> Vec<Value> {
    let mut login = json_item(
        &Login {
            name: "Forum".into(),
            username: "bob".into(),
            totp: String::new(),
            notes: None,
            folder: false,
        },
        90,
    );
    login["login"]["totp"] = Value::Null;
    vec![
        login,
        json!({
            "id": "9c1d2e3f-0000-4000-8000-000000000091",
            "organizationId": null,
            "folderId": null,
            "type": 2,
            "reprompt": 0,
            "name": "Wi-Fi at home",
            "notes": "correct horse",
            "favorite": true,
            "secureNote": {"type": 0},
            "collectionIds": null,
        }),
    ]
}

fn json_export(logins: &[Login]) -> Vec<u8> {
    let mut items: Vec<Value> = passwords_only();
    items.extend(
        logins
            .iter()
            .enumerate()
            .map(|(index, login)| json_item(login, index)),
    );
    let export = json!({
        "encrypted": false,
        "folders": [{"id": FOLDER, "name": "Money"}],
        "items": items,
    });
    serde_json::to_string_pretty(&export).unwrap().into_bytes()
}

/// A field as papaparse writes it: quoted when it holds the delimiter, a quote or a line
/// break, or starts or ends with a space.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\r', '\n']) || text.starts_with(' ') || text.ends_with(' ') {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

fn csv_export(logins: &[Login]) -> Vec<u8> {
    let mut lines = vec![
        "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp"
            .to_string(),
        ",,login,Forum,,,0,https://forum.example,bob,hunter2,".to_string(),
        ",1,note,Wi-Fi at home,\"correct, horse\",,0,,,,".to_string(),
    ];
    for login in logins {
        let fields = [
            if login.folder { "Money" } else { "" },
            "",
            "login",
            &login.name,
            login.notes.as_deref().unwrap_or_default(),
            "PIN: 1234",
            "0",
            "https://example.com/login,https://example.com/",
            &login.username,
            "hunter2, \"really\"",
            &login.totp,
        ];
        lines.push(fields.map(csv_field).join(","));
    }
    lines.join("\r\n").into_bytes()
}

#[test]
fn a_json_export_yields_every_account_and_passes_over_passwords() {
    let file = json_export(&logins());
    expected::assert_reads(&Bitwarden, &file, None, &expected::carried(Carries::ALL));
    expected::assert_truncation_refused(&Bitwarden, &file, None);
}

#[test]
fn a_csv_export_yields_every_account_and_passes_over_passwords() {
    let file = csv_export(&logins());
    expected::assert_reads(&Bitwarden, &file, None, &expected::carried(Carries::ALL));
}

#[test]
fn a_csv_export_cut_inside_a_quoted_field_or_a_line_is_refused() {
    // A CSV file cut after a whole field reads as a shorter export (nothing in the format marks
    // its end); a cut inside a quoted field or one that leaves a line short is refused.
    let file = csv_export(&logins());
    let text = String::from_utf8(file.clone()).unwrap();
    let inside_note = text.find("second drawer").unwrap();
    let inside_line = text.rfind("login,Personal wiki").unwrap() + "login,Pers".len();
    for cut in [inside_note, inside_line, 40] {
        assert!(
            matches!(
                Bitwarden.read(&file[..cut], None),
                Err(ImportError::Damaged { .. })
            ),
            "a file cut at {cut} was read"
        );
    }
}

#[test]
fn notes_and_folders_come_along() {
    for file in [json_export(&logins()), csv_export(&logins())] {
        let found = Bitwarden.read(&file, None).unwrap();
        assert_eq!(found.accounts[1].details.group.as_deref(), Some("Money"));
        assert_eq!(found.accounts[0].details.group, None);
        assert_eq!(
            found.accounts[3].details.note,
            "Recovery codes: in the safe,\nsecond drawer (\"top\")"
        );
    }
}

#[test]
fn a_code_that_cannot_be_read_is_listed_and_the_rest_are_read() {
    let mut logins = logins();
    logins.push(Login {
        name: "Shop".into(),
        username: "dave".into(),
        totp: "JBSWY3DPEHPK3PX1".into(),
        notes: None,
        folder: false,
    });
    logins.push(Login {
        name: "Yandex".into(),
        username: "erin".into(),
        totp: "otpauth://yandex/Yandex:erin?secret=JBSWY3DPEHPK3PXP".into(),
        notes: None,
        folder: false,
    });
    for file in [json_export(&logins), csv_export(&logins)] {
        let found = Bitwarden.read(&file, None).unwrap();
        assert_eq!(found.accounts.len(), expected::all().len());
        let unusable: Vec<_> = found
            .unusable
            .iter()
            .map(|entry| (entry.label.as_str(), &entry.reason))
            .collect();
        assert_eq!(
            unusable,
            [
                (
                    "Shop (dave)",
                    &UnusableReason::Secret(SecretError::BadCharacter('1'))
                ),
                ("Yandex (erin)", &UnusableReason::Kind("yandex".into())),
            ]
        );
    }
}

#[test]
fn a_bare_secret_takes_the_items_name_and_user_name() {
    let found = Bitwarden.read(&json_export(&logins()), None).unwrap();
    let first: &Account = &found.accounts[0].account;
    assert_eq!(first.issuer(), Some("Example"));
    assert_eq!(first.name, "alice@example.com");
}

#[test]
fn an_encrypted_export_asks_for_an_unencrypted_one() {
    let file = serde_json::to_string_pretty(&json!({
        "encrypted": true,
        "encKeyValidation_DO_NOT_EDIT": "2.aGVsbG8=|d29ybGQ=|c2lnbmF0dXJl",
        "folders": [],
        "items": [{"type": 1, "name": "2.bmFtZQ==|aXY=|bWFj", "login": {"totp": "2.dA==|aQ==|bQ=="}}],
    }))
    .unwrap();
    assert!(Bitwarden.recognises(file.as_bytes()));
    assert!(matches!(
        Bitwarden.read(file.as_bytes(), None),
        Err(ImportError::Unsupported { .. })
    ));
}
