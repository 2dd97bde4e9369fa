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

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Tessera: codes for every account, from the command line.
#[derive(Parser)]
#[command(name = "tessera", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the current code of an account link.
    Code(commands::code::Args),
    /// Show what a link or QR payload holds, as JSON (including the secret).
    Inspect(commands::inspect::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Code(args) => commands::code::run(args),
        Command::Inspect(args) => commands::inspect::run(args),
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
