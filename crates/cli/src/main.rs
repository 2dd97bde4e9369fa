//! `tessera`: one-time codes and account links from the command line.
//!
//! A thin layer over `tessera-core`: it parses arguments, calls the core, and prints. Output meant
//! for scripts goes to stdout (a code, or JSON); everything meant for people goes to stderr, as one
//! line that says what is wrong and what to do. Exit status 0 is success, 2 is bad input, 1 is
//! any other failure.
#![forbid(unsafe_code)]

mod commands;
mod failure;
mod input;
mod json;
mod scans;
mod unlock;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tessera: codes for every account, from the command line.
#[derive(Parser)]
#[command(name = "tessera", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    vault: unlock::VaultOptions,
}

#[derive(Subcommand)]
enum Command {
    /// Create the vault (opened by this device's key store, a password, or both).
    Init(commands::init::Args),
    /// Add accounts from a link or a Google Authenticator export.
    Add(commands::add::Args),
    /// Import accounts from another app's export or a Tessera backup (shown first, then added
    /// all at once).
    Import(commands::import::Args),
    /// Export every account: Tessera's encrypted backup, an Aegis vault, or links.
    Export(commands::export::Args),
    /// List the accounts (no secrets).
    List(commands::list::Args),
    /// Print the current code of an account (from the vault, or of a link with --uri).
    Code(commands::code::Args),
    /// Change an account's issuer or name.
    Rename(commands::manage::RenameArgs),
    /// Move an account to the trash (kept 30 days).
    Rm(commands::manage::RemoveArgs),
    /// List or restore the accounts in the trash.
    #[command(subcommand)]
    Trash(commands::manage::TrashCommand),
    /// Automatic encrypted backups into a folder after every change: turn on or off, back up
    /// now, list them.
    #[command(subcommand)]
    Backups(commands::backups::BackupsCommand),
    /// List, add or remove the ways the vault can be unlocked.
    #[command(subcommand)]
    Slots(commands::slots::SlotsCommand),
    /// Show what a link, QR payload or picture holds, as JSON (including the secret).
    Inspect(commands::inspect::Args),
    /// Read QR codes from pictures, or draw one for a link.
    #[command(subcommand)]
    Qr(commands::qr::QrCommand),
    /// Sign-in approvals: enroll with a server, then list, approve and deny sign-ins.
    #[command(subcommand)]
    Approvals(commands::approvals::ApprovalsCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let vault = &cli.vault;
    let result = match cli.command {
        Command::Init(args) => commands::init::run(args, vault),
        Command::Add(args) => commands::add::run(args, vault),
        Command::Import(args) => commands::import::run(args, vault),
        Command::Export(args) => commands::export::run(args, vault),
        Command::List(args) => commands::list::run(args, vault),
        Command::Code(args) => commands::code::run(args, vault),
        Command::Rename(args) => commands::manage::rename(args, vault),
        Command::Rm(args) => commands::manage::remove(args, vault),
        Command::Trash(command) => commands::manage::trash(command, vault),
        Command::Backups(command) => commands::backups::run(command, vault),
        Command::Slots(command) => commands::slots::run(command, vault),
        Command::Inspect(args) => commands::inspect::run(args),
        Command::Qr(command) => commands::qr::run(command),
        Command::Approvals(command) => commands::approvals::run(command, vault),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_are_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
