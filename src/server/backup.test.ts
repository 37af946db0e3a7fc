import { describe, expect, it } from 'vitest';
import { isoWeek, retained } from './backup';

const d = (s: string) => new Date(s);

describe('retention', () => {
  it('ISO weeks: Monday starts the week; the first Thursday fixes week 1', () => {
    expect(isoWeek(d('2026-03-01T00:00:00Z'))).toBe('2026-W09'); // a Sunday
    expect(isoWeek(d('2026-03-02T00:00:00Z'))).toBe('2026-W10'); // the Monday after
    expect(isoWeek(d('2021-01-03T00:00:00Z'))).toBe('2020-W53');
    expect(isoWeek(d('2024-12-30T00:00:00Z'))).toBe('2025-W01');
  });

  it('keeps the newest of each of the last N days and M weeks, and always the newest backup', () => {
    const times = [
      '2026-03-10T02:00:00Z', // 0 Tue, newest
      '2026-03-10T01:00:00Z', // 1 same day, older
      '2026-03-09T02:00:00Z', // 2 Mon
      '2026-03-08T02:00:00Z', // 3 Sun (week 10)
      '2026-03-07T02:00:00Z', // 4 Sat (week 10)
      '2026-03-01T02:00:00Z', // 5 Sun (week 9)
      '2026-02-20T02:00:00Z', // 6 (week 8)
      '2026-02-10T02:00:00Z', // 7 (week 7)
    ].map(d);
    // 2 days: indexes 0 and 2. 3 weeks: 0 (week 11), 3 (week 10), 5 (week 9).
    expect([...retained(times, 2, 3)].sort()).toEqual([0, 2, 3, 5]);
    expect([...retained(times, 0, 0)]).toEqual([0]);
    expect([...retained(times, 7, 8)].sort()).toEqual([0, 2, 3, 4, 5, 6, 7]);
    expect([...retained([], 7, 8)]).toEqual([]);
  });

  it('does not depend on the order it is given', () => {
    const times = ['2026-03-01T01:00:00Z', '2026-03-02T01:00:00Z', '2026-03-01T05:00:00Z'].map(d);
    expect([...retained(times, 1, 0)]).toEqual([1]);
    expect([...retained(times, 2, 0)].sort()).toEqual([1, 2]);
  });
});
