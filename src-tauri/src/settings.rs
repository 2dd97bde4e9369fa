//! The app's settings (language and theme): a small JSON file in the app's config folder. Nothing
//! secret is kept here.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// `system`, `en` or `nl`.
    #[serde(default = "system")]
    pub language: String,
    /// `system`, `light` or `dark`.
    #[serde(default = "system")]
    pub theme: String,
}

fn system() -> String {
    "system".into()
}

impl Settings {
    /// Reads the settings; a missing or unreadable file gives the defaults.
    pub fn load(path: &Path) -> Settings {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Settings>(&bytes).ok())
            .map(Settings::sanitised)
            .unwrap_or(Settings {
                language: system(),
                theme: system(),
            })
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
        Settings {
            language: keep(self.language, &["system", "en", "nl"]),
            theme: keep(self.theme, &["system", "light", "dark"]),
        }
    }
}
