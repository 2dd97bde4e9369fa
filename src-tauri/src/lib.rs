//! The Tessera app: a Tauri 2 shell whose commands are thin layers over `tessera-core`.
//!
//! Each command parses its arguments, calls the core, and maps the result into a view for the web
//! UI (`views.rs`) or an error with a catalogue code (`error.rs`). No secret crosses into
//! JavaScript: accounts arrive without their keys, codes arrive with their validity window, and
//! links on the clipboard or in pictures are read and kept in Rust until the user confirms them.
//! The vault handle lives in Rust state (`state.rs`). Platform differences (the camera scanner,
//! the phones' key stores) sit behind `cfg(mobile)`.
#![forbid(unsafe_code)]
// `tauri::mobile_entry_point` generates an undocumented `pub extern "C" fn start_app()` on iOS.
#![cfg_attr(target_os = "ios", allow(missing_docs))]

mod account_qr;
mod activity;
mod commands;
mod error;
mod file_dialogs;
mod inbox;
mod lock_watch;
mod moving;
mod platform;
mod settings;
mod sign_in_notice;
mod state;
mod views;
mod words;

pub use error::{AppError, ErrorCode};
pub use state::AppState;

/// Adds Tessera's plugins, state and commands to a builder (`run` starts from the default one,
/// the tests from Tauri's mock builder).
pub fn configure<R: tauri::Runtime>(
    builder: tauri::Builder<R>,
    state: AppState,
) -> tauri::Builder<R> {
    let builder = builder
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_tessera::init());
    #[cfg(mobile)]
    let builder = builder.plugin(tauri_plugin_barcode_scanner::init());
    builder
        .manage(state)
        .register_uri_scheme_protocol(account_qr::SCHEME, account_qr::serve)
        .invoke_handler(commands::handler())
}

/// Starts the app.
#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    // Taken first, so that the start-up figures cover all of the app's own work.
    let started = std::time::SystemTime::now();
    let result = configure(tauri::Builder::default(), AppState::started_at(started))
        .setup(|app| {
            use tauri::Manager;
            let state = app.state::<AppState>();
            state.open_at_start(app.handle());
            let settings = state.settings();
            platform::protect_screen(app.handle(), settings.screen_protection);
            lock_watch::start(app.handle().clone());
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(error) = result {
        eprintln!("Tessera could not start: {error}");
        std::process::exit(1);
    }
}
