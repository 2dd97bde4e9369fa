// The clock check in words: how far this device's clock is from an approval server's, and what to
// do about it.

import type { ClockView } from './api';
import type { Params } from '../i18n';

type Translate = (key: string, params?: Params) => string;

/** "Your clock is 2 min 5 s behind …", or that it agrees. */
export function clockMessage(t: Translate, clock: ClockView): string {
  if (!clock.off) return t('clock.ok', { server: clock.server });
  const by = Math.abs(clock.offsetSeconds);
  const amount = by >= 60 ? t('clock.minutes', { minutes: Math.floor(by / 60), seconds: by % 60 }) : t('clock.seconds', { seconds: by });
  return t(clock.offsetSeconds > 0 ? 'clock.behind' : 'clock.ahead', { amount, server: clock.server });
}
