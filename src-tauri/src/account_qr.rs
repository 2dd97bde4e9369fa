//! "Show QR code" for moving an account to another device: the picture is served by Rust through
//! the `qr` URI scheme to the main window's `<img>`, so the account's link never passes through a
//! command's response, and the picture (from another origin than the page) cannot be read back by
//! a script.

use tauri::http::{Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext};

use crate::state::AppState;

/// The scheme: `qr://localhost/<account id>` (`http://qr.localhost/<id>` on Windows and Android).
pub const SCHEME: &str = "qr";
/// Pixels a module: large enough for a phone camera at arm's length from the screen.
const SCALE: usize = 8;

/// Answers a request for an account's QR code.
pub fn serve<R: Runtime>(
    context: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
) -> Response<Vec<u8>> {
    if context.webview_label() != "main" {
        return refuse(StatusCode::FORBIDDEN);
    }
    let Some(id) = request.uri().path().trim_matches('/').parse::<i64>().ok() else {
        return refuse(StatusCode::BAD_REQUEST);
    };
    let state = context.app_handle().state::<AppState>();
    let png = state.with_vault(|vault| {
        let link = tessera_core::link::write_otpauth(&vault.get(id)?.account);
        Ok(tessera_core::qr::encode(link.as_bytes())?.to_png(SCALE))
    });
    match png {
        Ok(png) => Response::builder()
            .header("Content-Type", "image/png")
            .header("Cache-Control", "no-store")
            .body(png)
            .unwrap_or_else(|_| refuse(StatusCode::INTERNAL_SERVER_ERROR)),
        Err(_) => refuse(StatusCode::NOT_FOUND),
    }
}

fn refuse(status: StatusCode) -> Response<Vec<u8>> {
    let mut response = Response::new(Vec::new());
    *response.status_mut() = status;
    response
}
