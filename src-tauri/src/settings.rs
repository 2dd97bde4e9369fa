//! The app's settings (language, theme, when app lock locks, screen protection, hidden codes): a
//! small JSON file in the app's config folder. Nothing secret is kept here, and whether app lock
//! is on is not a setting: the vault file's slots say so.

use std::path::Path;

use serde::{Deserialize, Serialize};
use tessera_core::lock::Grace;

/// The settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `system`, `en` or `nl`.
    #[serde(default = "system")]
    pub language: String,
    /// `system`, `light` or `dark`.
    #[serde(default = "system")]
    pub theme: String,
    /// With app lock on, how long the app may be away from the screen before it locks (a
    /// [`Grace`] name: `immediately`, `30s`, `1m`, `5m`).
    #[serde(default = "default_grace")]
    pub lock_after: String,
    /// Keep codes out of screenshots, screen recordings and the app switcher where the platform
    /// allows it.
    #[serde(default = "on")]
    pub screen_protection: bool,
    /// Show codes as dots until tapped.
    #[serde(default)]
    pub hide_codes: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            language: system(),
            theme: system(),
            lock_after: default_grace(),
            screen_protection: true,
            hide_codes: false,
        }
    }
}

fn system() -> String {
    "system".into()
}

fn default_grace() -> String {
    Grace::default().name().into()
}

fn on() -> bool {
    true
}

impl Settings {
    /// Reads the settings; a missing or unreadable file gives the defaults.
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .map(Settings::sanitised)
            .unwrap_or_default()
    }

    /// Writes the settings atomically (a temporary file, then a rename).
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        let temporary = path.with_extension("json.tmp");
        std::fs::write(
            &temporary,
            serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?,
        )?;
        std::fs::rename(temporary, path)
    }

    /// Values outside the known ones become `system`.
    pub fn sanitised(self) -> Settings {
        let keep = |value: String, known: &[&str]| {
            if known.contains(&value.as_str()) {
                value
            } else {
                system()
            }
        };
        let lock_after = if Grace::from_name(&self.lock_after).is_some() {
            self.lock_after
        } else {
            default_grace()
        };
        Settings {
            language: keep(self.language, &["system", "en", "nl"]),
            theme: keep(self.theme, &["system", "light", "dark"]),
            lock_after,
            ..self
        }
    }

    /// How long the app may be away before it locks.
    pub fn grace(&self) -> Grace {
        Grace::from_name(&self.lock_after).unwrap_or_default()
    }
}
