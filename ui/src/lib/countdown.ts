// The countdown of a time-based code, worked out from its validity window and the clock, and when
// the codes on screen need fetching again.

import type { CodeView } from './api';

/** In the last seconds of a period the next code is shown beside the current one. */
export const NEXT_CODE_SECONDS = 5;

export interface Countdown {
  /** What is left of the period, from 1 (just started) to 0 (expired). */
  fraction: number;
  /** Whole seconds left, rounded up, as a person would count them. */
  secondsLeft: number;
  showNext: boolean;
}

/** All times in Unix seconds; `now` may carry a fraction. */
export function countdown(validFrom: number, validUntil: number, now: number): Countdown {
  const period = validUntil - validFrom;
  const left = Math.min(Math.max(validUntil - now, 0), Math.max(period, 0));
  return {
    fraction: period > 0 ? left / period : 0,
    secondsLeft: Math.ceil(left),
    showNext: left > 0 && left <= NEXT_CODE_SECONDS,
  };
}

/** A little past the end of a window, so the new codes are those of the next window. */
const MARGIN_MS = 50;
/** If codes come back already expired (a clock jump), do not ask again at once. */
const RETRY_MS = 1000;

/**
 * Milliseconds until the first code on screen expires, or null when no code expires (counter-based
 * codes only): the codes are fetched again then, and not on every tick of the clock.
 */
export function refreshDelay(codes: CodeView[], now: number): number | null {
  const ends = codes.map((code) => code.validUntil).filter((end): end is number => end !== null);
  if (ends.length === 0) return null;
  const left = Math.min(...ends) - now;
  return left > 0 ? Math.ceil(left * 1000) + MARGIN_MS : RETRY_MS;
}
