//! The Python peer for Tessera's backups (`backup_peer.py`): a reader and writer written from
//! `docs/backup-format.md` alone, over Debian's python3-cryptography and python3-argon2.

use std::io::Write;
use std::process::{Command, Stdio};

/// The system's Python, for which the test command installs the Debian packages the peer needs
/// (a `python3` earlier on the PATH, such as a pyenv shim, may lack them).
fn python() -> Command {
    let system = std::path::Path::new("/usr/bin/python3");
    Command::new(if system.exists() {
        system.as_os_str()
    } else {
        "python3".as_ref()
    })
}

/// Runs the peer with `args` and `input` on stdin: its exit status, stdout and stderr.
fn run(args: &[&str], input: &[u8]) -> (i32, Vec<u8>, String) {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peer/backup_peer.py");
    let mut child = python()
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs the backup peer");
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().expect("the peer finishes");
    writer
        .join()
        .expect("writer thread")
        .expect("the peer reads its input");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        !stderr.contains("ModuleNotFoundError"),
        "the backup peer needs python3-cryptography and python3-argon2 (scripts/test.sh installs them): {stderr}"
    );
    (output.status.code().unwrap_or(-1), output.stdout, stderr)
}

/// What the peer read from a backup with `text` (a password or a recovery code): its JSON
/// (`opened_by` and the accounts, secrets in hex), or its exit status (2 wrong, 3 newer, 4 damaged).
pub fn python_reads(file: &[u8], text: &str) -> Result<serde_json::Value, i32> {
    let (status, stdout, stderr) = run(&["read", text], file);
    if status != 0 {
        return Err(status);
    }
    assert!(stderr.is_empty(), "{stderr}");
    Ok(serde_json::from_slice(&stdout).expect("the peer prints JSON"))
}

/// A backup the peer wrote of `document` (the body's JSON), opened by a password (with Argon2id's
/// memory in KiB and passes) and/or a recovery code.
pub fn python_writes(
    document: &serde_json::Value,
    password: Option<(&str, u32, u32)>,
    recovery_code: Option<&str>,
) -> Vec<u8> {
    let mut args = vec!["write".to_string()];
    if let Some((password, memory, passes)) = password {
        args.extend([
            "--password".into(),
            password.into(),
            "--m".into(),
            memory.to_string(),
            "--t".into(),
            passes.to_string(),
        ]);
    }
    if let Some(code) = recovery_code {
        args.extend(["--recovery-code".into(), code.into()]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (status, stdout, stderr) = run(&args, document.to_string().as_bytes());
    assert_eq!(status, 0, "the peer could not write: {stderr}");
    stdout
}
