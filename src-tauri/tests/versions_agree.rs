//! The Tauri crates that Cargo locks and the Tauri packages that npm locks must be on the same
//! minor line: `tauri build` and `tauri android|ios build` refuse to run when they are not, and
//! a drift is easy to miss because the desktop scripts call cargo directly.

use std::collections::BTreeMap;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("src-tauri has a parent")
}

/// The version of every package in Cargo.lock, by name (the last one, if several are locked).
fn cargo_locked() -> BTreeMap<String, String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).expect("Cargo.lock reads");
    let mut versions = BTreeMap::new();
    let mut name = None;
    for line in lock.lines() {
        if let Some(value) = line.strip_prefix("name = ") {
            name = Some(value.trim_matches('"').to_owned());
        } else if let (Some(value), Some(n)) = (line.strip_prefix("version = "), name.take()) {
            versions.insert(n, value.trim_matches('"').to_owned());
        }
    }
    versions
}

/// The version of every `@tauri-apps/…` package in an npm lock file, by package name.
fn npm_locked(lock_file: &str) -> BTreeMap<String, String> {
    let text = std::fs::read_to_string(root().join(lock_file)).expect("the npm lock file reads");
    let lock: serde_json::Value = serde_json::from_str(&text).expect("the npm lock file is JSON");
    let packages = lock["packages"]
        .as_object()
        .expect("a lock file of version 3");
    packages
        .iter()
        .filter_map(|(path, entry)| {
            let name = path.strip_prefix("node_modules/")?;
            let version = entry["version"].as_str()?;
            name.starts_with("@tauri-apps/")
                .then(|| (name.to_owned(), version.to_owned()))
        })
        .collect()
}

fn minor_line(version: &str) -> String {
    version.split('.').take(2).collect::<Vec<_>>().join(".")
}

#[test]
fn tauri_crates_and_npm_packages_are_on_one_minor_line() {
    let crates = cargo_locked();
    let packages = npm_locked("ui/package-lock.json");
    let mut pairs = vec![("tauri".to_owned(), "@tauri-apps/api".to_owned())];
    for name in crates.keys() {
        if let Some(plugin) = name.strip_prefix("tauri-plugin-") {
            let package = format!("@tauri-apps/plugin-{plugin}");
            if packages.contains_key(&package) {
                pairs.push((name.clone(), package));
            }
        }
    }
    assert!(
        pairs.len() >= 2,
        "the UI uses the barcode scanner's package: {pairs:?}"
    );
    for (crate_name, package) in pairs {
        let (crate_version, package_version) = (&crates[&crate_name], &packages[&package]);
        assert_eq!(
            minor_line(crate_version),
            minor_line(package_version),
            "{crate_name} {crate_version} (Cargo.lock) and {package} {package_version} \
             (ui/package-lock.json) must share major.minor: update them together"
        );
    }
}

#[test]
fn the_tauri_command_line_is_pinned_exactly_on_the_same_line() {
    let text = std::fs::read_to_string(root().join("package.json")).expect("package.json reads");
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("package.json is JSON");
    let wanted = manifest["devDependencies"]["@tauri-apps/cli"]
        .as_str()
        .expect("the root package.json names @tauri-apps/cli");
    assert!(
        wanted.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "@tauri-apps/cli is pinned to one version, not a range: {wanted}"
    );
    assert_eq!(npm_locked("package-lock.json")["@tauri-apps/cli"], wanted);
    assert_eq!(
        manifest["scripts"]["tauri"], "tauri",
        "Gradle and Xcode run `npm run tauri`"
    );
    assert_eq!(minor_line(wanted), minor_line(&cargo_locked()["tauri"]));
}
