/** Lifetimes as people write them: `90d`, `12h`, `30m`, `2w`, `3600s` (one unit). */
import { MAX_KEY_LIFETIME_SECONDS } from '../api/scopes';
import { usageError } from '../core/errors';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function parseLifetime(text: string): number {
  const match = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  const seconds = match ? Number(match[1]) * (UNITS[match[2]!] ?? 0) : Number.NaN;
  if (!match || seconds < 60 || seconds > MAX_KEY_LIFETIME_SECONDS) {
    throw usageError('APIKEYS_BAD_LIFETIME', `cannot use ${JSON.stringify(text)} as a key lifetime`, {
      hint: 'use a number and one unit, between 1 minute and 2 years: 30d, 12h, 2w, 90m',
    });
  }
  return seconds;
}
