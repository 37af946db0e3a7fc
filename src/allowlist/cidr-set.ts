/**
 * Set algebra on address space for lists of prefixes of one family. A "collapsed" list is the canonical form:
 * sorted, disjoint, and no two entries mergeable, which is exactly what Python's
 * `ipaddress.collapse_addresses` returns.
 */
import { addressCount, type Cidr, compareCidr, containsCidr, halves } from './cidr';
import { collapseSortedWords } from './kernel';

function isSorted(list: readonly Cidr[]): boolean {
  for (let i = 1; i < list.length; i++) if (compareCidr(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

/**
 * The minimal list of prefixes covering exactly the union of `list`, in address order (IPv4 first). The merge
 * itself is the WebAssembly kernel's (kernel.ts); this sorts and lays out the words.
 */
export function collapse(list: readonly Cidr[]): Cidr[] {
  const v4 = list.filter((c) => !c.v6);
  if (v4.length === list.length) return collapseV4(v4);
  const v6 = v4.length === 0 ? list : list.filter((c) => c.v6);
  return [...collapseV4(v4), ...collapseV6(v6)];
}

/**
 * IPv4 sorts as one exact double per prefix (address * 64 + length): a typed-array sort without a comparator.
 */
function collapseV4(list: readonly Cidr[]): Cidr[] {
  const keys = new Float64Array(list.length);
  for (let i = 0; i < list.length; i++) keys[i] = list[i]!.w0 * 64 + list[i]!.len;
  keys.sort();
  const words = new Uint32Array(keys.length);
  const lens = new Uint8Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    lens[i] = keys[i]! % 64;
    words[i] = (keys[i]! - lens[i]!) / 64;
  }
  return collapseSortedWords(false, words, lens);
}

function collapseV6(list: readonly Cidr[]): Cidr[] {
  const sorted = isSorted(list) ? list : [...list].sort(compareCidr);
  const words = new Uint32Array(4 * sorted.length);
  const lens = new Uint8Array(sorted.length);
  sorted.forEach((c, i) => {
    words.set([c.w0, c.w1, c.w2, c.w3], 4 * i);
    lens[i] = c.len;
  });
  return collapseSortedWords(true, words, lens);
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
