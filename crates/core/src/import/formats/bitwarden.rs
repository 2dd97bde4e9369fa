//! Bitwarden's vault exports, JSON and CSV: the logins that carry a one-time code.
//!
//! Learned from bitwarden/clients (`libs/tools/export/vault-export/vault-export-core/src/
//! services/individual-vault-export.service.ts`, `base-vault-export.service.ts` and
//! `types/bitwarden-csv-export-type.ts`) and the item model its JSON export writes
//! (`libs/common/src/models/export/cipher.export.ts`, `login.export.ts`, `folder.export.ts`).
//!
//! The JSON export is `{"encrypted": false, "folders": [{id, name}], "items": [...]}`, an item
//! having `name`, `notes`, `folderId` and, for a login, `login` with `username` and `totp`. The
//! CSV export has a header line naming its columns (`folder,favorite,type,name,notes,fields,
//! reprompt,login_uri,login_username,login_password,login_totp`; an organisation's export has
//! `collections` instead of `folder`), written by papaparse: fields quoted when they hold a
//! comma, a quote or a line break.
//!
//! `totp` holds what the user pasted: an `otpauth://` link (read as the site issued it), Steam's
//! `steam://SECRET`, or a bare base32 secret (a TOTP of SHA1, 6 digits and 30 seconds, as
//! Bitwarden computes it). For the last two, the item's name is the issuer and its user name the
//! account name. Items without a code are passwords, not accounts, and are passed over; a code
//! that cannot be read is listed. The item's note and folder come along. Only the fields read
//! here are kept in memory: the export's passwords are skipped while parsing (JSON) or wiped
//! when dropped (CSV).
//!
//! Encrypted JSON exports (sealed with the account's key or an export password) are refused
//! with a message asking for an unencrypted export.

use serde::Deserialize;
use serde::de::IgnoredAny;
use zeroize::Zeroizing;

use crate::import::csv;
use crate::import::{EntryFields, Format, Found, FoundAccount, ImportError, UnusableReason, json};
use crate::link::read_otpauth;
use crate::otp::Secret;
use crate::vault::Details;

/// A Bitwarden export, JSON or CSV.
pub struct Bitwarden;

const APP: &str = "Bitwarden";

/// The column holding the code in Bitwarden's CSV.
const TOTP_COLUMN: &str = "login_totp";

impl Format for Bitwarden {
    fn id(&self) -> &'static str {
        "bitwarden"
    }

    fn app(&self) -> &'static str {
        APP
    }

    fn recognises(&self, file: &[u8]) -> bool {
        /// Just enough of a JSON export to know it, without keeping any of it.
        #[derive(Deserialize)]
        struct Probe {
            // Every export Bitwarden writes says whether it is encrypted.
            #[serde(rename = "encrypted")]
            _encrypted: bool,
            items: Option<IgnoredAny>,
            data: Option<IgnoredAny>,
        }
        if json::starts_with(file, b'{') {
            return serde_json::from_slice::<Probe>(file)
                .is_ok_and(|probe| probe.items.is_some() || probe.data.is_some());
        }
        std::str::from_utf8(file).is_ok_and(|text| {
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            text.lines().next().is_some_and(|header| {
                header
                    .split(',')
                    .any(|column| column.trim().trim_matches('"') == TOTP_COLUMN)
            })
        })
    }

    fn read(&self, file: &[u8], _password: Option<&str>) -> Result<Found, ImportError> {
        if json::starts_with(file, b'{') {
            read_json(file)
        } else {
            read_csv(file)
        }
    }
}

/// One item that has a code: what the export says about it.
struct Item<'a> {
    name: &'a str,
    username: &'a str,
    totp: &'a str,
    details: Details,
}

impl Item<'_> {
    /// How the user knows the item in Bitwarden: its name, and its user name.
    fn label(&self) -> String {
        EntryFields {
            issuer: Some(self.name.to_string()),
            name: self.username.to_string(),
            ..EntryFields::default()
        }
        .label()
    }

    /// The account of its code, or why there is none.
    fn account(self) -> Result<FoundAccount, UnusableReason> {
        let totp = self.totp.trim();
        if has_scheme(totp, "otpauth://") {
            let account = read_otpauth(totp)?.account;
            account.validate()?;
            return Ok(FoundAccount {
                account,
                details: self.details,
            });
        }
        let (kind, secret) = match has_scheme(totp, "steam://") {
            true => (Some("steam".to_string()), &totp["steam://".len()..]),
            false => (None, totp),
        };
        EntryFields {
            issuer: Some(self.name.to_string()),
            name: self.username.to_string(),
            secret: Some(Secret::from_base32(secret)?),
            kind,
            details: self.details,
            ..EntryFields::default()
        }
        .into_account()
    }
}

