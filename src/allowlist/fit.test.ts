import { describe, expect, it } from 'vitest';
import { prng } from '../../test/helpers/prng';
import { addressCount, type Cidr, containsCidr, formatAddress, makeCidr, parseCidr } from './cidr';
import { collapse, countAddresses, subtract } from './cidr-set';
import { chunk, widen, widenCosts } from './fit';

/** The smallest prefix containing both (first and last of a sorted run). */
function lca(a: Cidr, b: Cidr): Cidr {
  for (let len = Math.min(a.len, b.len); len >= 0; len--) {
    const p = makeCidr(a.v6, a.words(), len);
    if (containsCidr(p, b)) return p;
  }
  throw new Error('unreachable');
}

/**
 * Reference: the cheapest split of the sorted list into at most k contiguous runs, each covered by its smallest
 * containing prefix, where that prefix may not reach into another run (a different algorithm from the tree DP).
 */
function referenceCost(list: Cidr[], k: number): bigint {
  const n = list.length;
  const runCost = (i: number, j: number): bigint | undefined => {
    const p = lca(list[i]!, list[j]!);
    for (let x = 0; x < n; x++) if ((x < i || x > j) && containsCidr(p, list[x]!)) return undefined;
    let covered = 0n;
    for (let x = i; x <= j; x++) covered += addressCount(list[x]!);
    return addressCount(p) - covered;
  };
  // best[m][j]: cheapest cover of the first j items with m runs.
  const INF = -1n;
  let best: bigint[] = [0n, ...new Array<bigint>(n).fill(INF)];
  let answer = INF;
  for (let m = 1; m <= k; m++) {
    const next: bigint[] = new Array<bigint>(n + 1).fill(INF);
    for (let j = 1; j <= n; j++) {
      for (let i = 0; i < j; i++) {
        if (best[i] === INF) continue;
        const c = runCost(i, j - 1);
        if (c === undefined) continue;
        const total = best[i]! + c;
        if (next[j] === INF || total < next[j]!) next[j] = total;
      }
    }
    best = next;
    if (best[n] !== INF && (answer === INF || best[n]! < answer)) answer = best[n]!;
  }
  return answer;
}

function randomList(rand: () => number, v6: boolean): Cidr[] {
  const bits = v6 ? 128 : 32;
  const base = v6 ? [0x26000000, 0x1f000000, 0, 0] : [0x34000000];
  const list: Cidr[] = [];
  const count = 2 + Math.floor(rand() * 10);
  for (let i = 0; i < count; i++) {
    const w = [...base, 0, 0, 0].slice(0, 4);
    // Vary 16 bits just below a /8 (IPv4) or a /24 (IPv6) so that prefixes cluster.
    const shift = v6 ? 24 : 8;
    const offset = Math.floor(rand() * 65536);
    w[0] = (w[0]! | ((offset << (16 - shift + 8)) >>> 0)) >>> 0;
    const len = shift + 4 + Math.floor(rand() * (v6 ? 20 : 16));
    list.push(makeCidr(v6, w, Math.min(len, bits)));
  }
  return collapse(list);
}

describe('widen', () => {
  it('finds the cheapest cover for every limit, as an independent partition search does', () => {
    const rand = prng(42);
    for (let round = 0; round < 150; round++) {
      const list = randomList(rand, round % 2 === 1);
      const costs = widenCosts(list, list.length);
      for (let k = 1; k <= list.length; k++) {
        expect(costs[k - 1]).toBe(referenceCost(list, k));
        const { prefixes, extraAddresses } = widen(list, k);
        expect(prefixes.length).toBeLessThanOrEqual(k);
        expect(subtract(list, prefixes)).toEqual([]);
        expect(extraAddresses).toBe(countAddresses(prefixes) - countAddresses(list));
        expect(extraAddresses).toBe(costs[k - 1]);
      }
    }
  });

  it('keeps a list that already fits, and reports the extra addresses of a real widening', () => {
    const list = ['52.94.0.0/24', '52.94.1.0/24', '52.94.3.0/24', '52.94.8.0/24'].map((t) => parseCidr(t));
    const exact = collapse(list);
    expect(widen(exact, 3)).toEqual({ prefixes: exact, extraAddresses: 0n });
    const two = widen(exact, 2);
    expect(two.prefixes.map(String)).toEqual(['52.94.0.0/22', '52.94.8.0/24']);
    expect(two.extraAddresses).toBe(256n);
    expect(widen(exact, 1).prefixes.map(String)).toEqual(['52.94.0.0/20']);
    expect(formatAddress(false, [0])).toBe('0.0.0.0');
  });

  it('splits into chunks', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 60)).toEqual([]);
  });
});
