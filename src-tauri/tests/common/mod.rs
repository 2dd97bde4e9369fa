//! The app driven through Tauri's own IPC (`tauri::test`) on a real vault file, shared by the
//! command tests; every response is checked for the test secret when the app is dropped.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tauri::Manager;
use tauri::test::{
    INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets,
};
use tauri::webview::InvokeRequest;
use tessera_app_lib::AppState;
use tessera_core::Vault;
use tessera_core::vault::NewPassword;
use tessera_core::vault::slots::password::PasswordParams;

pub const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
/// The same secret as the JSON arrays serde would write for its bytes.
const SECRET_BYTES: &str = "49,50,51,52,53,54,55,56,57,48";

pub struct App {
    pub folder: tempfile::TempDir,
    pub app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
    responses: Vec<String>,
    /// The recovery codes the app showed in its dialog, with the language asked for.
    shown: Arc<Mutex<Vec<(String, String)>>>,
}

impl App {
    /// An app with an unlocked vault that has one password slot (`pw`).
    pub fn new() -> App {
        App::with(|state, vault| state.set_vault(vault))
    }

    /// An app started on a vault with one password slot (`pw`) that waits to be unlocked.
    pub fn locked() -> App {
        App::with(|state, vault| state.set_locked(vault.path().to_path_buf()))
    }

    /// A new start of the app on a copy of this vault file and what lies beside it.
    pub fn locked_at(vault: std::path::PathBuf) -> App {
        let folder = tempfile::tempdir().unwrap();
        for suffix in ["", ".attempts"] {
            let from = format!("{}{suffix}", vault.display());
            if std::path::Path::new(&from).exists() {
                std::fs::copy(
                    &from,
                    format!("{}{suffix}", folder.path().join("vault.tessera").display()),
                )
                .unwrap();
            }
        }
        App::started(folder, |state, path| state.set_locked(path))
    }

    fn with(put: impl FnOnce(&AppState, Vault)) -> App {
        let folder = tempfile::tempdir().unwrap();
        let (vault, _) = Vault::create(
            &folder.path().join("vault.tessera"),
            &NewPassword("pw", PasswordParams::new(8 * 1024, 1, 1).unwrap()),
        )
        .unwrap();
        let state = AppState::default();
        state.set_settings_path(folder.path().join("settings.json"));
        state.activity.set_path(folder.path().join("activity.log"));
        put(&state, vault);
        App::built(folder, state)
    }

    fn started(folder: tempfile::TempDir, put: impl FnOnce(&AppState, std::path::PathBuf)) -> App {
        let state = AppState::default();
        state.set_settings_path(folder.path().join("settings.json"));
        state.activity.set_path(folder.path().join("activity.log"));
        put(&state, folder.path().join("vault.tessera"));
        App::built(folder, state)
    }

    fn built(folder: tempfile::TempDir, state: AppState) -> App {
        let shown = Arc::new(Mutex::new(Vec::new()));
        let record = Arc::clone(&shown);
        *state.show_recovery_code.lock().unwrap() =
            Some(Box::new(move |language: &str, code: &str| {
                record
                    .lock()
                    .unwrap()
                    .push((language.to_string(), code.to_string()));
            }));
        let app = tessera_app_lib::configure(mock_builder(), state)
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        App {
            folder,
            app,
            webview,
            responses: Vec::new(),
            shown,
        }
    }

    pub fn call(&mut self, command: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: command.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        let response = get_ipc_response(&self.webview, request)
            .map(|body| body.deserialize::<Value>().unwrap());
        let text = match &response {
            Ok(value) | Err(value) => value.to_string(),
        };
        self.responses.push(format!("{command}: {text}"));
        response
    }

    /// The recovery codes shown so far (language, code), as the user saw them in the dialog.
    pub fn recovery_codes_shown(&self) -> Vec<(String, String)> {
        self.shown.lock().unwrap().clone()
    }

    /// The vault file.
    pub fn vault_path(&self) -> std::path::PathBuf {
        self.folder.path().join("vault.tessera")
    }

    /// The state, as the commands see it.
    pub fn state(&self) -> tauri::State<'_, AppState> {
        self.app.state::<AppState>()
    }

    /// Checks that no response so far carried `secret`.
    pub fn assert_never_answered(&self, secret: &str) {
        for response in &self.responses {
            assert!(!response.contains(secret), "a secret in {response}");
        }
    }

    pub fn ok(&mut self, command: &str, args: Value) -> Value {
        self.call(command, args)
            .unwrap_or_else(|error| panic!("{command}: {error}"))
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = &self.app;
        let shown = self.recovery_codes_shown();
        for response in &self.responses {
            for (_, code) in &shown {
                assert!(
                    !response.contains(code.as_str()),
                    "the recovery code in {response}"
                );
            }
            assert!(
                !response.contains(SECRET) && !response.contains(&SECRET.to_lowercase()),
                "a secret in {response}"
            );
            assert!(
                !response.replace(' ', "").contains(SECRET_BYTES),
                "secret bytes in {response}"
            );
        }
    }
}
