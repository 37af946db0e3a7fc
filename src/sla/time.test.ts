import { describe, expect, it } from 'vitest';
import { claimDeadline, deadlineStatus } from './deadline';
import { cycleContaining, cycleForLabel, cyclesOverlapping, periodMinutes } from './periods';
import { formatInstant, parseInstant, type TimeError } from './time';

describe('parseInstant', () => {
  it('reads RFC 3339 with Z or an offset, to the millisecond', () => {
    expect(parseInstant('2024-03-01T10:00:00Z')).toBe(Date.UTC(2024, 2, 1, 10));
    expect(parseInstant('2024-03-01T10:00:00+02:00')).toBe(Date.UTC(2024, 2, 1, 8));
    expect(parseInstant('2024-03-01 10:00:00.250-05:30')).toBe(Date.UTC(2024, 2, 1, 15, 30, 0, 250));
  });

  it('refuses naive times without --tz, and says how to fix it', () => {
    expect(() => parseInstant('2024-03-01T10:00:00')).toThrow(/has no UTC offset/);
    try {
      parseInstant('2024-03-01T10:00:00');
    } catch (error) {
      expect((error as TimeError).hint).toMatch(/--tz/);
    }
  });

  it('places naive times with --tz, which can move them into the next UTC month', () => {
    // 20:00 EDT (UTC−4) on 31 March is 00:00 UTC on 1 April.
    const instant = parseInstant('2024-03-31T20:00:00', { tz: 'America/New_York' });
    expect(formatInstant(instant)).toBe('2024-04-01T00:00:00Z');
    expect(cycleContaining(instant).label).toBe('2024-04');
    // 00:30 in Berlin (UTC+1) on 1 March is still February in UTC.
    expect(cycleContaining(parseInstant('2024-03-01 00:30', { tz: 'Europe/Berlin' })).label).toBe('2024-02');
  });

  it('refuses a local time that does not exist (spring forward) unless resolved', () => {
    expect(() => parseInstant('2024-03-10T02:30:00', { tz: 'America/New_York' })).toThrow(/does not exist/);
    expect(
      formatInstant(parseInstant('2024-03-10T02:30:00', { tz: 'America/New_York', ambiguous: 'later' })),
    ).toBe('2024-03-10T07:30:00Z');
  });

  it('refuses an ambiguous local time (fall back) unless resolved with earlier or later', () => {
    expect(() => parseInstant('2024-11-03T01:30:00', { tz: 'America/New_York' })).toThrow(/is ambiguous/);
    const earlier = parseInstant('2024-11-03T01:30:00', { tz: 'America/New_York', ambiguous: 'earlier' });
    const later = parseInstant('2024-11-03T01:30:00', { tz: 'America/New_York', ambiguous: 'later' });
    expect(formatInstant(earlier)).toBe('2024-11-03T05:30:00Z');
    expect(formatInstant(later)).toBe('2024-11-03T06:30:00Z');
  });

  it('counts an outage across the fall-back hour by the clock it really lasted', () => {
    // 00:30 EDT → 01:30 EST is two real hours.
    const start = parseInstant('2024-11-03T00:30:00', { tz: 'America/New_York' });
    const end = parseInstant('2024-11-03T01:30:00', { tz: 'America/New_York', ambiguous: 'later' });
    expect((end - start) / 60_000).toBe(120);
  });

  it('rejects unknown zones and garbage', () => {
    expect(() => parseInstant('2024-03-01T10:00:00', { tz: 'Mars/Base' })).toThrow(/unknown time zone/);
    expect(() => parseInstant('yesterday')).toThrow(/not an RFC 3339 time/);
    expect(() => parseInstant('2024-02-30T10:00:00Z')).toThrow(/not an RFC 3339 time/);
  });
});

describe('periods and deadlines', () => {
  it.each([
    ['2023-02', 40320],
    ['2024-02', 41760],
    ['2028-02', 41760],
    ['2024-04', 43200],
    ['2024-03', 44640],
  ])('%s has %d minutes', (label, minutes) => {
    expect(periodMinutes(cycleForLabel(label)!)).toBe(minutes);
  });

  it('splits a range into the cycles it touches', () => {
    const cycles = cyclesOverlapping(Date.UTC(2024, 0, 20), Date.UTC(2024, 2, 1), 15);
    expect(cycles.map((c) => c.label)).toEqual(['2024-01', '2024-02']);
  });

  it('deadline: end of the second cycle after, calendar and anchored', () => {
    expect(formatInstant(claimDeadline(cycleForLabel('2024-03')!, 2, 1))).toBe('2024-05-31T23:59:59Z');
    expect(formatInstant(claimDeadline(cycleForLabel('2023-12')!, 2, 1))).toBe('2024-02-29T23:59:59Z');
    expect(formatInstant(claimDeadline(cycleForLabel('2024-11', 31)!, 2, 31))).toBe('2025-02-27T23:59:59Z');
  });

  it('deadline status: open, closing within 7 days, passed after', () => {
    const d = Date.UTC(2024, 4, 31, 23, 59, 59);
    expect(deadlineStatus(d, Date.UTC(2024, 4, 1))).toBe('open');
    expect(deadlineStatus(d, Date.UTC(2024, 4, 26))).toBe('closing');
    expect(deadlineStatus(d, d)).toBe('closing');
    expect(deadlineStatus(d, d + 1)).toBe('passed');
  });
});
