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

/** collapse() of IPv4 prefixes given as keys `address * 64 + length` (sorted in place). */
export function collapseV4Keys(keys: Float64Array): Cidr[] {
  keys.sort();
  const addr: number[] = [];
  const lens: number[] = [];
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
    while (addr.length > 0 && l > 0) {
      const top = addr.length - 1;
      if (lens[top] !== l) break;
      const size = V4_SIZE[l]!;
      if (a % (2 * size) !== size || addr[top] !== a - size) break;
      a = addr[top]!;
      addr.pop();
      lens.pop();
      l--;
    }
    addr.push(a);
    lens.push(l);
    coverStart = a;
    coverEnd = a + V4_SIZE[l]! - 1;
  }
  const out: Cidr[] = new Array(addr.length);
  for (let i = 0; i < addr.length; i++) out[i] = new Cidr(false, addr[i]!, 0, 0, 0, lens[i]!);
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
