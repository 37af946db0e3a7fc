/** Regenerates data/aws/ip-ranges.packed.gz (and the stamp) from data/aws/ip-ranges.json.gz. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pack } from '../packed';
import { parseRanges, sha256Hex } from '../ranges';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const json = gunzipSync(readFileSync(path.join(root, 'data/aws/ip-ranges.json.gz')));
const snapshot = parseRanges(json, 'data/aws/ip-ranges.json.gz', sha256Hex(json));
const packed = pack(snapshot);
writeFileSync(path.join(root, 'data/aws/ip-ranges.packed.gz'), packed);
const stamp = {
  syncToken: snapshot.stamp.syncToken,
  createDate: snapshot.stamp.createDate,
  sha256: snapshot.stamp.sha256,
  bytes: json.length,
  url: 'https://ip-ranges.amazonaws.com/ip-ranges.json',
};
writeFileSync(path.join(root, 'data/aws/ip-ranges.stamp.json'), `${JSON.stringify(stamp, null, 2)}\n`);
console.error(`data/aws/ip-ranges.packed.gz: ${packed.length} bytes`);
