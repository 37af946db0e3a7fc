/**
 * Set algebra on address space for lists of prefixes of one family. A "collapsed" list is the canonical form:
 * sorted, disjoint, and no two entries mergeable, which is exactly what Python's
 * `ipaddress.collapse_addresses` returns.
 */
import { addressCount, areSiblings, Cidr, compareCidr, containsCidr, halves, parentOf } from './cidr';

function isSorted(list: readonly Cidr[]): boolean {
  for (let i = 1; i < list.length; i++) if (compareCidr(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

/**
 * The minimal list of prefixes covering exactly the union of `list`, in address order. All entries must be of one
 * family.
 */
export function collapse(list: readonly Cidr[]): Cidr[] {
  if (list.length > 0 && !list[0]!.v6 && list.every((c) => !c.v6)) return collapseV4(list);
  return collapseSorted(isSorted(list) ? list : [...list].sort(compareCidr));
}

/** collapse() of a list already sorted by address, then prefix length (compareCidr). */
export function collapseSorted(sorted: readonly Cidr[]): Cidr[] {
  const stack: Cidr[] = [];
  let covering: Cidr | undefined;
  for (const c of sorted) {
    // Sorted by address then length, so anything nested follows its container directly.
    if (covering && containsCidr(covering, c)) continue;
    covering = c;
    let top = c;
    // Merge with the previous entry while the two are the halves of one parent. Disjointness keeps the stack sorted.
    while (stack.length > 0 && areSiblings(stack[stack.length - 1]!, top)) {
      stack.pop();
      top = parentOf(top);
    }
    stack.push(top);
    covering = top;
  }
  return stack;
}

/**
 * collapse() for IPv4 on plain numbers: each prefix becomes one exact double (address * 64 + length), so the sort
 * is a typed-array sort without a comparator and the merge touches no objects. Same order and result as the
 * general path (cidr-set.test.ts checks both against a bit-by-bit trie).
 */
function collapseV4(list: readonly Cidr[]): Cidr[] {
  const keys = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) keys[i] = list[i]!.w0 * 64 + list[i]!.len;
  return collapseV4Keys(keys);
}

/** 2^(32 - len): the size of an IPv4 prefix of each length. */
const V4_SIZE = Float64Array.from({ length: 33 }, (_, len) => 2 ** (32 - len));

/** collapse() of IPv4 prefixes given as keys `address * 64 + length` (sorted in place unless already sorted). */
export function collapseV4Keys(keys: Float64Array): Cidr[] {
  let sorted = true;
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  if (!sorted) keys.sort();
  // The stack of merged prefixes, in typed arrays: no object or array growth per prefix in a cold interpreter.
  const addr = new Float64Array(keys.length);
  const lens = new Uint8Array(keys.length);
  let top = -1;
  let coverStart = -1;
  let coverEnd = -1; // inclusive, as numbers below 2^32
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const len = key % 64;
    let a = (key - len) / 64;
    // Nested in what was just pushed (sorted by address, then length): nothing to add.
    if (a >= coverStart && a <= coverEnd) continue;
    let l = len;
    // Merge with the top of the stack while the two are the halves of one parent.
    while (top >= 0 && l > 0 && lens[top] === l) {
      const size = V4_SIZE[l]!;
      if (addr[top] !== a - size || a % (2 * size) !== size) break;
      a = addr[top]!;
      top--;
      l--;
    }
    top++;
    addr[top] = a;
    lens[top] = l;
    coverStart = a;
    coverEnd = a + V4_SIZE[l]! - 1;
  }
  const out: Cidr[] = new Array(top + 1);
  for (let i = 0; i <= top; i++) out[i] = new Cidr(false, addr[i]!, 0, 0, 0, lens[i]!);
  return out;
}

/** The first n bits of a 32-bit word, n in 0..32. */
const WORD_MASK = Uint32Array.from({ length: 33 }, (_, n) =>
  n === 0 ? 0 : n === 32 ? 0xffffffff : (0xffffffff << (32 - n)) >>> 0,
);

/** Prefix bits of length `len` within word `i` of an IPv6 address. */
function maskOf(len: number, i: number): number {
  const n = len - 32 * i;
  return WORD_MASK[n <= 0 ? 0 : n >= 32 ? 32 : n]!;
}

/**
 * collapse() of IPv6 rows of the packed snapshot (4 words and a length per row), `rows` already in address order:
 * the same merge as collapseSorted on typed stacks, so no prefix object is made for rows that merge or nest.
 */
export function collapseV6Rows(words: Uint32Array, lens: Uint8Array, rows: readonly number[]): Cidr[] {
  const stack = new Uint32Array(4 * rows.length);
  const stackLens = new Uint8Array(rows.length);
  let top = -1;
  let coverLen = -1;
  for (let k = 0; k < rows.length; k++) {
    const r = 4 * rows[k]!;
    const a = [words[r]!, words[r + 1]!, words[r + 2]!, words[r + 3]!];
    let l = lens[rows[k]!]!;
    // Nested in what was just pushed (sorted by address, then length): nothing to add.
    if (coverLen >= 0 && l >= coverLen) {
      const t = 4 * top;
      let inside = true;
      for (let i = 0; i < 4 && inside; i++) inside = (a[i]! & maskOf(coverLen, i)) >>> 0 === stack[t + i];
      if (inside) continue;
    }
    // Merge with the top of the stack while the two are the halves of one parent: `a` has the last prefix bit set,
    // the top is `a` with it clear.
    while (top >= 0 && l > 0 && stackLens[top] === l) {
      const pos = l - 1;
      const w = pos >>> 5;
      const bit = 0x80000000 >>> (pos & 31);
      if ((a[w]! & bit) === 0) break;
      const cleared = (a[w]! & ~bit) >>> 0;
      const t = 4 * top;
      let sibling = true;
      for (let i = 0; i < 4 && sibling; i++) sibling = stack[t + i] === (i === w ? cleared : a[i]);
      if (!sibling) break;
      a[w] = cleared;
      top--;
      l--;
    }
    top++;
    const t = 4 * top;
    stack[t] = a[0]!;
    stack[t + 1] = a[1]!;
    stack[t + 2] = a[2]!;
    stack[t + 3] = a[3]!;
    stackLens[top] = l;
    coverLen = l;
  }
  const out: Cidr[] = new Array(top + 1);
  for (let i = 0; i <= top; i++)
    out[i] = new Cidr(
      true,
      stack[4 * i]!,
      stack[4 * i + 1]!,
      stack[4 * i + 2]!,
      stack[4 * i + 3]!,
      stackLens[i]!,
    );
  return out;
}

export function union(...lists: readonly (readonly Cidr[])[]): Cidr[] {
  return collapse(lists.flat());
}

/** `outer` minus the prefixes in `inside`, all of which lie within it (sorted, disjoint); canonical pieces in order. */
function carve(outer: Cidr, inside: readonly Cidr[], from: number, to: number, out: Cidr[]): void {
  if (from >= to) {
    out.push(outer);
    return;
  }
  for (let i = from; i < to; i++) if (containsCidr(inside[i]!, outer)) return;
  const [low, high] = halves(outer);
  let split = from;
  while (split < to && containsCidr(low, inside[split]!)) split++;
  carve(low, inside, from, split, out);
  carve(high, inside, split, to, out);
}

/** Every address in `a` that is in no prefix of `b`, as a collapsed list. Both inputs must be collapsed. */
export function subtract(a: readonly Cidr[], b: readonly Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  let j = 0;
  for (const outer of a) {
    // Skip the prefixes of b that end before this one starts.
    while (j < b.length && compareCidr(b[j]!, outer) < 0 && !containsCidr(b[j]!, outer)) j++;
    if (j < b.length && containsCidr(b[j]!, outer)) continue;
    let end = j;
    while (end < b.length && containsCidr(outer, b[end]!)) end++;
    carve(outer, b, j, end, out);
    j = end;
  }
  return collapse(out);
}

/** Addresses common to `a` and `b` (both collapsed). */
export function intersect(a: readonly Cidr[], b: readonly Cidr[]): Cidr[] {
  const out: Cidr[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (containsCidr(x, y)) {
      out.push(y);
      j++;
    } else if (containsCidr(y, x)) {
      out.push(x);
      i++;
    } else if (compareCidr(x, y) < 0) i++;
    else j++;
  }
  return collapse(out);
}

/** Total number of addresses in a collapsed list. */
export function countAddresses(list: readonly Cidr[]): bigint {
  let total = 0n;
  for (const c of list) total += addressCount(c);
  return total;
}
