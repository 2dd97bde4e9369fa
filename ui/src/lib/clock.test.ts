import { describe, expect, it } from 'vitest';
import { translate } from '../i18n';
import { clockMessage } from './clock';

const en = (key: string, params?: Record<string, string | number>) => translate('en', key, params);
const nl = (key: string, params?: Record<string, string | number>) => translate('nl', key, params);
const server = 'https://approvals.example.com';

describe('the clock check', () => {
  it('says a clock within the tolerance agrees', () =>
    expect(clockMessage(en, { server, offsetSeconds: 3, off: false })).toContain(server));

  it('says how far behind, in minutes and seconds, and what to do', () => {
    const words = clockMessage(en, { server, offsetSeconds: 125, off: true });
    expect(words).toContain('2 min 5 s');
    expect(words).toContain('behind');
    expect(words).toMatch(/automatic/i);
  });

  it('says ahead when the device is ahead', () =>
    expect(clockMessage(en, { server, offsetSeconds: -45, off: true })).toMatch(/45 s ahead/));

  it('speaks Dutch too', () => {
    const words = clockMessage(nl, { server, offsetSeconds: -45, off: true });
    expect(words).toContain('45 sec.');
    expect(words).not.toBe(clockMessage(en, { server, offsetSeconds: -45, off: true }));
  });
});
