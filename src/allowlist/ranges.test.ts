import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import stamp from '../../data/aws/ip-ranges.stamp.json';
import { NeptuneError } from '../core/errors';
import { pack, unpack } from './packed';
import { compareSyncTokens, MAX_RANGES_BYTES, parseRanges, sha256Hex } from './ranges';
import { EMBEDDED_STAMP, loadEmbedded } from './snapshot';
import { REPO, SNAPSHOT_FILES, snapshotBytes } from './testing/oracle';

const BAD = path.join(REPO, 'test/fixtures/allowlist/bad');
const read = (name: string) => readFileSync(path.join(BAD, name));

function failure(bytes: Uint8Array, source = 'f.json'): NeptuneError {
  try {
    parseRanges(bytes, source);
  } catch (error) {
    expect(error).toBeInstanceOf(NeptuneError);
    return error as NeptuneError;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseRanges accepts every published shape', () => {
  it('reads the newest snapshot: counts, syncToken and createDate', () => {
    const snap = parseRanges(snapshotBytes(SNAPSHOT_FILES.newest), 'newest');
    expect(snap.stamp.syncToken).toBe('1787411825');
    expect(snap.stamp.createDate).toBe('2026-08-22-15-17-05');
    expect(snap.rows.filter((r) => !r.prefix.v6)).toHaveLength(10668);
    expect(snap.rows.filter((r) => r.prefix.v6)).toHaveLength(6160);
    expect(snap.rows.every((r) => r.networkBorderGroup !== undefined)).toBe(true);
  });

  it('reads the 2016 schema: no ipv6_prefixes, no network_border_group', () => {
    const snap = parseRanges(snapshotBytes(SNAPSHOT_FILES.old2016), 'old');
    expect(snap.rows).toHaveLength(560);
    expect(snap.rows.some((r) => r.prefix.v6 || r.networkBorderGroup !== undefined)).toBe(false);
  });

  it('ignores unknown extra fields', () => {
    const snap = parseRanges(readFileSync(path.join(BAD, '..', 'extra-fields.json')), 'x');
    expect(snap.rows.map((r) => `${r.prefix} ${r.service}`)).toEqual(['3.5.140.0/22 AMAZON']);
  });

  it('stamps the embedded snapshot with the SHA-256 of its bytes', () => {
    const bytes = snapshotBytes(SNAPSHOT_FILES.newest);
    expect(sha256Hex(bytes)).toBe(stamp.sha256);
    expect(bytes.length).toBe(stamp.bytes);
    const embedded = loadEmbedded();
    expect(embedded.stamp).toEqual({ ...EMBEDDED_STAMP, source: 'embedded' });
    expect(embedded.stamp.syncToken).toBe(stamp.syncToken);
    expect(embedded.stamp.createDate).toBe(stamp.createDate);
  });

  it('embeds exactly the rows of data/aws/ip-ranges.json.gz, in its packed form', () => {
    const json = parseRanges(snapshotBytes(SNAPSHOT_FILES.newest), 'embedded', stamp.sha256);
    const embedded = loadEmbedded();
    expect(embedded.rows.length).toBe(json.rows.length);
    const text = (s: typeof json) =>
      s.rows.map((r) => `${r.prefix} ${r.service} ${r.region} ${r.networkBorderGroup ?? '-'}`);
    expect(text(embedded)).toEqual(text(json));
    expect(embedded.rows).toEqual(json.rows);
    expect(embedded.stamp).toEqual(json.stamp);
    // The packed form round-trips the 2016 schema too (no IPv6, no border groups).
    const old = parseRanges(snapshotBytes(SNAPSHOT_FILES.old2016), 'old');
    const again = unpack(pack(old), 'old');
    expect([again.stamp, again.rows]).toEqual([old.stamp, old.rows]);
  });

  it('compares syncTokens as numbers', () => {
    expect(compareSyncTokens('999', '1000')).toBe(-1);
    expect(compareSyncTokens('1787411825', '1787411825')).toBe(0);
  });
});

describe('parseRanges rejects malformed files with the place and the reason (exit 65)', () => {
  it.each([
    ['empty.json', 'f.json: the file is empty'],
    ['truncated.json', 'f.json: not valid JSON: the file ends early (truncated download?)'],
    ['not-json.json', "f.json: not valid JSON (Unexpected token 'o')"],
    ['html.json', "f.json: not valid JSON (Unexpected token '<')"],
    ['top-level-array.json', 'f.json: the top level must be an object, found an array'],
    ['synctoken-number.json', 'f.json: "syncToken" must be a string, found the number 1787411825'],
    ['bad-create-date.json', 'f.json: createDate: "22/08/2026" is not YYYY-MM-DD-hh-mm-ss'],
    ['missing-prefixes.json', 'f.json: missing field "prefixes"'],
    ['prefixes-object.json', 'f.json: prefixes: must be an array, found an object'],
    ['bad-prefix-length.json', 'f.json: prefixes[1]: ip_prefix "3.5.140.0/33": prefix length 33 is above 32'],
    [
      'host-bits.json',
      'f.json: prefixes[0]: ip_prefix "3.5.140.1/22": has host bits set (the network is 3.5.140.0/22)',
    ],
    [
      'ipv6-in-ipv4-list.json',
      'f.json: prefixes[0]: ip_prefix "2600:1f18::/36": is an IPv6 prefix, expected IPv4',
    ],
    ['missing-region.json', 'f.json: prefixes[0]: missing field "region"'],
    ['service-array.json', 'f.json: prefixes[0]: "service" must be a string, found an array'],
    ['bad-ipv6.json', 'f.json: ipv6_prefixes[1]: ipv6_prefix "2600:1f18:::/36": "::" may appear only once'],
    ['null-entry.json', 'f.json: prefixes[0]: must be an object, found null'],
    [
      'nbg-number.json',
      'f.json: prefixes[0]: "network_border_group" must be a non-empty string, found the number 7',
    ],
  ])('%s', (file, message) => {
    const e = failure(read(file));
    expect(e.message).toBe(message);
    expect([e.code, e.exitCode]).toEqual(['ALLOWLIST_RANGES_INVALID', 65]);
    expect(e.message).not.toContain('\n');
  });

  it('reports the line and column of a syntax error', () => {
    const e = failure(Buffer.from('{\n  "syncToken": "1",\n  "prefixes": [1\n  2]\n}'));
    expect(e.message).toBe(
      "f.json: line 4, column 3: not valid JSON (Expected ',' or ']' after array element)",
    );
  });

  it('refuses a file above the size limit without parsing it', () => {
    const huge = Buffer.alloc(MAX_RANGES_BYTES + 1, 0x20);
    expect(failure(huge).message).toBe(
      `f.json: the file is ${MAX_RANGES_BYTES + 1} bytes, above the limit of ${MAX_RANGES_BYTES}`,
    );
  });
});
