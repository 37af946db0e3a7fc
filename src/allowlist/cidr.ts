/**
 * IPv4 and IPv6 prefixes as plain numbers: an address is four unsigned 32-bit words (IPv4 uses only the first),
 * so comparisons and bit tests stay on small integers instead of BigInt (see docs/decisions/0100-allowlist-cidr-arithmetic.md).
 * Text forms follow Python's `ipaddress`: strict parsing, IPv6 printed in its compressed form.
 */

export type Family = 4 | 6;

export class Cidr {
  constructor(
    readonly v6: boolean,
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
    readonly len: number,
    /** The text form, when it was made in bulk with the prefix (kernel.ts); else toString() makes it. */
    private readonly text?: string,
  ) {}

  get family(): Family {
    return this.v6 ? 6 : 4;
  }

  /** Address width in bits: 32 or 128. */
  get bits(): number {
    return this.v6 ? 128 : 32;
  }

  toString(): string {
    if (this.text !== undefined) return this.text;
    // No word array for IPv4.
    return `${this.v6 ? formatAddress(true, this.words()) : formatV4(this.w0)}/${this.len}`;
  }

  words(): [number, number, number, number] {
    return [this.w0, this.w1, this.w2, this.w3];
  }
}

/** Why a text is not a prefix or an address; the caller adds where it came from. */
export class CidrSyntaxError extends Error {
  override readonly name = 'CidrSyntaxError';
}

/** The first `n` bits of a 32-bit word set, for n in 0..32. */
function maskBits(n: number): number {
  if (n <= 0) return 0;
  if (n >= 32) return 0xffffffff;
  return (0xffffffff << (32 - n)) >>> 0;
}

/** Mask of prefix bits of length `len` within word `i`. */
function wordMask(len: number, i: number): number {
  return maskBits(len - 32 * i);
}

export function makeCidr(v6: boolean, words: readonly number[], len: number): Cidr {
  return new Cidr(
    v6,
    ((words[0] ?? 0) & wordMask(len, 0)) >>> 0,
    v6 ? ((words[1] ?? 0) & wordMask(len, 1)) >>> 0 : 0,
    v6 ? ((words[2] ?? 0) & wordMask(len, 2)) >>> 0 : 0,
    v6 ? ((words[3] ?? 0) & wordMask(len, 3)) >>> 0 : 0,
    len,
  );
}

/** Orders by family (IPv4 first), then address, then prefix length: Python's sort order for networks. */
export function compareCidr(a: Cidr, b: Cidr): number {
  if (a.v6 !== b.v6) return a.v6 ? 1 : -1;
  return a.w0 - b.w0 || a.w1 - b.w1 || a.w2 - b.w2 || a.w3 - b.w3 || a.len - b.len;
}

export function sameCidr(a: Cidr, b: Cidr): boolean {
  return compareCidr(a, b) === 0;
}

/** Whether `outer` contains every address of `inner` (a prefix contains itself). */
export function containsCidr(outer: Cidr, inner: Cidr): boolean {
  if (outer.v6 !== inner.v6 || outer.len > inner.len) return false;
  const len = outer.len;
  if ((inner.w0 & wordMask(len, 0)) >>> 0 !== outer.w0) return false;
  if (!outer.v6 || len <= 32) return true;
  if ((inner.w1 & wordMask(len, 1)) >>> 0 !== outer.w1) return false;
  if (len <= 64) return true;
  if ((inner.w2 & wordMask(len, 2)) >>> 0 !== outer.w2) return false;
  if (len <= 96) return true;
  return (inner.w3 & wordMask(len, 3)) >>> 0 === outer.w3;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return containsCidr(a, b) || containsCidr(b, a);
}

/** Whether bit `pos` (0 = most significant) of the address is set. */
export function bitAt(c: Cidr, pos: number): boolean {
  const word = pos < 32 ? c.w0 : pos < 64 ? c.w1 : pos < 96 ? c.w2 : c.w3;
  return ((word >>> (31 - (pos & 31))) & 1) === 1;
}

