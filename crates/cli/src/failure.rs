//! How a command fails: one line on stderr and an exit status that tells scripts what happened.

use std::process::ExitCode;

/// A failed command: the message for the user and whether the input was at fault.
pub struct Failure {
    message: String,
    bad_input: bool,
}

impl Failure {
    /// The user's input was wrong (exit status 2).
    pub fn bad_input(message: impl ToString) -> Failure {
        Failure {
            message: message.to_string(),
            bad_input: true,
        }
    }

    /// Something else went wrong (exit status 1).
    pub fn other(message: impl ToString) -> Failure {
        Failure {
            message: message.to_string(),
            bad_input: false,
        }
    }

    /// Prints the message as one line and gives the exit status.
    pub fn report(self) -> ExitCode {
        let line = self.message.replace(['\n', '\r'], " ");
        eprintln!("tessera: {line}");
        ExitCode::from(if self.bad_input { 2 } else { 1 })
    }
}

impl From<tessera_core::LinkError> for Failure {
    fn from(error: tessera_core::LinkError) -> Failure {
        Failure::bad_input(error)
    }
}

impl From<tessera_core::link::ExportError> for Failure {
    fn from(error: tessera_core::link::ExportError) -> Failure {
        Failure::bad_input(error)
    }
}
