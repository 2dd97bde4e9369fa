import { describe, expect, it } from 'vitest';
import type { CodeView } from './api';
import { countdown, refreshDelay } from './countdown';

describe('countdown', () => {
  it('is full at the start of a period', () =>
    expect(countdown(60, 90, 60)).toEqual({ fraction: 1, secondsLeft: 30, showNext: false }));

  it('counts whole seconds up', () => {
    const c = countdown(60, 90, 70.2);
    expect(c.secondsLeft).toBe(20);
    expect(c.fraction).toBeCloseTo(19.8 / 30);
  });

  it('does not show the next code six seconds before the end', () =>
    expect(countdown(60, 90, 84).showNext).toBe(false));

  it('shows the next code in the last five seconds', () => {
    expect(countdown(60, 90, 85).showNext).toBe(true);
    expect(countdown(60, 90, 89.9).showNext).toBe(true);
  });

  it('stops at zero once expired', () =>
    expect(countdown(60, 90, 95)).toEqual({ fraction: 0, secondsLeft: 0, showNext: false }));

  it('stays full when the clock is behind the window', () =>
    expect(countdown(60, 90, 50)).toEqual({ fraction: 1, secondsLeft: 30, showNext: false }));
});

const code = (id: number, validUntil: number | null): CodeView => ({
  id,
  code: '123456',
  next: null,
  validFrom: validUntil === null ? null : validUntil - 30,
  validUntil,
});

describe('refreshDelay', () => {
  it('waits for the earliest expiry, just past it', () =>
    expect(refreshDelay([code(1, 120), code(2, 90)], 80)).toBe(10_050));

  it('has nothing to wait for with counter-based codes only', () =>
    expect(refreshDelay([code(1, null)], 80)).toBeNull());

  it('ignores counter-based codes beside time-based ones', () =>
    expect(refreshDelay([code(1, null), code(2, 100)], 99.5)).toBe(550));

  it('waits a second when a code is already expired', () =>
    expect(refreshDelay([code(1, 90)], 95)).toBe(1000));
});
