import { describe, expect, it } from 'vitest';
import { prng } from '../../test/helpers/prng';
import { type Cidr, compareCidr, formatAddress, parseCidr } from './cidr';
import { collapse, countAddresses, intersect, subtract, union } from './cidr-set';
import { aggregateFamily } from './kernel';

/**
 * The slow, obviously correct reference: a binary trie over address bits where a node is fully in the set, not at
 * all, or split into two halves. Prefixes are bit strings; the trie never looks at Cidr internals.
 */
type Node = true | false | [Node, Node];

function insert(node: Node, bits: string, value: boolean): Node {
  if (bits === '') return value;
  if (node === value) return node;
  const pair: [Node, Node] = node === true || node === false ? [node, node] : [node[0], node[1]];
  const i = bits[0] === '1' ? 1 : 0;
  pair[i] = insert(pair[i], bits.slice(1), value);
  if (pair[0] === pair[1] && typeof pair[0] === 'boolean') return pair[0];
  return pair;
}

function walk(node: Node, bits: string, out: string[]): void {
  if (node === true) out.push(bits);
  else if (node !== false) {
    walk(node[0], `${bits}0`, out);
    walk(node[1], `${bits}1`, out);
  }
}

/** Bit string -> text, written independently of cidr.ts: IPv4 dotted, IPv6 as 8 full groups. */
function bitsToText(bits: string, width: 32 | 128): string {
  const full = bits.padEnd(width, '0');
  if (width === 32) {
    const octets = [0, 1, 2, 3].map((i) => Number.parseInt(full.slice(8 * i, 8 * i + 8), 2));
    return `${octets.join('.')}/${bits.length}`;
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number.parseInt(full.slice(16 * i, 16 * i + 16), 2).toString(16),
  );
  return `${groups.join(':')}/${bits.length}`;
}

function reference(width: 32 | 128, add: string[][], remove: string[]): string[] {
  let root: Node = false;
  for (const list of add) for (const bits of list) root = insert(root, bits, true);
  for (const bits of remove) root = insert(root, bits, false);
  const out: string[] = [];
  walk(root, '', out);
  return out.map((b) => parseCidr(bitsToText(b, width)).toString());
}

/** Random prefixes clustered under a few roots, so that they nest, touch and merge often. */
function randomPrefixes(rand: () => number, width: 32 | 128, count: number, roots: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const root = roots[Math.floor(rand() * roots.length)]!;
    const extra = Math.floor(rand() * Math.min(10, width - root.length + 1));
    let bits = root;
    for (let k = 0; k < extra; k++) bits += rand() < 0.5 ? '0' : '1';
    out.push(bits);
  }
  return out;
}

function randomRoots(rand: () => number, width: 32 | 128): string[] {
  return Array.from({ length: 4 }, () => {
    const len = Math.floor(rand() * (width - 8));
    let bits = '';
    for (let k = 0; k < len; k++) bits += rand() < 0.5 ? '0' : '1';
    return bits;
  });
}

const toCidrs = (width: 32 | 128, list: string[]): Cidr[] => list.map((b) => parseCidr(bitsToText(b, width)));

describe('set algebra against a bit-by-bit trie', () => {
  for (const width of [32, 128] as const) {
    it(`collapse, union and subtract agree on 400 random IPv${width === 32 ? 4 : 6} cases`, () => {
      const rand = prng(width);
      for (let round = 0; round < 400; round++) {
        const roots = randomRoots(rand, width);
        const a = randomPrefixes(rand, width, 1 + Math.floor(rand() * 40), roots);
        const b = randomPrefixes(rand, width, Math.floor(rand() * 20), roots);
        const ca = collapse(toCidrs(width, a));
        const cb = collapse(toCidrs(width, b));
        expect(ca.map(String)).toEqual(reference(width, [a], []));
        expect(union(ca, cb).map(String)).toEqual(reference(width, [a, b], []));
        expect(subtract(ca, cb).map(String)).toEqual(reference(width, [a], b));
        // a ∩ b = a − (a − b)
        expect(intersect(ca, cb).map(String)).toEqual(subtract(ca, subtract(ca, cb)).map(String));
      }
    });
  }

  for (const width of [32, 128] as const) {
    it(`the kernel's packed-snapshot path (pick, then collapse by row index) agrees on 300 random IPv${width === 32 ? 4 : 6} cases`, () => {
      const rand = prng(width + 1);
      for (let round = 0; round < 300; round++) {
        const bits = randomPrefixes(rand, width, 1 + Math.floor(rand() * 40), randomRoots(rand, width));
        const cidrs = toCidrs(width, bits);
        // Columns as the packed form holds them: service id = row % 3, region id = row % 2, no border group.
        const words = new Uint32Array(cidrs.flatMap((c) => (width === 32 ? [c.w0] : c.words())));
        const meta = new Uint16Array(cidrs.flatMap((_, i) => [i % 3, i % 2, 0xffff]));
        const lens = Uint8Array.from(cidrs, (c) => c.len);
        const order = Uint32Array.from(
          cidrs.map((_, i) => i).sort((x, y) => compareCidr(cidrs[x]!, cidrs[y]!)),
        );
        const family = { count: cidrs.length, words, meta, lens, order };
        const withRegion = round % 2 === 1;
        const result = aggregateFamily(width === 128, family, {
          take: Uint8Array.of(1, 0, 1),
          exclude: Uint8Array.of(0, 1, 0),
          regions: withRegion ? Uint8Array.of(1, 0) : undefined,
        });
        const taken = bits.filter((_, i) => i % 3 !== 1 && (!withRegion || i % 2 === 0));
        expect(result.kept.map(String)).toEqual(reference(width, [taken], []));
        expect(result.excluded?.map(String)).toEqual(
          reference(width, [bits.filter((_, i) => i % 3 === 1)], []),
        );
        expect(result.rows).toBe(taken.length);
      }
    });
  }

  it('counts addresses exactly', () => {
    const list = collapse(['10.0.0.0/8', '10.1.0.0/16', '11.0.0.0/8', '2600::/16'].map((t) => parseCidr(t)));
    expect(list.map(String)).toEqual(['10.0.0.0/7', '2600::/16']);
    expect(countAddresses(list.slice(0, 1))).toBe(2n ** 25n);
    expect(countAddresses(list.slice(1))).toBe(2n ** 112n);
  });

  it('handles the whole space and empty inputs', () => {
    const all = [parseCidr('0.0.0.0/0')];
    expect(subtract(all, all)).toEqual([]);
    expect(collapse([])).toEqual([]);
    expect(subtract(all, [parseCidr('128.0.0.0/1')]).map(String)).toEqual(['0.0.0.0/1']);
    expect(formatAddress(true, [0, 0, 0, 0])).toBe('::');
  });
});
