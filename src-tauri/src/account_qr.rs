//! The `qr` URI scheme: pictures of QR codes for the main window's `<img>` elements, drawn in
//! Rust, so that what they hold never passes through a command's response, and (from another
//! origin than the page) cannot be read back by a script.
//!
//! - `qr://localhost/<account id>`: "Show QR code" for one account, its `otpauth://` link;
//! - `qr://localhost/move/<id>/<part>` and `qr://localhost/google/<id>/<part>`: the codes of
//!   "Move to another device" (`moving.rs`) while its screen shows them.
//!
//! (`http://qr.localhost/…` on Windows and Android.)

use tauri::http::{Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext};

use crate::moving::Page;
use crate::state::AppState;

/// The scheme.
pub const SCHEME: &str = "qr";
/// Pixels a module: large enough for a phone camera at arm's length from the screen.
const SCALE: usize = 8;

/// Answers a request for a picture.
pub fn serve<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    if context.webview_label() != "main" {
        return refuse(StatusCode::FORBIDDEN);
    }
    let state = context.app_handle().state::<AppState>();
    match picture(&state, request.uri().path()) {
        Some(png) => Response::builder()
            .header("Content-Type", "image/png")
            .header("Cache-Control", "no-store")
            .body(png)
            .unwrap_or_else(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR)),
        None => refuse(StatusCode::NOT_FOUND),
    }
}

/// The PNG a `qr` address's path names, if there is one to show (an account of the unlocked
/// vault, or a page of the move on show). The page's `convertFileSrc` escapes the slashes in
/// what it is given (`move%2F…`): they are read as slashes.
pub fn picture(state: &AppState, path: &str) -> Option<Vec<u8>> {
    let path = path.replace("%2F", "/").replace("%2f", "/");
    if let Some(page) = Page::parse(&path) {
        return state.outgoing.lock().ok()?.picture(&page);
    }
    let id = path.trim_matches('/').parse::<i64>().ok()?;
    state
        .with_vault(|vault| {
            let link = tessera_core::link::write_otpauth(&vault.get(id)?.account);
            Ok(tessera_core::qr::encode(link.as_bytes())?.to_png(SCALE))
        })
        .ok()
}

fn refuse(status: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = status;
    response
}
