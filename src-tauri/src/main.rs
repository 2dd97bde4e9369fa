//! The desktop entry point; phones enter through `run` in lib.rs.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    tessera_app_lib::run();
}
