/**
 * Set algebra on address space for lists of prefixes of one family. A "collapsed" list is the canonical form:
 * sorted, disjoint, and no two entries mergeable, which is exactly what Python's
 * `ipaddress.collapse_addresses` returns.
 */
import { addressCount, areSiblings, type Cidr, compareCidr, containsCidr, halves, parentOf } from './cidr';

function isSorted(list: readonly Cidr[]): boolean {
  for (let i = 1; i < list.length; i++) if (compareCidr(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

/**
 * The minimal list of prefixes covering exactly the union of `list`, in address order. All entries must be of one
 * family.
 */
export function collapse(list: readonly Cidr[]): Cidr[] {
  const sorted = isSorted(list) ? list : [...list].sort(compareCidr);
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