function withBit(c: Cidr, pos: number, len: number): Cidr {
  const bit = (1 << (31 - (pos & 31))) >>> 0;
  const w = c.words();
  const i = pos >>> 5;
  w[i] = (w[i]! | bit) >>> 0;
  return makeCidr(c.v6, w, len);
}

/** The two halves of `c`, lower first. */
export function halves(c: Cidr): [Cidr, Cidr] {
  const w = c.words();
  return [makeCidr(c.v6, w, c.len + 1), withBit(c, c.len, c.len + 1)];
}

/** The last address of the prefix (all host bits set), as words. */
export function lastWords(c: Cidr): [number, number, number, number] {
  const w = c.words();
  for (let i = 0; i < (c.v6 ? 4 : 1); i++) w[i] = (w[i]! | ~wordMask(c.len, i)) >>> 0;
  return w;
}

/** The number of addresses in the prefix. */
export function addressCount(c: Cidr): bigint {
  return 1n << BigInt(c.bits - c.len);
}

// ---------------------------------------------------------------------------------------------------------------
// Text

const DECIMAL = /^(0|[1-9][0-9]{0,2})$/;

function parseV4Words(text: string): number | string {
  const parts = text.split('.');
  if (parts.length !== 4) return 'expected four decimal octets such as 192.0.2.1';
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL.test(part)) {
      return part.length > 1 && part.startsWith('0') && /^[0-9]+$/.test(part)
        ? `octet "${part}" has a leading zero`
        : `octet "${part}" is not a decimal number`;
    }
    const n = Number(part);
    if (n > 255) return `octet ${part} is above 255`;
    value = value * 256 + n;
  }
  return value;
}

const HEXTET = /^[0-9a-fA-F]{1,4}$/;

/** Hextets of one side of "::"; `last` says whether an embedded IPv4 address may end it. */
function parseHextets(parts: string[], last: boolean): number[] | string {
  const out: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (last && i === parts.length - 1 && part.includes('.')) {
      const v4 = parseV4Words(part);
      if (typeof v4 === 'string') return `embedded IPv4 address: ${v4}`;
      out.push(Math.floor(v4 / 65536), v4 % 65536);
    } else if (HEXTET.test(part)) {
      out.push(Number.parseInt(part, 16));
    } else {
      return part === '' ? 'empty group' : `group "${part}" is not 1 to 4 hex digits`;
    }
  }
  return out;
}

function parseV6Words(text: string): [number, number, number, number] | string {
  if (text.includes('%')) return 'zone indexes (%…) are not allowed';
  const double = text.indexOf('::');
  let groups: number[];
  if (double === -1) {
    const all = parseHextets(text.split(':'), true);
    if (typeof all === 'string') return all;
    if (all.length !== 8) return `expected 8 groups, found ${all.length}`;
    groups = all;
  } else {
    if (text.indexOf('::', double + 1) !== -1) return '"::" may appear only once';
    const left = text.slice(0, double);
    const right = text.slice(double + 2);
    const head = parseHextets(left === '' ? [] : left.split(':'), false);
    if (typeof head === 'string') return head;
    const tail = parseHextets(right === '' ? [] : right.split(':'), true);
    if (typeof tail === 'string') return tail;
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return '"::" must stand for at least one group';
    groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  }
  const w: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) w[i] = (groups[2 * i]! * 65536 + groups[2 * i + 1]!) >>> 0;
  return w;
}

function addressWords(text: string): { v6: boolean; words: number[] } | string {
  if (text.includes(':')) {
    const w = parseV6Words(text);
    return typeof w === 'string' ? w : { v6: true, words: w };
  }
  const v = parseV4Words(text);
  return typeof v === 'string' ? v : { v6: false, words: [v, 0, 0, 0] };
}

/**
 * Parses a prefix strictly, as Python's `ip_network(text)` does: host bits must be zero. `family` limits what is
 * accepted. Throws CidrSyntaxError with the reason.
 */
