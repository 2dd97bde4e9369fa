//! What the web UI receives and sends: plain data, never a secret.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tessera_core::vault::Entry;
use tessera_core::{Account, Code, Kind};

/// An account as the screens show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    pub id: i64,
    pub issuer: Option<String>,
    pub name: String,
    pub kind: &'static str,
    pub digits: usize,
    pub period: Option<u32>,
    pub group: Option<String>,
    pub icon: Option<String>,
    pub note: String,
}

impl From<&Entry> for AccountView {
    fn from(entry: &Entry) -> AccountView {
        AccountView {
            id: entry.id,
            issuer: entry.account.issuer().map(str::to_string),
            name: entry.account.name.clone(),
            kind: entry.account.kind.name(),
            digits: entry.account.code_length(),
            period: entry.account.kind.period(),
            group: entry.details.group.clone(),
            icon: entry.details.icon.clone(),
            note: entry.details.note.clone(),
        }
    }
}

/// A code with its validity window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CodeView {
    pub id: i64,
    pub code: String,
    pub next: Option<String>,
    pub valid_from: Option<u64>,
    pub valid_until: Option<u64>,
}

impl CodeView {
    /// The code of a time-based account now, with the next period's code.
    pub fn time_based(id: i64, account: &Account, now: u64) -> CodeView {
        let code = account.code_at(now);
        let next = code.valid_until.map(|until| account.code_at(until).text);
        CodeView::from_code(id, code, next)
    }

    /// A code as it is (counter-based codes have no window and no next code).
    pub fn from_code(id: i64, code: Code, next: Option<String>) -> CodeView {
        CodeView {
            id,
            code: code.text,
            next,
            valid_from: code.valid_from,
            valid_until: code.valid_until,
        }
    }
}

/// What an import would add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub token: String,
    pub accounts: Vec<PreviewAccount>,
    pub warnings: Vec<LinkWarning>,
    pub unusable: Vec<Unusable>,
    pub missing_parts: Vec<i32>,
    pub parts_total: i32,
    /// Moves from another device being scanned: once one has every part, the user types its code.
    pub transfers: Vec<TransferView>,
    /// An approval server's enrollment link was read: connecting to it waits for the user's yes.
    pub connect: Option<ConnectOffer>,
}

/// How far the scanning of a move from another device has come.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferView {
    pub id: String,
    /// How many QR codes the move has.
    pub count: u32,
    /// The codes (from 1) still to scan; none when it waits for its code.
    pub missing: Vec<u32>,
}

/// A move to another device on show: where its pictures are and the code to type beside them.
/// The parts' links stay in Rust (the pictures are `qr://localhost/move/<id>/<part>`). The code
/// alone opens nothing without them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MoveView {
    pub id: String,
    /// How many QR codes, numbered from 1.
    pub parts: usize,
    /// The one-time code, as shown (`K7QM2-X9TRA`).
    pub code: String,
    /// How many accounts the codes carry.
    pub accounts: usize,
    /// Accounts left out because their records in the vault are damaged.
    pub unreadable: usize,
}

/// Google Authenticator export codes on show (`qr://localhost/google/<id>/<part>`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GoogleCodesView {
    pub id: String,
    /// How many QR codes, numbered from 1 (none when no account can go).
    pub parts: usize,
    /// How many accounts the codes carry.
    pub accounts: usize,
    /// The accounts Google Authenticator cannot take, and why.
    pub left_out: Vec<LeftOut>,
}

/// An account left out of an export.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeftOut {
    /// The issuer and name.
    pub label: String,
    /// Why, in English.
    pub reason: &'static str,
    /// The reason's name in the catalogues (`move.google.reason.<code>`).
    pub code: &'static str,
}

