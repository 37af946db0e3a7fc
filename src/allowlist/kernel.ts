/**
 * The allow-list's hot loops run in WebAssembly (kernel/aggregate.wat, docs/decisions/0105-allowlist-wasm-kernel.md):
 * a one-shot `neptune allowlist` run spends its time in V8's interpreter, where every address above 2^30 is a
 * boxed heap number and each loop turn allocates; in WebAssembly the same loops are machine integers and compile
 * in microseconds. This module lays the inputs out in the kernel's memory and turns the results into prefixes.
 */
import { readAsset } from '../core/assets';
import { Cidr } from './cidr';
import type { PackedFamily } from './packed';

// The project's TypeScript lib has no WebAssembly types (no DOM): the part used here.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
};

interface KernelExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  pick(
    meta: number,
    order: number,
    count: number,
    take: number,
    exclude: number,
    regions: number,
    nbgs: number,
    taken: number,
    dropped: number,
  ): [number, number];
  collapse4(words: number, lens: number, rows: number, n: number, outWords: number, outLens: number): number;
  collapse6(words: number, lens: number, rows: number, n: number, outWords: number, outLens: number): number;
  mark(meta: number, count: number, field: number, seen: number): void;
  format4(words: number, lens: number, n: number, out: number): number;
  format6(words: number, lens: number, n: number, out: number): number;
}

let instance: KernelExports | undefined;

function kernel(): KernelExports {
  instance ??= new WebAssembly.Instance(new WebAssembly.Module(readAsset('allowlist-kernel.wasm')))
    .exports as unknown as KernelExports;
  return instance;
}

/**
 * One call's inputs and outputs in the kernel's memory, placed one after another; the next call reuses the space.
 * Offset 0 stays unused: the kernel reads 0 as "none".
 */
class Arena {
  private end = 8;
  constructor(readonly exports: KernelExports) {}

  /** Room for `bytes`, 8-byte aligned, growing the memory when needed. */
  reserve(bytes: number): number {
    const at = this.end;
    this.end = (at + bytes + 7) & ~7;
    const { memory } = this.exports;
    const missing = this.end - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    return at;
  }

  /** A copy of `array` in the kernel's memory. */
  put(array: ArrayBufferView): number {
    const at = this.reserve(array.byteLength);
    this.bytes(at, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return at;
  }

  bytes(at: number, length: number): Uint8Array {
    return new Uint8Array(this.exports.memory.buffer, at, length);
  }

  words(at: number, length: number): Uint32Array {
    return new Uint32Array(this.exports.memory.buffer, at, length);
  }
}

/** The longest line the kernel writes per prefix: "ffff:…:ffff/128\n" and "255.255.255.255/32\n". */
const LINE_BYTES = { v4: 19, v6: 44 };

/**
 * Collapses `n` rows (indexes at `rows`, or 0 for 0..n-1) already in the arena; the results as prefixes, each
 * with its text form, which the kernel writes in the same pass.
 */
function collapseIn(arena: Arena, v6: boolean, words: number, lens: number, rows: number, n: number): Cidr[] {
  const width = v6 ? 4 : 1;
  const outWords = arena.reserve(4 * width * n);
  const outLens = arena.reserve(n);
  const { exports } = arena;
  const count = (v6 ? exports.collapse6 : exports.collapse4)(words, lens, rows, n, outWords, outLens);
  const textAt = arena.reserve((v6 ? LINE_BYTES.v6 : LINE_BYTES.v4) * count);
  const textEnd = (v6 ? exports.format6 : exports.format4)(outWords, outLens, count, textAt);
  const lines = Buffer.from(exports.memory.buffer, textAt, textEnd - textAt)
    .toString('latin1')
    .split('\n');
  const w = arena.words(outWords, width * count);
  const l = arena.bytes(outLens, count);
  const out: Cidr[] = new Array(count);
  if (v6) {
    for (let i = 0; i < count; i++)
      out[i] = new Cidr(true, w[4 * i]!, w[4 * i + 1]!, w[4 * i + 2]!, w[4 * i + 3]!, l[i]!, lines[i]);
  } else for (let i = 0; i < count; i++) out[i] = new Cidr(false, w[i]!, 0, 0, 0, l[i]!, lines[i]);
  return out;
}

/**
 * The minimal list of prefixes covering `lens.length` prefixes of one family, given as words (1 or 4 per prefix,
 * most significant first) sorted by address, then prefix length.
 */
export function collapseSortedWords(v6: boolean, words: Uint32Array, lens: Uint8Array): Cidr[] {
  const arena = new Arena(kernel());
  return collapseIn(arena, v6, arena.put(words), arena.put(lens), 0, lens.length);
}

/** One-byte-per-string-id lookup tables of a selection: 1 where the id is selected. */
export interface SelectionTables {
  take: Uint8Array;
  exclude?: Uint8Array;
  regions?: Uint8Array;
  networkBorderGroups?: Uint8Array;
}

export interface FamilyAggregate {
  /** What the selection takes, collapsed. */
  kept: Cidr[];
  /** With exclusions: what they cover, collapsed. */
  excluded?: Cidr[];
  /** How many rows the selection took. */
  rows: number;
}

/** The rows of one family of the packed snapshot that a selection takes (and excludes), collapsed. */
export function aggregateFamily(v6: boolean, family: PackedFamily, tables: SelectionTables): FamilyAggregate {
  const arena = new Arena(kernel());
  const optional = (table: Uint8Array | undefined) => (table ? arena.put(table) : 0);
  const meta = arena.put(family.meta);
  const order = arena.put(family.order);
  const take = arena.put(tables.take);
  const exclude = optional(tables.exclude);
  const regions = optional(tables.regions);
  const nbgs = optional(tables.networkBorderGroups);
  const taken = arena.reserve(4 * family.count);
  const dropped = arena.reserve(tables.exclude ? 4 * family.count : 0);
  const words = arena.put(family.words);
  const lens = arena.put(family.lens);
  const [nTaken, nDropped] = arena.exports.pick(
    meta,
    order,
    family.count,
    take,
    exclude,
    regions,
    nbgs,
    taken,
    dropped,
  );
  return {
    kept: collapseIn(arena, v6, words, lens, taken, nTaken),
    excluded: tables.exclude ? collapseIn(arena, v6, words, lens, dropped, nDropped) : undefined,
    rows: nTaken,
  };
}

/** Which string ids occur in `field` (0 service, 1 region, 2 border group) of the families' rows: 1 at each. */
export function markIds(families: readonly PackedFamily[], field: 0 | 1 | 2): Uint8Array {
  const arena = new Arena(kernel());
  const seen = arena.reserve(0x10000);
  arena.bytes(seen, 0x10000).fill(0);
  for (const family of families) arena.exports.mark(arena.put(family.meta), family.count, field, seen);
  return arena.bytes(seen, 0x10000).slice();
}
