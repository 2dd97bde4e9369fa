//! A full disk: the write that does not fit is refused with a message that says so, and every
//! account saved before it stays. Uses a real, small tmpfs (the test command runs as root).

use std::path::{Path, PathBuf};
use std::process::Command;

use tessera_core::vault::slots::password::PasswordParams;
use tessera_core::vault::{Details, Duplicates, LockedVault, NewPassword, Password};
use tessera_core::{Account, Secret, Vault, VaultError};

struct SmallDisk(PathBuf);

impl SmallDisk {
    fn mount(folder: &Path, size: &str) -> SmallDisk {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(folder)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "mounting a small tmpfs failed: this test needs root (scripts/test.sh runs it as root)"
        );
        SmallDisk(folder.to_path_buf())
    }

    fn grow(&self, size: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .unwrap();
        assert!(status.success());
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_is_reported_and_what_was_saved_stays() {
    let folder = tempfile::tempdir().unwrap();
    let disk = SmallDisk::mount(folder.path(), "256k");
    let path = folder.path().join("vault.tessera");
    let (mut vault, _) = Vault::create(
        &path,
        &NewPassword("pw", PasswordParams::new(8 * 1024, 1, 1).unwrap()),
    )
    .unwrap();
    let note = "n".repeat(4000);
    let mut saved = 0;
    let error = loop {
        let secret = Secret::from_bytes(format!("secret {saved}").into_bytes()).unwrap();
        let details = Details {
            note: note.clone(),
            ..Details::default()
        };
        match vault.add(
            Account::totp(Some("Full"), &format!("user{saved}"), secret),
            details,
            Duplicates::Refuse,
        ) {
            Ok(_) => saved += 1,
            Err(error) => break error,
        }
        assert!(saved < 1000, "the small disk never filled");
    };
    assert_eq!(error, VaultError::DiskFull);
    assert!(error.to_string().contains("free some space"));
    assert!(saved > 5);
    assert_eq!(vault.list().unwrap().entries.len(), saved);
    drop(vault);

    disk.grow("8m");
    let vault = LockedVault::open(&path)
        .unwrap()
        .unlock(&Password("pw"))
        .unwrap();
    let listing = vault.list().unwrap();
    assert_eq!(listing.entries.len(), saved);
    assert!(listing.unreadable.is_empty());
}
