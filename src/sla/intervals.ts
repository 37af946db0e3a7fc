/**
 * Sets of half-open time intervals [start, end) in integer epoch milliseconds, kept normalised: sorted, disjoint,
 * and with touching intervals merged. Downtime is always counted on such a set, never by summing raw durations.
 */
import { MINUTE_MS } from './time';

export interface Interval {
  start: number;
  end: number;
}

export type MinuteRule = 'bucket' | 'exact' | 'floor';
export const MINUTE_RULES: readonly MinuteRule[] = ['bucket', 'exact', 'floor'];

/** The union of intervals: sorted, overlapping and adjacent ones merged, empty ones dropped. */
export function union(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** The intersection of two normalised sets. */
export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const start = Math.max(x.start, y.start);
    const end = Math.min(x.end, y.end);
    if (end > start) out.push({ start, end });
    if (x.end < y.end) i++;
    else j++;
  }
  return out;
}

/** The intersection of several sets; of none, the empty set (no component listed means no outage of that kind). */
export function intersectAll(sets: readonly (readonly Interval[])[]): Interval[] {
  if (sets.length === 0) return [];
  let acc = union(sets[0]!);
  for (const s of sets.slice(1)) acc = intersect(acc, union(s));
  return acc;
}

/** a minus b, both normalised. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const x of a) {
    let start = x.start;
    while (j < b.length && b[j]!.end <= start) j++;
    let k = j;
    while (k < b.length && b[k]!.start < x.end) {
      const y = b[k]!;
      if (y.start > start) out.push({ start, end: y.start });
      start = Math.max(start, y.end);
      k++;
    }
    if (start < x.end) out.push({ start, end: x.end });
  }
  return out;
}

/** The part of a normalised set inside [start, end). */
export function clip(set: readonly Interval[], period: Interval): Interval[] {
  return intersect(set, [period]);
}

/** A number of minutes as an exact fraction (the `exact` rule gives thirds of a minute and the like). */
export interface Minutes {
  num: bigint;
  den: bigint;
}

/**
 * Unavailable minutes of a normalised set under a minute rule:
 * - bucket: UTC clock minutes any part of which is in the set;
 * - floor: UTC clock minutes wholly in the set (partial minutes are not counted);
 * - exact: the measure of the set in minutes, as a fraction.
 */
export function countMinutes(set: readonly Interval[], rule: MinuteRule): Minutes {
  if (rule === 'exact') {
    let ms = 0n;
    for (const i of set) ms += BigInt(i.end - i.start);
    return { num: ms, den: BigInt(MINUTE_MS) };
  }
  // Minute indices, as half-open ranges; the set is normalised so the ranges are sorted.
  const ranges: Interval[] = [];
  for (const i of set) {
    const first = rule === 'bucket' ? Math.floor(i.start / MINUTE_MS) : Math.ceil(i.start / MINUTE_MS);
    const last = rule === 'bucket' ? Math.ceil(i.end / MINUTE_MS) : Math.floor(i.end / MINUTE_MS);
    if (last > first) ranges.push({ start: first, end: last });
  }
  let count = 0;
  for (const r of union(ranges)) count += r.end - r.start;
  return { num: BigInt(count), den: 1n };
}

export function minutesToString(m: Minutes, decimals = 4): string {
  if (m.den === 1n) return m.num.toString();
  const scale = 10n ** BigInt(decimals);
  const scaled = (2n * m.num * scale + m.den) / (2n * m.den);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(decimals, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole.toString();
}

export function minutesToNumber(m: Minutes): number {
  return Number(minutesToString(m));
}

export function subtractMinutes(a: Minutes, b: Minutes): Minutes {
  return { num: a.num * b.den - b.num * a.den, den: a.den * b.den };
}
