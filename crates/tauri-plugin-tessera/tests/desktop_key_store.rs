//! The desktop key store through the plugin, against the real Secret Service: gnome-keyring in a
//! private D-Bus session, which `scripts/test.sh` starts (through `scripts/with-keyring.sh`).

#![cfg(target_os = "linux")]

use tauri::test::{mock_builder, mock_context, noop_assets};
use tauri_plugin_tessera::TesseraExt;
use tessera_core::vault::KeyStoreError;

#[test]
fn a_key_saved_through_the_plugin_comes_back_and_goes() {
    let app = mock_builder()
        .plugin(tauri_plugin_tessera::init())
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let store = app.tessera().key_store().unwrap_or_else(|error| {
        panic!("{error}: run the tests with scripts/test.sh, which starts gnome-keyring")
    });
    let entry = "tauri-plugin-tessera test entry";
    store.save(entry, &[7; 32]).unwrap();
    assert_eq!(store.load(entry).unwrap().as_slice(), &[7; 32]);
    store.save(entry, &[9; 32]).unwrap();
    assert_eq!(store.load(entry).unwrap().as_slice(), &[9; 32]);
    store.delete(entry).unwrap();
    assert_eq!(store.load(entry), Err(KeyStoreError::Missing));
    store.delete(entry).unwrap();
}
