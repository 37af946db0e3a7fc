/**
 * Fitting a prefix list into a rule limit. Exact output is split into groups (`chunk`); `widen` instead finds the
 * cover with at most N prefixes that admits the fewest extra addresses (an exact tree DP over the binary trie of
 * the prefixes), and reports how many extra addresses that is.
 */
import { addressCount, bitAt, type Cidr, makeCidr } from './cidr';
import { collapse, countAddresses } from './cidr-set';

export function chunk<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** The number of leading bits two prefixes share, up to the shorter length. */
function commonLength(a: Cidr, b: Cidr): number {
  const max = Math.min(a.len, b.len);
  let n = 0;
  while (n < max && bitAt(a, n) === bitAt(b, n)) n++;
  return n;
}

interface TrieNode {
  prefix: Cidr;
  /** Addresses of the input inside this node. */
  covered: bigint;
  children?: [TrieNode, TrieNode];
  /** cost[k - 1]: fewest extra addresses covering the node's inputs with at most k prefixes. */
  cost: bigint[];
  /** split[k - 1]: how many of k prefixes go to the lower child (0: the node itself as one prefix). */
  split: number[];
}

/** The trie whose inner nodes are the longest common prefixes of runs of the sorted, collapsed list. */
function build(list: readonly Cidr[], lo: number, hi: number, limit: number): TrieNode {
  if (hi - lo === 1) {
    const leaf = list[lo]!;
    return { prefix: leaf, covered: addressCount(leaf), cost: [0n], split: [0] };
  }
  const first = list[lo]!;
  const last = list[hi - 1]!;
  const len = commonLength(first, last);
  const prefix = makeCidr(first.v6, first.words(), len);
  let mid = lo + 1;
  while (mid < hi - 1 && !bitAt(list[mid]!, len)) mid++;
  const low = build(list, lo, mid, limit);
  const high = build(list, mid, hi, limit);
  const covered = low.covered + high.covered;
  const max = Math.min(limit, low.cost.length + high.cost.length);
  const cost: bigint[] = [addressCount(prefix) - covered];
  const split: number[] = [0];
  for (let k = 2; k <= max; k++) {
    // Start from "at most k - 1", then try every way to share k between the halves.
    let best = cost[k - 2]!;
    let choice = -1;
    for (let i = Math.max(1, k - high.cost.length); i <= Math.min(k - 1, low.cost.length); i++) {
      const c = low.cost[i - 1]! + high.cost[k - i - 1]!;
      if (c < best) {
        best = c;
        choice = i;
      }
    }
    cost.push(best);
    split.push(choice === -1 ? split[k - 2]! : choice);
  }
  return { prefix, covered, children: [low, high], cost, split };
}

function collect(node: TrieNode, k: number, out: Cidr[]): void {
  const budget = Math.min(k, node.cost.length);
  const i = node.split[budget - 1]!;
  if (!node.children || i <= 0) {
    out.push(node.prefix);
    return;
  }
  collect(node.children[0], i, out);
  collect(node.children[1], budget - i, out);
}

export interface Widened {
  prefixes: Cidr[];
  /** Addresses the widened list admits that the exact list does not. */
  extraAddresses: bigint;
}

/** The cover of `exact` (collapsed, one family) with at most `limit` prefixes that admits the fewest extra addresses. */
export function widen(exact: readonly Cidr[], limit: number): Widened {
  if (limit < 1) throw new RangeError('limit must be at least 1');
  if (exact.length <= limit) return { prefixes: [...exact], extraAddresses: 0n };
  const root = build(exact, 0, exact.length, limit);
  const chosen: Cidr[] = [];
  collect(root, limit, chosen);
  const prefixes = collapse(chosen);
  return { prefixes, extraAddresses: countAddresses(prefixes) - countAddresses(exact) };
}

/** The optimal extra-address cost for every limit 1..max, for tests and reports. */
export function widenCosts(exact: readonly Cidr[], max: number): bigint[] {
  if (exact.length === 0) return [];
  return build(exact, 0, exact.length, max).cost;
}
