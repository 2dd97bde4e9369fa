//! One module per subcommand.

pub mod code;
pub mod inspect;
