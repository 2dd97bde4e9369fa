//! One module per subcommand.

pub mod add;
pub mod approvals;
pub mod backups;
pub mod code;
pub mod export;
pub mod import;
pub mod init;
pub mod inspect;
pub mod list;
pub mod manage;
pub mod qr;
pub mod slots;
