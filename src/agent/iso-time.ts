/**
 * `Date#toISOString` for the agent. V8 (Node 24) looks up the local time zone's display name in ICU even for this
 * UTC form, and the first lookup loads ICU's zone names: ~1 MiB of the executable that then stays mapped into the
 * daemon (decision 0506). The same text from the UTC fields; years outside 0–9999 and invalid dates (which throw)
 * are left to toISOString.
 */
export function isoTime(date: Date = new Date()): string {
  const year = date.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) return date.toISOString();
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}T${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}.${pad(date.getUTCMilliseconds(), 3)}Z`;
}