/// An approval server the user may connect to, from its enrollment link (the link's one-time
/// token or credential stays in Rust).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectOffer {
    /// What `connect_server` takes.
    pub token: String,
    /// The server's origin, for the user to check.
    pub server: String,
    /// `tessera` or `privacy_idea`.
    pub kind: tessera_push::SourceKind,
    /// A privacyIDEA token's issuer.
    pub issuer: Option<String>,
    /// A privacyIDEA token's serial number.
    pub serial: Option<String>,
    /// A privacyIDEA token's full address (where it polls), for the user to check.
    pub url: Option<String>,
}

/// An approval server the vault is enrolled with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerView {
    pub id: i64,
    /// `tessera` or `privacy_idea`.
    pub kind: tessera_push::SourceKind,
    pub server: String,
    pub relying_party: String,
    pub account: String,
    pub device_name: String,
    pub enrolled_at: i64,
    /// When the app last reached it (Unix seconds), since it started.
    pub last_reached: Option<i64>,
}

impl ServerView {
    /// The view of an enrollment (never its keys). A privacyIDEA token shows its issuer as the
    /// site and its serial as the account.
    pub fn new(id: i64, enrolled: &tessera_push::Enrolled, last_reached: Option<i64>) -> Self {
        use tessera_push::{Enrolled, SourceKind};
        match enrolled {
            Enrolled::Tessera(enrollment) => ServerView {
                id,
                kind: SourceKind::Tessera,
                server: enrollment.server.clone(),
                relying_party: enrollment.relying_party.clone(),
                account: enrollment.account.clone(),
                device_name: enrollment.device_name.clone(),
                enrolled_at: enrollment.enrolled_at,
                last_reached,
            },
            Enrolled::PrivacyIdea(token) => ServerView {
                id,
                kind: SourceKind::PrivacyIdea,
                server: token.origin(),
                relying_party: token.issuer.clone(),
                account: token.serial.clone(),
                device_name: String::new(),
                enrolled_at: token.enrolled_at,
                last_reached,
            },
        }
    }
}

/// A sign-in waiting for the user's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalView {
    pub server_id: i64,
    pub id: String,
    /// `tessera` or `privacy_idea`: what "this wasn't me" does differs.
    pub kind: tessera_push::SourceKind,
    pub server: String,
    pub relying_party: String,
    pub account: String,
    pub site: String,
    pub application: Option<String>,
    pub browser: Option<String>,
    pub place: Option<String>,
    pub ip: Option<String>,
    /// When the sign-in was asked for, as the site tells (Unix seconds).
    pub time: i64,
    /// `typed` (the user types the number the site shows), `choose` (one of three), `pick`
    /// (one of the `options`, a privacyIDEA token's) or `none` (nothing to match).
    pub mode: &'static str,
    pub choices: Option<Vec<u8>>,
    /// In `pick` mode, what to pick from, as the server wrote it.
    pub options: Vec<String>,
    /// The server's own question, where it words one.
    pub question: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    /// The user gave the site no password: approving needs the user verified on this device.
    pub passwordless: bool,
}

impl ApprovalView {
    /// The view of a sign-in from the server `server_id`, of this kind at this origin.
    pub fn new(
        server_id: i64,
        (kind, server): (tessera_push::SourceKind, &str),
        approval: &tessera_push::Approval,
    ) -> ApprovalView {
        let context = &approval.context;
        ApprovalView {
            server_id,
            id: approval.id.clone(),
            kind,
            server: server.to_string(),
            relying_party: approval.relying_party.clone(),
            account: approval.account.clone(),
            site: context.site.clone(),
            application: context.application.clone(),
            browser: context.browser.clone(),
            place: context.place.clone(),
            ip: context.ip.clone(),
            time: context.time,
            mode: match approval.mode {
                tessera_push::NumberMode::Typed => "typed",
                tessera_push::NumberMode::Choose => "choose",
                tessera_push::NumberMode::Pick => "pick",
                tessera_push::NumberMode::NoNumber => "none",
            },
            choices: approval.choices.map(|choices| choices.to_vec()),
            options: approval.options.clone(),
            question: approval.question.clone(),
            created_at: approval.created_at,
            expires_at: approval.expires_at,
            passwordless: approval.passwordless,
        }
    }
}

