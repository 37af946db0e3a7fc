/** Durations for signing flags: `90d`, `12h`, `1w`, `1h30m`, `45s` (weeks, days, hours, minutes, seconds). */

const UNIT: Record<string, number> = { w: 604_800, d: 86_400, h: 3_600, m: 60, s: 1 };
const DURATION = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds in `text`, or null if it is not a duration (or is zero). */
export function parseDuration(text: string): number | null {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim() === '') return null;
  const [w, d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number];
  const total = w * UNIT.w! + d * UNIT.d! + h * UNIT.h! + min * UNIT.m! + s;
  return total > 0 && Number.isSafeInteger(total) ? total : null;
}
