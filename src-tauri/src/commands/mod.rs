//! The commands the web UI may call: thin layers over tessera-core, one file per screen's needs.

mod accounts;
mod approvals;
mod backups;
mod clock;
mod codes;
mod diagnostics;
mod export;
mod import;
mod lock;
mod manual;
mod moving;
mod settings;

/// Every command, for the invoke handler.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![
        accounts::list_accounts,
        accounts::edit_account,
        accounts::move_account,
        accounts::remove_account,
        accounts::undo_remove,
        codes::current_codes,
        codes::next_hotp_code,
        codes::copy_code,
        import::preview_link,
        import::preview_clipboard,
        import::preview_picture,
        import::preview_file,
        import::preview_file_password,
        import::confirm_import,
        export::export_accounts,
        import::preview_move_code,
        import::forget_scans,
        moving::start_move,
        moving::google_export_codes,
        moving::stop_move,
        manual::check_manual,
        manual::add_manual,
        lock::lock_status,
        lock::unlock_with_password,
        lock::unlock_with_recovery_code,
        lock::unlock_with_biometrics,
        lock::lock_now,
        lock::set_app_lock,
        lock::app_shown,
        lock::user_input,
        settings::settings,
        settings::set_settings,
        settings::screen_protection_works,
        settings::about,
        backups::backup_status,
        backups::pick_backup_folder,
        backups::turn_on_backups,
        backups::change_backups,
        backups::back_up_now,
        backups::turn_off_backups,
        diagnostics::started_at,
        approvals::connect_server,
        approvals::list_servers,
        approvals::disconnect_server,
        approvals::pending_approvals,
        approvals::answer_approval,
        approvals::confirm_presence,
        approvals::activity_log,
        approvals::export_activity_log,
        clock::clock_status,
        clock::check_clock,
    ]
}

/// Seconds since the Unix epoch.
pub(crate) fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or(0)
}

/// Seconds since the Unix epoch, as the vault and the approval protocol count them.
pub(crate) fn now_seconds() -> i64 {
    i64::try_from(now()).unwrap_or(i64::MAX)
}
