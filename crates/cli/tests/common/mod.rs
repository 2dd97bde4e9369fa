//! Running the `tessera` binary in tests: arguments, environment, standard input, and checks on
//! what it printed.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// One way of running `tessera`: the vault it uses (if any), extra environment, standard input.
#[derive(Clone)]
pub struct Run<'a> {
    vault: Option<&'a Path>,
    env: Vec<(&'a str, String)>,
    stdin: Option<String>,
}

impl<'a> Run<'a> {
    /// Runs without a vault (for `code --uri` and `inspect`).
    pub fn plain() -> Run<'a> {
        Run {
            vault: None,
            env: Vec::new(),
            stdin: None,
        }
    }

    /// Runs with `TESSERA_VAULT` set to this file.
    pub fn new(vault: &'a Path) -> Run<'a> {
        Run {
            vault: Some(vault),
            env: Vec::new(),
            stdin: None,
        }
    }

    /// The same, with one more environment variable.
    pub fn env(&self, key: &'a str, value: &str) -> Run<'a> {
        let mut run = self.clone();
        run.env.push((key, value.to_string()));
        run
    }

    /// The same, with a D-Bus address that has nothing behind it: no key store.
    pub fn without_key_store(&self) -> Run<'a> {
        self.env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/tessera-test-bus",
        )
    }

    /// The same, with this text on standard input.
    pub fn stdin(&self, text: &str) -> Run<'a> {
        let mut run = self.clone();
        run.stdin = Some(text.to_string());
        run
    }

    /// Runs `tessera` with these arguments.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tessera"));
        command
            .args(args)
            .env_remove("TESSERA_PASSWORD")
            .env_remove("TESSERA_VAULT");
        if let Some(vault) = self.vault {
            command.env("TESSERA_VAULT", vault);
        }
        for (key, value) in &self.env {
            command.env(key, value);
        }
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("tessera runs");
        let mut stdin = child.stdin.take().expect("stdin");
        if let Some(text) = &self.stdin {
            stdin.write_all(text.as_bytes()).expect("write stdin");
        }
        drop(stdin);
        child.wait_with_output().expect("tessera finishes")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "tessera {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("UTF-8")
    }

    /// Runs and expects bad input: exit status 2, nothing on stdout, one line on stderr that
    /// contains `expected`. Returns the line.
    pub fn refused(&self, args: &[&str], expected: &str) -> String {
        let output = self.run(args);
        let message = String::from_utf8(output.stderr).expect("UTF-8");
        assert_eq!(output.status.code(), Some(2), "tessera {args:?}: {message}");
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            "",
            "nothing on stdout"
        );
        assert_eq!(message.lines().count(), 1, "one line: {message}");
        assert!(message.contains(expected), "'{expected}' in: {message}");
        message
    }
}

/// The three links of a Google Authenticator export of 25 accounts (10, 10 and 5).
pub fn export_of_25_accounts() -> Vec<String> {
    use tessera_core::link::migration::write_export_with_batch_id;
    use tessera_core::{Account, Secret};
    let accounts: Vec<Account> = (0..25)
        .map(|n| {
            Account::totp(
                Some("Shop"),
                &format!("user{n}"),
                Secret::from_bytes(vec![n as u8 + 1; 10]).expect("not empty"),
            )
        })
        .collect();
    write_export_with_batch_id(&accounts, 5).links
}
