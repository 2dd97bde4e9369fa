//! Generates the plugin's permissions and, for the phones, links the Kotlin and Swift parts.

/// The commands the web view may call (each gets an allow and a deny permission).
const COMMANDS: &[&str] = &["biometric_available"];

fn main() {
    tauri_plugin::Builder::new(COMMANDS)
        .android_path("android")
        .ios_path("ios")
        .build();
}
