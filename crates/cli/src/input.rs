//! Where links come from: the command line, or standard input when the argument is `-` (so that
//! a secret need not appear in the process list or the shell's history).

use std::io::Read;

use crate::failure::Failure;

/// The most a link read from standard input may be; export links are a few kilobytes.
const MAX_STDIN: u64 = 1 << 20;

/// The link an argument stands for: the argument itself, or standard input for `-`.
pub fn link(argument: &str) -> Result<String, Failure> {
    if argument != "-" {
        return Ok(argument.to_string());
    }
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_STDIN)
        .read_to_string(&mut text)
        .map_err(|_| Failure::bad_input("standard input is not text: give the link as text"))?;
    Ok(text)
}
