import { describe, expect, it } from 'vitest';
import { parseLifetime } from './duration';

describe('parseLifetime', () => {
  it('reads one number and one unit', () => {
    expect(parseLifetime('30d')).toBe(30 * 86_400);
    expect(parseLifetime('12h')).toBe(43_200);
    expect(parseLifetime('2w')).toBe(1_209_600);
    expect(parseLifetime('90m')).toBe(5400);
    expect(parseLifetime('60s')).toBe(60);
  });
  it.each(['', '30', 'd', '1.5d', '-1d', '30 days', '59s', '731d', '1d2h'])(
    'refuses %j (exit 64)',
    (text) => {
      expect(() => parseLifetime(text)).toThrow(
        expect.objectContaining({ kind: 'usage', code: 'APIKEYS_BAD_LIFETIME' }),
      );
    },
  );
});
