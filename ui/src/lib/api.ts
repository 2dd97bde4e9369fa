// The one module that talks to Rust: every Tauri command appears here once, typed.
// Secrets never come back from these calls: accounts arrive without their keys, and codes
// arrive with the window in which they are valid.

import { convertFileSrc, invoke } from '@tauri-apps/api/core';

export type Kind = 'totp' | 'hotp' | 'steam';
export type Algorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** An account as the screens show it: no secret. */
export interface AccountView {
  id: number;
  issuer: string | null;
  name: string;
  kind: Kind;
  digits: number;
  /** Seconds a code lasts (time-based accounts), else null. */
  period: number | null;
  group: string | null;
  icon: string | null;
  note: string;
}

/** A code with its validity window (Unix seconds); counter-based codes have no window. */
export interface CodeView {
  id: number;
  code: string;
  /** The code of the next period, for the last seconds of this one (time-based only). */
  next: string | null;
  validFrom: number | null;
  validUntil: number | null;
}

/** An error from Rust: `code` names a message in the catalogues (`error.<code>`). */
export interface AppError {
  code: string;
  /** Words from the input that the message may quote (a file name, an issuer). */
  detail: string | null;
}

/** What a link, the clipboard or a picture holds, before anything is added. */
export interface Preview {
  /** Hand back to `confirmImport` to add these accounts. */
  token: string;
  accounts: PreviewAccount[];
  /** Things worth saying about the link (two issuers, a missing counter), for the catalogues to word. */
  warnings: LinkWarning[];
  /** Entries that cannot be used: the reason in English words, and its name and parameter for the catalogues. */
  unusable: UnusableEntry[];
  /** For Google exports: the parts (from 1) still to scan, and how many there are. */
  missingParts: number[];
  partsTotal: number;
  /** Moves from another device being scanned; one with no part missing waits for its code. */
  transfers: TransferView[];
  /** An approval server's enrollment link was read: connecting waits for the user's yes. */
  connect: ConnectOffer | null;
}

/** The formats Settings → Export offers. */
export type ExportFormat = 'tessera' | 'aegis' | 'otpauth' | 'google';

/** What an export wrote. */
export interface ExportDone {
  count: number;
  /** Accounts the format could not take (Google's), by name. */
  leftOut: string[];
}

/** Something odd about a link that was read all the same. */
export interface LinkWarning {
  /** `preview.warning.<code>` in the catalogues. */
  code: 'issuer_conflict' | 'missing_counter' | 'repeated_parameter';
  /** The link's own words that the message quotes, by the name the message gives them. */
  parameters: Record<string, string>;
}

/** How far the scanning of a move from another device has come. */
export interface TransferView {
  id: string;
  /** How many QR codes the move has. */
  count: number;
  /** The codes (from 1) still to scan; empty when the move waits for its code. */
  missing: number[];
}

/** A move to another device on show: its pictures are served by Rust (`qrPageUrl`). */
export interface MoveView {
  id: string;
  /** How many QR codes, numbered from 1. */
  parts: number;
  /** The one-time code to type on the new device (`K7QM2-X9TRA`). */
  code: string;
  accounts: number;
  /** Accounts left out because their records are damaged. */
  unreadable: number;
}

/** Google Authenticator export codes on show (unencrypted). */
export interface GoogleCodesView {
  id: string;
  /** How many QR codes (none when no account fits Google's format). */
  parts: number;
  accounts: number;
  leftOut: LeftOut[];
}

/** An account Google's format cannot carry: `move.google.reason.<code>` says why. */
export interface LeftOut {
  label: string;
  reason: string;
  code: 'algorithm' | 'steam' | 'digits' | 'period' | 'counter';
}

/** An entry of a file or export that cannot become an account, and why. */
export interface UnusableEntry {
  label: string;
  reason: string;
  /** `preview.reason.<code>` in the catalogues, where there is one. */
  code: string;
  parameter: string | null;
}

/** What kind of server asks for approvals: Tessera's own, or a privacyIDEA push token's. */
export type SourceKind = 'tessera' | 'privacy_idea';

/** An approval server the user may connect to (its link's one-time token stays in Rust). */
export interface ConnectOffer {
  /** Hand back to `connectServer`. */
  token: string;
  /** The server's origin, for the user to check. */
  server: string;
  kind: SourceKind;
  /** A privacyIDEA token's issuer, serial number and full address. */
  issuer: string | null;
  serial: string | null;
  url: string | null;
}

/** An approval server the vault is enrolled with. Times are Unix seconds. */
export interface ServerView {
  id: number;
  kind: SourceKind;
  server: string;
  relyingParty: string;
  account: string;
  deviceName: string;
  enrolledAt: number;
  /** When the app last reached it since it started; null when it has not yet. */
  lastReached: number | null;
}

