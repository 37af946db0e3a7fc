/**
 * The embedded snapshot in a packed binary form, so that a run does not pay for JSON.parse and 16,000 prefix
 * parses (about 150 ms cold; the packed form loads in a few ms: docs/decisions/0103-allowlist-start-up.md).
 *
 * It is derived from data/aws/ip-ranges.json.gz, which stays the source of truth; a unit test checks that the
 * committed data/aws/ip-ranges.packed.gz unpacks to exactly what parsing the JSON gives (regenerate it with
 * `node_modules/.bin/tsx src/allowlist/testing/pack-snapshot.ts` after replacing the JSON). The stamp (syncToken, createDate, SHA-256) is that of the
 * original JSON bytes.
 *
 * Layout (little-endian), gzipped:
 *   u32 magic "NPAL", u32 version 1, u32 header length H, H bytes of JSON header, zero padding to 4 bytes,
 *   then per family (IPv4 then IPv6, counts in the header): u32 words (1 or 4 per row), then u16 service,
 *   u16 region, u16 border group (0xffff: none) and u8 prefix length per row, then u32 row indexes in address order
 *   (by address, then prefix length), so that aggregation collects prefixes already sorted (version 2).
 */
import { Cidr, compareCidr } from './cidr';
import type { RangeRow, Snapshot, SnapshotStamp } from './ranges';

// node:zlib is loaded only for the gzipped form: compiling it is a measurable part of the fast path's start-up.
const zlib = () => process.getBuiltinModule('node:zlib');

const MAGIC = 0x4c41504e; // "NPAL"
const VERSION = 2;
const NONE = 0xffff;

interface Header {
  stamp: Omit<SnapshotStamp, 'source'>;
  strings: string[];
  counts: [number, number];
}

export function pack(snapshot: Snapshot): Buffer {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const id = (s: string | undefined) => {
    if (s === undefined) return NONE;
    let i = index.get(s);
    if (i === undefined) {
      i = strings.length;
      strings.push(s);
      index.set(s, i);
    }
    return i;
  };
  const families = [snapshot.rows.filter((r) => !r.prefix.v6), snapshot.rows.filter((r) => r.prefix.v6)];
  // Rows keep their published order within a family; the model lists IPv4 first too.
  for (const rows of families) {
    for (const r of rows) {
      id(r.service);
      id(r.region);
      id(r.networkBorderGroup);
    }
  }
  const { syncToken, createDate, sha256 } = snapshot.stamp;
  const header: Header = {
    stamp: { syncToken, createDate, sha256 },
    strings,
    counts: [families[0]!.length, families[1]!.length],
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(VERSION, 4);
  head.writeUInt32LE(json.length, 8);
  parts.push(head, json, Buffer.alloc((4 - (json.length % 4)) % 4));
  families.forEach((rows, f) => {
    const width = f === 0 ? 1 : 4;
    const words = Buffer.alloc(rows.length * width * 4);
    const meta = Buffer.alloc(rows.length * 6);
    const lens = Buffer.alloc(rows.length + ((4 - (rows.length % 4)) % 4));
    rows.forEach((r, i) => {
      const w = r.prefix.words();
      for (let k = 0; k < width; k++) words.writeUInt32LE(w[k]!, (i * width + k) * 4);
      meta.writeUInt16LE(id(r.service), i * 6);
      meta.writeUInt16LE(id(r.region), i * 6 + 2);
      meta.writeUInt16LE(id(r.networkBorderGroup), i * 6 + 4);
      lens[i] = r.prefix.len;
    });
    const metaPad = Buffer.alloc((4 - (meta.length % 4)) % 4);
    const order = Buffer.alloc(rows.length * 4);
    rows
      .map((r, i) => [r.prefix, i] as const)
      .sort((a, b) => compareCidr(a[0], b[0]) || a[1] - b[1])
      .forEach(([, i], k) => {
        order.writeUInt32LE(i, k * 4);
      });
    parts.push(words, meta, metaPad, lens, order);
  });
  return zlib().gzipSync(Buffer.concat(parts), { level: 9 });
}

/** One family of the packed snapshot, as typed arrays: rows are never materialized to aggregate. */
export interface PackedFamily {
  count: number;
  /** 1 (IPv4) or 4 (IPv6) words per row. */
  words: Uint32Array;
  /** service, region, border group string ids per row (0xffff: none). */
  meta: Uint16Array;
  lens: Uint8Array;
  /** Row indexes in address order (by address, then prefix length). */
  order: Uint32Array;
}

export interface PackedColumns {
  strings: string[];
  v4: PackedFamily;
  v6: PackedFamily;
}

function materialize(columns: PackedColumns): RangeRow[] {
  const rows: RangeRow[] = [];
  const { strings } = columns;
  for (const [v6, family] of [
    [false, columns.v4],
    [true, columns.v6],
  ] as const) {
    const { words, meta, lens, count } = family;
    for (let i = 0; i < count; i++) {
      const nbg = meta[3 * i + 2]!;
      // The words were written from canonical prefixes (no host bits), so no masking is needed here.
      const prefix = v6
        ? new Cidr(true, words[4 * i]!, words[4 * i + 1]!, words[4 * i + 2]!, words[4 * i + 3]!, lens[i]!)
        : new Cidr(false, words[i]!, 0, 0, 0, lens[i]!);
      rows.push({
        prefix,
        service: strings[meta[3 * i]!]!,
        region: strings[meta[3 * i + 1]!]!,
        networkBorderGroup: nbg === NONE ? undefined : strings[nbg],
      });
    }
  }
  return rows;
}

/**
 * The snapshot with its columns; `rows` is built on first use only (check and diff need it; aggregation reads the
 * columns, see select.ts).
 */
export function unpack(bytes: Uint8Array, source = 'embedded'): Snapshot {
  // The executable embeds the plain form (scripts/build.mjs); the checkout has it gzipped.
  const buf =
    bytes[0] === 0x1f && bytes[1] === 0x8b
      ? zlib().gunzipSync(bytes)
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.readUInt32LE(0) !== MAGIC || buf.readUInt32LE(4) !== VERSION)
    throw new Error(`not a packed ip-ranges snapshot of version ${VERSION}`);
  const length = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + length)) as Header;
  let offset = 12 + length + ((4 - (length % 4)) % 4);
  // gunzipSync's buffer is not shared with a pool; typed views need 4-byte alignment, which the layout keeps.
  const aligned = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
  const family = (count: number, width: number): PackedFamily => {
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset + offset, count * width);
    offset += count * width * 4;
    const meta = new Uint16Array(aligned.buffer, aligned.byteOffset + offset, count * 3);
    offset += count * 6 + ((4 - ((count * 6) % 4)) % 4);
    const lens = new Uint8Array(aligned.buffer, aligned.byteOffset + offset, count);
    offset += count + ((4 - (count % 4)) % 4);
    const order = new Uint32Array(aligned.buffer, aligned.byteOffset + offset, count);
    offset += count * 4;
    return { count, words, meta, lens, order };
  };
  const v4 = family(header.counts[0], 1);
  const v6 = family(header.counts[1], 4);
  const packed: PackedColumns = { strings: header.strings, v4, v6 };
  let rows: RangeRow[] | undefined;
  const snapshot = { stamp: { ...header.stamp, source }, packed } as Snapshot;
  Object.defineProperty(snapshot, 'rows', {
    enumerable: true,
    get: () => {
      rows ??= materialize(packed);
      return rows;
    },
  });
  return snapshot;
}
