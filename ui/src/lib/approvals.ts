// The sign-ins waiting, as the approval screen keeps them: merged from what Rust sends (the list
// on start and resume, each arrival as it comes), without duplicates, oldest first, and dropped
// once expired; and what each answer means in words.

import type { AnswerOutcome, ApprovalView, SourceKind } from './api';

/** The key that names one sign-in: its server and its id there. */
export function approvalKey(approval: Pick<ApprovalView, 'serverId' | 'id'>): string {
  return `${approval.serverId}/${approval.id}`;
}

/** Oldest first, one entry per sign-in (a newer copy replaces an older one). */
export function merge(current: ApprovalView[], arriving: ApprovalView[]): ApprovalView[] {
  const byKey = new Map(current.map((approval) => [approvalKey(approval), approval]));
  for (const approval of arriving) byKey.set(approvalKey(approval), approval);
  return [...byKey.values()].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

/** What Rust's list says is waiting now, keeping nothing that it no longer lists. */
export function replaceWith(listed: ApprovalView[]): ApprovalView[] {
  return merge([], listed);
}

/** The sign-ins still open at `now` (Unix seconds). */
export function stillOpen(approvals: ApprovalView[], now: number): ApprovalView[] {
  return approvals.filter((approval) => approval.expiresAt > now);
}

/** Without this one (answered, or gone). */
export function without(approvals: ApprovalView[], gone: Pick<ApprovalView, 'serverId' | 'id'>): ApprovalView[] {
  const key = approvalKey(gone);
  return approvals.filter((approval) => approvalKey(approval) !== key);
}

/** Whole seconds left, never below zero. */
export function secondsLeft(approval: ApprovalView, now: number): number {
  return Math.max(0, Math.ceil(approval.expiresAt - now));
}

/** `1:05`, `0:09`: the countdown as a clock shows it. */
export function countdownText(seconds: number): string {
  const whole = Math.max(0, Math.floor(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * The catalogue key of the message an answer leaves on screen. A privacyIDEA server pauses
 * nothing after "this wasn't me": its message says only what happened.
 */
export function outcomeMessageKey(outcome: AnswerOutcome | 'expired', kind: SourceKind = 'tessera'): string {
  return outcome === 'notMe' && kind === 'privacy_idea' ? 'approval.outcome.notMe.privacyIdea' : `approval.outcome.${outcome}`;
}

/** A typed number the screen can send: one or two digits, as the site shows it. */
export function typedNumber(text: string): number | null {
  const trimmed = text.trim();
  return /^\d{1,2}$/.test(trimmed) ? Number(trimmed) : null;
}