/** A sign-in waiting for an answer. Times are Unix seconds. */
export interface ApprovalView {
  serverId: number;
  id: string;
  kind: SourceKind;
  server: string;
  relyingParty: string;
  account: string;
  site: string;
  application: string | null;
  browser: string | null;
  place: string | null;
  ip: string | null;
  /** When the sign-in was asked for. */
  time: number;
  /**
   * `typed`: the user types the number the site shows; `choose`: one of three; `pick`: one of
   * `options` (a privacyIDEA token's); `none`: nothing to match, approve or deny.
   */
  mode: 'typed' | 'choose' | 'pick' | 'none';
  choices: number[] | null;
  options: string[];
  /** The server's own question, where it words one. */
  question: string | null;
  createdAt: number;
  expiresAt: number;
  /** The user gave the site no password: approving needs the user verified on this device. */
  passwordless: boolean;
}

export interface Pending {
  /** Oldest first. */
  approvals: ApprovalView[];
  /** The origins of the servers that could not be asked. */
  unreachable: string[];
}

export type UserAnswer = 'approve' | 'deny' | 'notMe';
export type AnswerOutcome = 'approved' | 'denied' | 'wrongNumber' | 'notMe' | 'gone';

/** How the device's clock compared with a server's. */
export interface ClockView {
  server: string;
  /** The server's time minus the device's: positive when the device is behind. */
  offsetSeconds: number;
  /** Off by more than codes and approvals tolerate. */
  off: boolean;
}

export interface PreviewAccount {
  issuer: string | null;
  name: string;
  kind: Kind;
  digits: number;
  period: number | null;
  /** The id of an account already in the vault that this one duplicates. */
  duplicateOf: number | null;
}

/** The add-by-hand form. The secret is what the user typed. */
export interface ManualAccount {
  issuer: string;
  name: string;
  secret: string;
  kind: Kind;
  algorithm: Algorithm;
  digits: number;
  period: number;
  counter: number;
}

/** The result of checking the form as the user types: an error, or the first code to compare. */
export interface ManualCheck {
  error: AppError | null;
  firstCode: string | null;
}

export interface AccountEdit {
  issuer?: string | null;
  name?: string;
  icon?: string | null;
  note?: string;
  group?: string | null;
}

export type Language = 'system' | 'en' | 'nl';
export type Theme = 'system' | 'light' | 'dark';

export type LockAfter = 'immediately' | '30s' | '1m' | '5m';

export interface Settings {
  language: Language;
  theme: Theme;
  /** With app lock on: how long Tessera may be away from the screen before it locks. */
  lockAfter: LockAfter;
  screenProtection: boolean;
  hideCodes: boolean;
}

export type UnlockWay = 'biometric' | 'password' | 'recovery';

/** Where the vault stands: locked or not, and how it can be unlocked. No account in it. */
export interface LockStatus {
  locked: boolean;
  /** The vault asks before it opens (it has no device slot). */
  appLock: boolean;
  ways: UnlockWay[];
  biometricAvailable: boolean;
  /** Seconds before the next try, after too many wrong ones. */
  waitSeconds: number;
}

/** Automatic backups as Settings and the accounts screen show them: no key, no password. */
export interface BackupsView {
  on: boolean;
  folder: string | null;
  keep: number;
  /** When the last backup was written (Unix seconds), its file name and how many accounts it holds. */
  lastWrittenAt: number | null;
  lastWrittenName: string | null;
  lastWrittenAccounts: number | null;
  /** Why the last try failed, until a later backup is written. */
  failure: { at: number; error: AppError } | null;
  /** Whether this platform lets Tessera pick a folder (not on phones yet). */
  folderPicker: boolean;
}

export interface About {
  version: string;
  licences: { name: string; version: string; licence: string }[];
}

