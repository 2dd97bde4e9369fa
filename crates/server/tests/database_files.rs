//! The server's SQLite database holds its private signing key in the clear: the files and the
//! folder it makes are readable by their owner only, whatever the umask, and the server warns
//! when it starts on a database that others can read.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use tessera_server::Store;

const CHILD: &str = "TESSERA_UMASK_022_SERVER";

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// Runs `tessera-server --data <folder> …` with umask 022, as an operator's shell would.
fn server_under_umask_022(folder: &Path, arguments: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
        .arg(env!("CARGO_BIN_EXE_tessera-server"))
        .arg("--data")
        .arg(folder)
        .args(arguments)
        .output()
        .unwrap()
}

#[test]
fn the_database_its_log_and_its_folder_are_private_even_under_umask_022() {
    let name = "the_database_its_log_and_its_folder_are_private_even_under_umask_022";
    if let Some(folder) = std::env::var_os(CHILD) {
        let folder = PathBuf::from(folder);
        let witness = folder.join("made the ordinary way");
        std::fs::write(&witness, b"").unwrap();
        assert_eq!(mode(&witness), 0o644, "the umask is 022");
        let data = folder.join("server/data");
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let store = runtime.block_on(Store::sqlite(&data)).unwrap();
        // While the store is open, the write-ahead log and its index are there.
        for file in [
            "approvals.sqlite3",
            "approvals.sqlite3-wal",
            "approvals.sqlite3-shm",
        ] {
            assert_eq!(mode(&data.join(file)), 0o600, "{file}");
        }
        drop(store);
        return;
    }
    let folder = tempfile::tempdir().unwrap();
    let output = std::process::Command::new("sh")
        .args(["-c", "umask 022 && exec \"$0\" \"$@\""])
        .arg(std::env::current_exe().unwrap())
        .args(["--exact", name, "--nocapture", "--test-threads=1"])
        .env(CHILD, folder.path())
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{printed}");
    assert!(
        printed.contains("1 passed"),
        "the child ran the test: {printed}"
    );
    assert_eq!(mode(&folder.path().join("server")), 0o700);
    assert_eq!(mode(&folder.path().join("server/data")), 0o700);
    assert_eq!(
        mode(&folder.path().join("server/data/approvals.sqlite3")),
        0o600
    );
}

#[test]
fn the_server_warns_at_start_when_others_can_read_its_database() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    // `new-api-key` for a name that is not registered opens the database and stops.
    let first = server_under_umask_022(&data, &["new-api-key", "Nobody"]);
    assert!(!first.status.success());
    let said = String::from_utf8_lossy(&first.stderr).to_string();
    assert!(!said.contains("warning"), "{said}");
    let database = data.join("approvals.sqlite3");
    assert_eq!(mode(&database), 0o600);
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o644)).unwrap();
    let second = server_under_umask_022(&data, &["new-api-key", "Nobody"]);
    let said = String::from_utf8_lossy(&second.stderr).to_string();
    assert!(
        said.contains(&format!(
            "warning: other users of this machine can read {}",
            database.display()
        )) && said.contains("chmod 600"),
        "{said}"
    );
}
