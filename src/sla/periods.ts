/**
 * Billing cycles in UTC. With anchor day D a cycle starts in each month on day min(D, days in that month) at
 * 00:00 UTC and ends where the next one starts; D = 1 gives calendar months. A cycle is named by the month it
 * starts in (YYYY-MM).
 */
import { MINUTE_MS } from './time';

export interface Period {
  /** YYYY-MM of the month the cycle starts in. */
  label: string;
  /** Inclusive start, epoch ms. */
  start: number;
  /** Exclusive end, epoch ms. */
  end: number;
}

export function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/** Start of the cycle that begins in the given month (month0 may run past 0..11; Date.UTC normalises it). */
export function cycleStart(year: number, month0: number, anchorDay: number): number {
  const first = new Date(Date.UTC(year, month0, 1));
  const y = first.getUTCFullYear();
  const m = first.getUTCMonth();
  return Date.UTC(y, m, Math.min(anchorDay, daysInMonth(y, m)));
}

function labelOf(year: number, month0: number): string {
  const d = new Date(Date.UTC(year, month0, 1));
  return `${String(d.getUTCFullYear()).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The cycle that starts in month `month0` of `year`. */
export function cycleStartingIn(year: number, month0: number, anchorDay = 1): Period {
  return {
    label: labelOf(year, month0),
    start: cycleStart(year, month0, anchorDay),
    end: cycleStart(year, month0 + 1, anchorDay),
  };
}

/** The cycle that contains an instant. */
export function cycleContaining(instant: number, anchorDay = 1): Period {
  const d = new Date(instant);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  return instant >= cycleStart(y, m, anchorDay)
    ? cycleStartingIn(y, m, anchorDay)
    : cycleStartingIn(y, m - 1, anchorDay);
}

/** The cycle `n` cycles after the given one. */
export function cycleAfter(period: Period, n: number, anchorDay = 1): Period {
  const [y, m] = period.label.split('-').map(Number) as [number, number];
  return cycleStartingIn(y, m - 1 + n, anchorDay);
}

/** Parses `--month YYYY-MM` into the cycle that starts in that month. */
export function cycleForLabel(label: string, anchorDay = 1): Period | undefined {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!match) return undefined;
  return cycleStartingIn(Number(match[1]), Number(match[2]) - 1, anchorDay);
}

/** Every cycle that overlaps [start, end). */
export function cyclesOverlapping(start: number, end: number, anchorDay = 1): Period[] {
  const out: Period[] = [];
  let period = cycleContaining(start, anchorDay);
  while (period.start < end) {
    out.push(period);
    period = cycleAfter(period, 1, anchorDay);
  }
  return out;
}

/** All the minutes in a cycle (days × 1440): the denominator of the uptime. */
export function periodMinutes(period: Period): number {
  return (period.end - period.start) / MINUTE_MS;
}