export const api = {
  listAccounts: () => invoke<AccountView[]>('list_accounts'),
  currentCodes: () => invoke<CodeView[]>('current_codes'),
  nextHotpCode: (id: number) => invoke<CodeView>('next_hotp_code', { id }),
  previewLink: (text: string) => invoke<Preview>('preview_link', { text }),
  previewClipboard: () => invoke<Preview | null>('preview_clipboard'),
  previewPicture: () => invoke<Preview | null>('preview_picture'),
  /** Another app's export or a Tessera backup; fails with `file_needs_password` when it is encrypted. */
  previewFile: () => invoke<Preview | null>('preview_file'),
  /** Every account, written where the user chooses; null when the user cancels. */
  exportAccounts: (format: ExportFormat, password: string | null, unencrypted: boolean) =>
    invoke<ExportDone | null>('export_accounts', { format, password, unencrypted }),
  /** The file picked last, opened with its password. */
  previewFilePassword: (password: string) => invoke<Preview>('preview_file_password', { password }),
  confirmImport: (token: string, keepDuplicates: boolean) =>
    invoke<number[]>('confirm_import', { token, keepDuplicates }),
  /** Opens a move from another device whose codes are all scanned, with the code shown beside them. */
  previewMoveCode: (code: string) => invoke<Preview>('preview_move_code', { code }),
  /** Forgets the export and move codes scanned so far. */
  forgetScans: () => invoke<void>('forget_scans'),
  /** Makes new QR codes of every account, encrypted with a new one-time code. */
  startMove: () => invoke<MoveView>('start_move'),
  /** Google Authenticator export codes of every account Google's format takes (unencrypted). */
  googleExportCodes: () => invoke<GoogleCodesView>('google_export_codes'),
  /** Forgets the codes on show. */
  stopMove: () => invoke<void>('stop_move'),
  checkManual: (form: ManualAccount) => invoke<ManualCheck>('check_manual', { form }),
  addManual: (form: ManualAccount) => invoke<number>('add_manual', { form }),
  copyCode: (id: number) => invoke<{ clearedAfterSeconds: number }>('copy_code', { id }),
  editAccount: (id: number, edit: AccountEdit) => invoke<AccountView>('edit_account', { id, edit }),
  moveAccount: (id: number, place: number) => invoke<void>('move_account', { id, place }),
  removeAccount: (id: number) => invoke<void>('remove_account', { id }),
  undoRemove: (id: number) => invoke<void>('undo_remove', { id }),
  lockStatus: () => invoke<LockStatus>('lock_status'),
  unlockWithPassword: (password: string) => invoke<void>('unlock_with_password', { password }),
  unlockWithRecoveryCode: (code: string) => invoke<void>('unlock_with_recovery_code', { code }),
  unlockWithBiometrics: () => invoke<void>('unlock_with_biometrics'),
  lockNow: () => invoke<boolean>('lock_now'),
  /** The recovery code, if one is made, is shown by the system's dialog, never returned here. */
  setAppLock: (on: boolean, password: string | null, biometric: boolean, language: string) =>
    invoke<{ recoveryCodeShown: boolean }>('set_app_lock', { on, password, biometric, language }),
  appShown: (visible: boolean) => invoke<void>('app_shown', { visible }),
  userInput: () => invoke<void>('user_input'),
  screenProtectionWorks: () => invoke<boolean>('screen_protection_works'),
  settings: () => invoke<Settings>('settings'),
  setSettings: (settings: Settings) => invoke<void>('set_settings', { settings }),
  about: () => invoke<About>('about'),
  backupStatus: () => invoke<BackupsView>('backup_status'),
  /** The folder the user picked; null when cancelled. */
  pickBackupFolder: () => invoke<string | null>('pick_backup_folder'),
  /** The password goes to Rust once, for the key the vault keeps; it never comes back. */
  turnOnBackups: (folder: string, password: string, keep: number) =>
    invoke<BackupsView>('turn_on_backups', { folder, password, keep }),
  changeBackups: (folder: string | null, keep: number | null) =>
    invoke<BackupsView>('change_backups', { folder, keep }),
  backUpNow: () => invoke<BackupsView>('back_up_now'),
  turnOffBackups: () => invoke<BackupsView>('turn_off_backups'),
  connectServer: (token: string, deviceName: string | null) =>
    invoke<ServerView>('connect_server', { token, deviceName }),
  listServers: () => invoke<ServerView[]>('list_servers'),
  disconnectServer: (id: number) => invoke<void>('disconnect_server', { id }),
  pendingApprovals: () => invoke<Pending>('pending_approvals'),
  /** `number` typed or chosen; `option` the place of the option picked (`pick` mode). */
  answerApproval: (serverId: number, id: string, answer: UserAnswer, number: number | null, option: number | null) =>
    invoke<AnswerOutcome>('answer_approval', { serverId, id, answer, number, option }),
  /** Before approving with app lock on: the password, or null for a biometric check. */
  confirmPresence: (password: string | null) => invoke<void>('confirm_presence', { password }),
  activityLog: () => invoke<string>('activity_log'),
  /** False when the user cancelled the save dialog. */
  exportActivityLog: () => invoke<boolean>('export_activity_log'),
  clockStatus: () => invoke<ClockView | null>('clock_status'),
  checkClock: () => invoke<ClockView>('check_clock'),
  /** When the app's process started, in Unix milliseconds. */
  startedAt: () => invoke<number>('started_at'),
};

/**
 * The address of an account's QR code picture, served by Rust (the `qr` scheme), so that the
 * account's link never comes back from a command.
 */
export function accountQrUrl(id: number): string {
  return convertFileSrc(String(id), 'qr');
}

/** The address of a page of the move screen's QR codes, drawn by Rust (the `qr` scheme). */
export function qrPageUrl(kind: 'move' | 'google', id: string, part: number): string {
  return convertFileSrc(`${kind}/${id}/${part}`, 'qr');
}

/** Tauri rejects with the command's error; ours are `AppError`s. */
export function asAppError(thrown: unknown): AppError {
  if (thrown && typeof thrown === 'object' && 'code' in thrown) {
    return thrown as AppError;
  }
  return { code: 'unexpected', detail: String(thrown) };
}
