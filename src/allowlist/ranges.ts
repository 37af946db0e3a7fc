/**
 * AWS's ip-ranges.json: the model, and a strict parser that accepts every published shape (no `ipv6_prefixes`
 * before 2016-08, no `network_border_group` before 2020-04, unknown extra fields) and rejects anything malformed
 * with the file, the entry and the reason.
 */
import { dataError } from '../core/errors';
import { type Cidr, CidrSyntaxError, parseCidr } from './cidr';
import type { PackedColumns } from './packed';

/** One published row: a prefix as announced for one service in one region. */
export interface RangeRow {
  prefix: Cidr;
  service: string;
  region: string;
  /** Absent in files published before 2020-04. */
  networkBorderGroup: string | undefined;
}

export interface SnapshotStamp {
  syncToken: string;
  createDate: string;
  /** SHA-256 of the file's bytes, hex. */
  sha256: string;
  /** Where it came from: `embedded`, `cache`, a path or a URL. */
  source: string;
}

export interface Snapshot {
  stamp: SnapshotStamp;
  /** IPv4 rows then IPv6 rows, each in published order. */
  rows: RangeRow[];
  /** The embedded snapshot also has its rows as typed-array columns (packed.ts), which aggregation reads. */
  packed?: PackedColumns;
}

/** The largest file accepted (the 2026 file is 2.6 MB; this leaves room for years of growth). */
export const MAX_RANGES_BYTES = 64 * 1024 * 1024;

const CREATE_DATE = /^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/;
const SYNC_TOKEN = /^\d{1,20}$/;

function bad(source: string, where: string, reason: string) {
  return dataError('ALLOWLIST_RANGES_INVALID', `${source}: ${where}${where ? ': ' : ''}${reason}`, {
    hint: 'this is not a valid AWS ip-ranges.json; fetch a fresh copy with neptune allowlist update',
    details: { source, where },
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  return `${typeof value === 'object' ? 'an object' : `the ${typeof value} ${String(value)}`}`;
}

/** `line L, column C` for a character offset, for JSON syntax errors. */
function lineColumn(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, column ${offset - lineStart + 1}`;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    if (/Unexpected end of JSON input/.test(message))
      throw bad(source, '', 'not valid JSON: the file ends early (truncated download?)');
    const position = /position (\d+)/.exec(message);
    if (position && Number(position[1]) >= text.trimEnd().length)
      throw bad(source, '', 'not valid JSON: the file ends early (truncated download?)');
    const where = position ? lineColumn(text, Number(position[1])) : '';
    // V8's message quotes a piece of the input; keep only the reason.
    const reason = message
      .replace(/, "[\s\S]*$/, '')
      .replace(/ in JSON at position \d+[\s\S]*$/, '')
      .split('\n')[0];
    throw bad(source, where, `not valid JSON (${reason})`);
  }
}

function stringField(entry: Record<string, unknown>, key: string, source: string, where: string): string {
  const value = entry[key];
  if (value === undefined) throw bad(source, where, `missing field "${key}"`);
  if (typeof value !== 'string')
    throw bad(source, where, `"${key}" must be a string, found ${describe(value)}`);
  if (value === '') throw bad(source, where, `"${key}" is empty`);
  return value;
}

function parseRows(
  list: unknown,
  key: 'prefixes' | 'ipv6_prefixes',
  source: string,
  strings: Map<string, string>,
  rows: RangeRow[],
): void {
  if (!Array.isArray(list)) throw bad(source, key, `must be an array, found ${describe(list)}`);
  const prefixKey = key === 'prefixes' ? 'ip_prefix' : 'ipv6_prefix';
  const family = key === 'prefixes' ? 4 : 6;
  // Interning keeps one copy of each service/region string: tens of thousands of rows share a few hundred.
  const intern = (s: string) => {
    const known = strings.get(s);
    if (known !== undefined) return known;
    strings.set(s, s);
    return s;
  };
  for (let i = 0; i < list.length; i++) {
    const where = `${key}[${i}]`;
    const entry = list[i] as Record<string, unknown>;
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      throw bad(source, where, `must be an object, found ${describe(entry)}`);
    const text = stringField(entry, prefixKey, source, where);
    let prefix: Cidr;
    try {
      prefix = parseCidr(text, family);
    } catch (error) {
      if (!(error instanceof CidrSyntaxError)) throw error;
      throw bad(source, where, `${prefixKey} ${JSON.stringify(text)}: ${error.message}`);
    }
    const nbg = entry.network_border_group;
    if (nbg !== undefined && (typeof nbg !== 'string' || nbg === ''))
      throw bad(source, where, `"network_border_group" must be a non-empty string, found ${describe(nbg)}`);
    rows.push({
      prefix,
      service: intern(stringField(entry, 'service', source, where)),
      region: intern(stringField(entry, 'region', source, where)),
      networkBorderGroup: nbg === undefined ? undefined : intern(nbg),
    });
  }
}

/**
 * Parses and validates the bytes of an ip-ranges.json. `source` names the file in errors. Throws a NeptuneError
 * (exit 65) for anything malformed.
 */
export function parseRanges(bytes: Uint8Array, source: string, sha256?: string): Snapshot {
  if (bytes.byteLength === 0) throw bad(source, '', 'the file is empty');
  if (bytes.byteLength > MAX_RANGES_BYTES)
    throw bad(source, '', `the file is ${bytes.byteLength} bytes, above the limit of ${MAX_RANGES_BYTES}`);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const doc = parseJson(text, source);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw bad(source, '', `the top level must be an object, found ${describe(doc)}`);
  const top = doc as Record<string, unknown>;
  const syncToken = stringField(top, 'syncToken', source, '');
  if (!SYNC_TOKEN.test(syncToken))
    throw bad(source, 'syncToken', `${JSON.stringify(syncToken)} is not a number`);
  const createDate = stringField(top, 'createDate', source, '');
  if (!CREATE_DATE.test(createDate))
    throw bad(source, 'createDate', `${JSON.stringify(createDate)} is not YYYY-MM-DD-hh-mm-ss`);
  if (top.prefixes === undefined) throw bad(source, '', 'missing field "prefixes"');
  const rows: RangeRow[] = [];
  const strings = new Map<string, string>();
  parseRows(top.prefixes, 'prefixes', source, strings, rows);
  if (top.ipv6_prefixes !== undefined) parseRows(top.ipv6_prefixes, 'ipv6_prefixes', source, strings, rows);
  return {
    stamp: { syncToken, createDate, sha256: sha256 ?? sha256Hex(bytes), source },
    rows,
  };
}

export function sha256Hex(bytes: Uint8Array): string {
  // Loaded on first use: node:crypto costs start-up, and the embedded snapshot never needs it.
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(bytes).digest('hex');
}

/** Compares two syncTokens as numbers (they are Unix times as decimal strings). */
export function compareSyncTokens(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
