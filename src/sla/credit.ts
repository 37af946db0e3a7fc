/**
 * The money side, in exact integer arithmetic: uptime percentages are compared as fractions, amounts are integer
 * cents (bigint), and every rounding is half-up and happens once, at the end.
 */
import type { Minutes } from './intervals';

/** A non-negative decimal as a fraction, e.g. "99.95" → 9995/100. */
export interface Decimal {
  num: bigint;
  den: bigint;
}

const DECIMAL = /^\d+(?:\.\d+)?$/;

export function parseDecimal(text: string): Decimal | undefined {
  const value = text.trim();
  if (!DECIMAL.test(value)) return undefined;
  const [whole, frac = ''] = value.split('.');
  return { num: BigInt(`${whole}${frac}`), den: 10n ** BigInt(frac.length) };
}

export function decimalToString(d: Decimal): string {
  const text = fractionToFixed(d.num, d.den, 4);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

/** num/den rounded half-up to `decimals` places (num, den ≥ 0). */
export function fractionToFixed(num: bigint, den: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  const scaled = (2n * num * scale + den) / (2n * den);
  if (decimals === 0) return scaled.toString();
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(decimals, '0');
  return `${whole}.${frac}`;
}

/** Uptime in percent as the exact fraction 100 × (T − D) / T, with T and D in minutes. */
export function uptimeFraction(totalMinutes: number, down: Minutes): Decimal {
  const total = BigInt(totalMinutes) * down.den;
  return { num: 100n * (total - down.num), den: total };
}

/** Uptime rounded half-up to 4 decimals, for display only: the tier is decided on the exact value. */
export function formatUptime(totalMinutes: number, down: Minutes): string {
  const u = uptimeFraction(totalMinutes, down);
  return fractionToFixed(u.num, u.den, 4);
}

/** Is the exact uptime strictly below `percent`? */
export function uptimeBelow(totalMinutes: number, down: Minutes, percent: Decimal): boolean {
  const u = uptimeFraction(totalMinutes, down);
  return u.num * percent.den < percent.num * u.den;
}

export interface Tier {
  /** The tier applies when uptime is strictly below this percentage. */
  below: Decimal;
  /** Credit in percent of the cycle's charges excluding one-time payments. */
  credit: Decimal;
}

/** The tier that applies (the one with the lowest bound the uptime is below), or undefined. */
export function tierFor(totalMinutes: number, down: Minutes, tiers: readonly Tier[]): Tier | undefined {
  let chosen: Tier | undefined;
  for (const tier of tiers) {
    if (!uptimeBelow(totalMinutes, down, tier.below)) continue;
    if (!chosen || tier.below.num * chosen.below.den < chosen.below.num * tier.below.den) chosen = tier;
  }
  return chosen;
}

const MONEY = /^(\d+)(?:\.(\d{1,2}))?$/;

/** "1450.00" → 145000n cents. Undefined when the text is not a non-negative amount with at most 2 decimals. */
export function parseMoney(text: string): bigint | undefined {
  const match = MONEY.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}

export function formatMoney(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** round-half-up(cents × percent / 100). */
export function creditCents(baseCents: bigint, percent: Decimal): bigint {
  const num = baseCents * percent.num;
  const den = 100n * percent.den;
  return (2n * num + den) / (2n * den);
}