/// The sign-ins waiting, and the servers that could not be asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingView {
    /// Oldest first.
    pub approvals: Vec<ApprovalView>,
    /// The origins of the servers that could not be reached.
    pub unreachable: Vec<String>,
}

/// One account an import would add.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewAccount {
    pub issuer: Option<String>,
    pub name: String,
    pub kind: &'static str,
    pub digits: usize,
    pub period: Option<u32>,
    pub duplicate_of: Option<i64>,
}

/// Something odd about a link that was read all the same, for the catalogues to word.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LinkWarning {
    /// The warning's name in the catalogues (`preview.warning.<code>`).
    pub code: &'static str,
    /// The link's own words that the message quotes, by the name the message gives them.
    pub parameters: BTreeMap<&'static str, String>,
}

impl From<&tessera_core::link::Warning> for LinkWarning {
    fn from(warning: &tessera_core::link::Warning) -> LinkWarning {
        LinkWarning {
            code: warning.code(),
            parameters: warning.parameters().into_iter().collect(),
        }
    }
}

/// An export entry that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unusable {
    pub label: String,
    /// Why, in English (for the log and for a reason the catalogues do not know yet).
    pub reason: String,
    /// The reason's name in the catalogues (`preview.reason.<code>`).
    pub code: &'static str,
    /// The kind, algorithm or field the reason's message names.
    pub parameter: Option<String>,
}

/// The add-by-hand form.
#[derive(Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualAccount {
    pub issuer: String,
    pub name: String,
    pub secret: String,
    pub kind: String,
    pub algorithm: String,
    pub digits: u8,
    pub period: u32,
    pub counter: u64,
}

impl std::fmt::Debug for ManualAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManualAccount")
            .field("issuer", &self.issuer)
            .field("name", &self.name)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// The form checked as the user types.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ManualCheck {
    pub error: Option<crate::AppError>,
    pub first_code: Option<String>,
}

/// An edit of an account's name and details.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountEdit {
    #[serde(default, deserialize_with = "present")]
    pub issuer: Option<Option<String>>,
    pub name: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub icon: Option<Option<String>>,
    pub note: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub group: Option<Option<String>>,
}

/// A field that is there (even as `null`) is `Some`; a field that is absent stays `None`.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

/// Version and licences.
#[derive(Clone, Debug, Serialize)]
pub struct About {
    pub version: &'static str,
    pub licences: Vec<Licence>,
}

/// One dependency's licence.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Licence {
    pub name: String,
    pub version: String,
    pub licence: String,
}

/// Automatic backups as Settings and the accounts screen show them: no key, no password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupsView {
    /// Whether they are on.
    pub on: bool,
    /// The folder they go into.
    pub folder: Option<String>,
    /// How many are kept.
    pub keep: u32,
    /// When the last one was written (Unix seconds), its file name and its accounts.
    pub last_written_at: Option<i64>,
    pub last_written_name: Option<String>,
    pub last_written_accounts: Option<usize>,
    /// Why the last try failed, until a later one succeeds.
    pub failure: Option<BackupFailureView>,
    /// Whether this platform has a folder picker Tessera can use (not on phones yet).
    pub folder_picker: bool,
}

/// A backup that could not be written: when, and why as a catalogue error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupFailureView {
    pub at: i64,
    pub error: crate::error::AppError,
}

/// The kind named in the form.
pub fn kind_of(form: &ManualAccount) -> Option<Kind> {
    match form.kind.as_str() {
        "totp" => Some(Kind::Totp {
            period: form.period,
        }),
        "hotp" => Some(Kind::Hotp {
            counter: form.counter,
        }),
        "steam" => Some(Kind::Steam {
            period: form.period,
        }),
        _ => None,
    }
}