export function parseCidr(text: string, family?: Family): Cidr {
  if (typeof text !== 'string' || text === '') throw new CidrSyntaxError('empty prefix');
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const parsed = addressWords(addressText);
  if (typeof parsed === 'string') throw new CidrSyntaxError(parsed);
  if (family === 4 && parsed.v6) throw new CidrSyntaxError('is an IPv6 prefix, expected IPv4');
  if (family === 6 && !parsed.v6) throw new CidrSyntaxError('is an IPv4 prefix, expected IPv6');
  const bits = parsed.v6 ? 128 : 32;
  let len = bits;
  if (slash !== -1) {
    const lenText = text.slice(slash + 1);
    if (!/^(0|[1-9][0-9]{0,2})$/.test(lenText))
      throw new CidrSyntaxError(`prefix length "${lenText}" is not a number`);
    len = Number(lenText);
    if (len > bits) throw new CidrSyntaxError(`prefix length ${len} is above ${bits}`);
  }
  const cidr = makeCidr(parsed.v6, parsed.words, len);
  const w = cidr.words();
  for (let i = 0; i < 4; i++) {
    if (w[i] !== (parsed.words[i] ?? 0) >>> 0)
      throw new CidrSyntaxError(`has host bits set (the network is ${cidr.toString()})`);
  }
  return cidr;
}

/** Parses one address (no prefix length) into a full-length prefix. */
export function parseAddress(text: string): Cidr {
  if (typeof text !== 'string' || text === '') throw new CidrSyntaxError('empty address');
  if (text.includes('/')) throw new CidrSyntaxError('expected an address without a prefix length');
  return parseCidr(text);
}

/** Text of an address given as words, IPv6 compressed the way Python's ipaddress prints it. */
export function formatAddress(v6: boolean, w: readonly number[]): string {
  if (!v6) return formatV4(w[0]!);
  const groups = [
    w[0]! >>> 16,
    w[0]! & 0xffff,
    w[1]! >>> 16,
    w[1]! & 0xffff,
    w[2]! >>> 16,
    w[2]! & 0xffff,
    w[3]! >>> 16,
    w[3]! & 0xffff,
  ];
  // The longest run of zero groups (the first on a tie), if at least two long, becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  let runStart = -1;
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && groups[i] === 0) {
      if (runStart === -1) runStart = i;
    } else if (runStart !== -1) {
      if (i - runStart > bestLen) {
        bestLen = i - runStart;
        bestStart = runStart;
      }
      runStart = -1;
    }
  }
  if (bestLen < 2) return hexGroups(groups, 0, 8);
  return `${hexGroups(groups, 0, bestStart)}::${hexGroups(groups, bestStart + bestLen, 8)}`;
}

function hexGroups(groups: readonly number[], from: number, to: number): string {
  let text = '';
  for (let i = from; i < to; i++)
    text += i === from ? groups[i]!.toString(16) : `:${groups[i]!.toString(16)}`;
  return text;
}

function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** Adds `delta` (+1 or -1) to the last word without carry: used only where the host bits guarantee no carry. */
export function formatAddressPlus(v6: boolean, w: readonly number[], delta: 1 | -1): string {
  const words = [...w];
  const last = v6 ? 3 : 0;
  words[last] = (words[last]! + delta) >>> 0;
  return formatAddress(v6, words);
}

/**
 * The first and last usable host, as Python's `hosts()` gives them: IPv4 skips the network and broadcast
 * addresses (except /31 and /32), IPv6 skips the Subnet-Router anycast address (except /127 and /128).
 */
export function hostRange(c: Cidr): [string, string] {
  const first = c.words();
  const last = lastWords(c);
  if (c.len >= c.bits - 1) return [formatAddress(c.v6, first), formatAddress(c.v6, last)];
  return [
    formatAddressPlus(c.v6, first, 1),
    c.v6 ? formatAddress(true, last) : formatAddressPlus(false, last, -1),
  ];
}
