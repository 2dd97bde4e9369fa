import { describe, expect, it } from 'vitest';
import type { ApprovalView } from './api';
import {
  approvalKey,
  countdownText,
  merge,
  outcomeMessageKey,
  replaceWith,
  secondsLeft,
  stillOpen,
  typedNumber,
  without,
} from './approvals';

const approval = (serverId: number, id: string, createdAt: number, expiresAt = createdAt + 90): ApprovalView => ({
  serverId,
  id,
  kind: 'tessera',
  server: 'https://approvals.example.com',
  relyingParty: 'Demo shop',
  account: 'alice',
  site: 'Demo shop',
  application: null,
  browser: 'Firefox on Linux',
  place: 'Utrecht, NL',
  ip: '192.0.2.7',
  time: createdAt,
  mode: 'typed',
  choices: null,
  options: [],
  question: null,
  createdAt,
  expiresAt,
  passwordless: false,
});

describe('the waiting sign-ins', () => {
  it('are merged oldest first, one entry per sign-in', () => {
    const list = merge([approval(1, 'b', 200)], [approval(1, 'a', 100), approval(1, 'b', 200)]);
    expect(list.map(approvalKey)).toEqual(['1/a', '1/b']);
  });

  it('tell sign-ins of two servers with the same id apart', () =>
    expect(merge([approval(1, 'x', 100)], [approval(2, 'x', 100)])).toHaveLength(2));

  it('take what the list says, dropping what it no longer lists', () =>
    expect(replaceWith([approval(1, 'c', 300)]).map(approvalKey)).toEqual(['1/c']));

  it('drop the expired ones', () => {
    const list = [approval(1, 'old', 100, 190), approval(1, 'new', 150, 240)];
    expect(stillOpen(list, 200).map(approvalKey)).toEqual(['1/new']);
    expect(stillOpen(list, 240)).toEqual([]);
  });

  it('lose one that was answered', () =>
    expect(without([approval(1, 'a', 1), approval(1, 'b', 2)], { serverId: 1, id: 'a' }).map(approvalKey)).toEqual([
      '1/b',
    ]));
});

describe('the countdown', () => {
  it('counts whole seconds up and stops at zero', () => {
    expect(secondsLeft(approval(1, 'a', 100, 190), 120.2)).toBe(70);
    expect(secondsLeft(approval(1, 'a', 100, 190), 200)).toBe(0);
  });

  it('reads like a clock', () => {
    expect(countdownText(65)).toBe('1:05');
    expect(countdownText(9)).toBe('0:09');
    expect(countdownText(-3)).toBe('0:00');
  });
});

describe('answers', () => {
  it('name their messages', () => {
    expect(outcomeMessageKey('wrongNumber')).toBe('approval.outcome.wrongNumber');
    expect(outcomeMessageKey('expired')).toBe('approval.outcome.expired');
    expect(outcomeMessageKey('notMe')).toBe('approval.outcome.notMe');
    expect(outcomeMessageKey('notMe', 'privacy_idea')).toBe('approval.outcome.notMe.privacyIdea');
    expect(outcomeMessageKey('denied', 'privacy_idea')).toBe('approval.outcome.denied');
  });

  it('take one or two digits as the number', () => {
    expect(typedNumber(' 42 ')).toBe(42);
    expect(typedNumber('7')).toBe(7);
    expect(typedNumber('123')).toBeNull();
    expect(typedNumber('4a')).toBeNull();
    expect(typedNumber('')).toBeNull();
  });
});