fn has_scheme(text: &str, scheme: &str) -> bool {
    text.get(..scheme.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
}

fn read_json(file: &[u8]) -> Result<Found, ImportError> {
    #[derive(Deserialize)]
    struct Export {
        #[serde(default)]
        encrypted: bool,
        folders: Option<Vec<Folder>>,
        items: Option<Vec<JsonItem>>,
    }
    #[derive(Deserialize)]
    struct Folder {
        id: Option<String>,
        name: Option<String>,
    }
    #[derive(Deserialize)]
    struct JsonItem {
        name: Option<String>,
        notes: Option<String>,
        #[serde(rename = "folderId")]
        folder_id: Option<String>,
        login: Option<Login>,
    }
    #[derive(Deserialize)]
    struct Login {
        username: Option<String>,
        totp: Option<String>,
    }

    let text = std::str::from_utf8(file)
        .map_err(|_| ImportError::damaged(APP, "it is not readable text"))?;
    let export: Export = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
        .map_err(|error| ImportError::damaged(APP, json_problem(&error)))?;
    if export.encrypted {
        return Err(ImportError::Unsupported {
            what: "Bitwarden's encrypted exports",
            instead: "export the vault from Bitwarden again as 'JSON' or 'CSV' (not 'JSON \
                      (Encrypted)'), import that file, then delete it",
        });
    }
    let items = export
        .items
        .ok_or_else(|| ImportError::damaged(APP, "it has no items"))?;
    let folders = export.folders.unwrap_or_default();
    let mut found = Found::default();
    for item in items {
        let Some(login) = item.login else { continue };
        let totp = Zeroizing::new(login.totp.unwrap_or_default());
        if totp.trim().is_empty() {
            continue;
        }
        let group = item.folder_id.as_deref().and_then(|id| {
            folders
                .iter()
                .find(|folder| folder.id.as_deref() == Some(id))
                .and_then(|folder| folder.name.clone())
        });
        let item = Item {
            name: item.name.as_deref().unwrap_or_default(),
            username: login.username.as_deref().unwrap_or_default(),
            totp: &totp,
            details: Details {
                note: item.notes.unwrap_or_default(),
                group,
                icon: None,
            },
        };
        found.push(&item.label(), item.account());
    }
    Ok(found)
}

/// Where the JSON went wrong, without quoting any of it.
fn json_problem(error: &serde_json::Error) -> String {
    match error.classify() {
        serde_json::error::Category::Eof => "it is cut short".to_string(),
        _ => format!(
            "it is not a Bitwarden export (line {}, column {})",
            error.line(),
            error.column()
        ),
    }
}

fn read_csv(file: &[u8]) -> Result<Found, ImportError> {
    let text = std::str::from_utf8(file)
        .map_err(|_| ImportError::damaged(APP, "it is not readable text"))?;
    let records =
        csv::records(text).map_err(|error| ImportError::damaged(APP, error.to_string()))?;
    let mut records = records.into_iter();
    let header = records
        .next()
        .ok_or_else(|| ImportError::damaged(APP, "it is empty"))?;
    let column = |name: &str| header.iter().position(|field| field.trim() == name);
    let totp_column = column(TOTP_COLUMN).ok_or_else(|| {
        ImportError::damaged(APP, "its first line does not name a login_totp column")
    })?;
    let (name, username) = (column("name"), column("login_username"));
    let (notes, folder) = (column("notes"), column("folder"));
    let mut found = Found::default();
    for (index, record) in records.enumerate() {
        if record.iter().all(|field| field.is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            return Err(ImportError::damaged(
                APP,
                format!(
                    "line {} of its items has {} fields where its first line names {}",
                    index + 1,
                    record.len(),
                    header.len()
                ),
            ));
        }
        let field = |column: Option<usize>| -> &str { column.map_or("", |at| &record[at]) };
        if field(Some(totp_column)).trim().is_empty() {
            continue;
        }
        let item = Item {
            name: field(name),
            username: field(username),
            totp: field(Some(totp_column)),
            details: Details {
                note: field(notes).to_string(),
                group: Some(field(folder).trim())
                    .filter(|folder| !folder.is_empty())
                    .map(str::to_string),
                icon: None,
            },
        };
        found.push(&item.label(), item.account());
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_encrypted_export_asks_for_an_unencrypted_one() {
        let file = br#"{"encrypted": true, "passwordProtected": true, "salt": "c2FsdA==",
                        "kdfType": 0, "kdfIterations": 600000, "data": "2.AAAA|BBBB|CCCC"}"#;
        assert!(Bitwarden.recognises(file));
        let error = Bitwarden.read(file, None).unwrap_err();
        assert!(matches!(error, ImportError::Unsupported { .. }));
        assert!(error.to_string().contains("'JSON' or 'CSV'"));
    }

    #[test]
    fn other_json_and_csv_are_not_bitwarden_exports() {
        assert!(!Bitwarden.recognises(br#"{"schemaVersion": 4, "services": []}"#));
        assert!(!Bitwarden.recognises(b"name,url,username,password\n"));
        assert!(Bitwarden.recognises(b"\xef\xbb\xbffolder,name,login_totp\r\n"));
    }
}
