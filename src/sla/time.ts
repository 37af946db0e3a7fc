/**
 * Turning the times found in inputs into UTC instants (integer milliseconds since the epoch).
 *
 * RFC 3339 times carry their offset. Naive local times need an IANA zone, and a local time that falls in a DST gap
 * (does not exist) or overlap (happens twice) is refused unless the caller chose `earlier` or `later`: guessing
 * would move an incident by an hour, which can change a credit tier.
 */
import { Temporal } from '@js-temporal/polyfill';

export type Disambiguation = 'earlier' | 'later';

export interface TimeContext {
  /** IANA zone for times without an offset (`--tz`). */
  tz?: string | undefined;
  /** How to resolve a local time in a DST gap or overlap (`--ambiguous`); without it such times are errors. */
  ambiguous?: Disambiguation | undefined;
}

/** Why a time could not be read; the caller adds file and line. */
export class TimeError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const HAS_OFFSET = /(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;
const LOCAL = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?$/;

/** Checks that a zone name is known to the platform's time-zone data. */
export function checkZone(tz: string): string {
  try {
    return Temporal.PlainDateTime.from('2000-01-01T00:00').toZonedDateTime(tz).timeZoneId;
  } catch {
    throw new TimeError(`unknown time zone "${tz}"`, 'give an IANA zone name such as Europe/Berlin or UTC');
  }
}

/** Parses an RFC 3339 / ISO 8601 date-time to epoch milliseconds (UTC). */
export function parseInstant(text: string, context: TimeContext = {}): number {
  const value = text.trim();
  if (value === '') throw new TimeError('empty time', 'give an RFC 3339 time such as 2024-03-01T10:00:00Z');
  if (HAS_OFFSET.test(value)) {
    try {
      return Temporal.Instant.from(value.replace(' ', 'T')).epochMilliseconds;
    } catch {
      throw new TimeError(`"${value}" is not an RFC 3339 time`, 'write times like 2024-03-01T10:00:00Z');
    }
  }
  if (!LOCAL.test(value)) {
    throw new TimeError(`"${value}" is not an RFC 3339 time`, 'write times like 2024-03-01T10:00:00Z');
  }
  if (!context.tz) {
    throw new TimeError(
      `"${value}" has no UTC offset`,
      'add an offset (2024-03-01T10:00:00+01:00) or name the zone of naive times with --tz Europe/Berlin',
    );
  }
  return localToInstant(value.replace(' ', 'T'), context.tz, context.ambiguous);
}

/** A naive local date-time in an IANA zone to epoch milliseconds, refusing DST gaps and overlaps unless resolved. */
export function localToInstant(local: string, tz: string, ambiguous?: Disambiguation): number {
  let plain: Temporal.PlainDateTime;
  try {
    plain = Temporal.PlainDateTime.from(local);
  } catch {
    throw new TimeError(`"${local}" is not a valid local date-time`, 'write times like 2024-03-01T10:00:00');
  }
  checkZone(tz);
  const earlier = plain.toZonedDateTime(tz, { disambiguation: 'earlier' });
  const later = plain.toZonedDateTime(tz, { disambiguation: 'later' });
  if (earlier.epochNanoseconds === later.epochNanoseconds) return earlier.epochMilliseconds;
  if (ambiguous) return (ambiguous === 'earlier' ? earlier : later).epochMilliseconds;
  const exists = earlier.toPlainDateTime().equals(plain);
  const what = exists
    ? `is ambiguous in ${tz} (it happens twice when the clocks go back: ${earlier.offset} and ${later.offset})`
    : `does not exist in ${tz} (the clocks skip it when they go forward)`;
  throw new TimeError(
    `local time ${local} ${what}`,
    'fix the time, give it with an offset, or choose with --ambiguous earlier|later',
  );
}

/** Epoch seconds or milliseconds given as a number (vendor APIs) to epoch milliseconds. */
export function fromEpochSeconds(seconds: number): number {
  if (!Number.isFinite(seconds)) throw new TimeError(`"${seconds}" is not a time`, 'expected epoch seconds');
  return Math.round(seconds * 1000);
}

/** An instant as RFC 3339 UTC, to the second unless it has milliseconds. */
export function formatInstant(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, 19)}Z` : iso;
}

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
