import { beforeAll, describe, expect, it } from 'vitest';
import { prng } from '../../test/helpers/prng';
import { NeptuneError } from '../core/errors';
import { pack, unpack } from './packed';
import { parseRanges, type Snapshot } from './ranges';
import { aggregate, knownNetworkBorderGroups, knownRegions, knownServices, resolveSelection } from './select';
import {
  type OracleSelection,
  plainSnapshots,
  runOracle,
  SNAPSHOT_FILES,
  snapshotBytes,
} from './testing/oracle';

type Name = keyof typeof SNAPSHOT_FILES;
const snapshots = {} as Record<Name, Snapshot>;
/** The same snapshots in the packed form the executable embeds: aggregation then reads typed-array columns. */
const packedSnapshots = {} as Record<Name, Snapshot>;
let plain: Record<Name, string>;

beforeAll(() => {
  plain = plainSnapshots();
  for (const name of Object.keys(SNAPSHOT_FILES) as Name[])
    snapshots[name] = parseRanges(snapshotBytes(SNAPSHOT_FILES[name]), name);
  for (const name of Object.keys(SNAPSHOT_FILES) as Name[])
    packedSnapshots[name] = unpack(pack(snapshots[name]));
});

function pick<T>(rand: () => number, list: readonly T[], max: number): T[] {
  const count = 1 + Math.floor(rand() * max);
  return Array.from({ length: count }, () => list[Math.floor(rand() * list.length)]!);
}

/** Random selections built from the names present: exact names, globs, exclusions, border groups, one family. */
function randomSelections(name: Name, count: number, seed: number): OracleSelection[] {
  const rand = prng(seed);
  const snap = snapshots[name];
  const regions = knownRegions(snap);
  const services = knownServices(snap);
  const nbgs = knownNetworkBorderGroups(snap);
  const out: OracleSelection[] = [];
  for (let i = 0; i < count; i++) {
    const s: OracleSelection = { file: plain[name] };
    const r = rand();
    if (r < 0.25) s.services = ['AMAZON'];
    else if (r < 0.85) s.services = pick(rand, services, 3);
    else s.services = [`${services[Math.floor(rand() * services.length)]!.slice(0, 2)}*`];
    if (rand() < 0.6) {
      const region = regions[Math.floor(rand() * regions.length)]!;
      s.regions = rand() < 0.3 ? [`${region.split('-')[0]}*`] : pick(rand, regions, 4);
    }
    if (rand() < 0.4) s.exclude = pick(rand, services, 2);
    if (nbgs.length > 0 && rand() < 0.15) s.nbgs = pick(rand, nbgs, 3);
    const f = rand();
    if (f < 0.2) s.families = [4];
    else if (f < 0.4) s.families = [6];
    out.push(s);
  }
  return out;
}

function ours(name: Name, s: OracleSelection, from = snapshots): string[] {
  const selection = resolveSelection(from[name], {
    services: s.services,
    regions: s.regions,
    excludeServices: s.exclude,
    networkBorderGroups: s.nbgs,
    families: s.families,
  });
  const { ipv4, ipv6 } = aggregate(from[name], selection);
  return [...ipv4, ...ipv6].map(String);
}

describe('aggregation equals Python ipaddress.collapse_addresses', { timeout: 120_000 }, () => {
  for (const [name, count, seed] of [
    ['newest', 30, 1],
    ['older', 20, 2],
    ['old2016', 50, 3],
  ] as const) {
    it(`on the ${name} snapshot for ${count} random selections and the whole of AMAZON`, () => {
      const selections = [
        { file: plain[name], services: ['AMAZON'] },
        ...randomSelections(name, count, seed),
      ];
      const expected = runOracle(selections);
      selections.forEach((s, i) => {
        expect({ selection: s, prefixes: ours(name, s) }).toEqual({ selection: s, prefixes: expected[i] });
        expect({ selection: s, packed: ours(name, s, packedSnapshots) }).toEqual({
          selection: s,
          packed: expected[i],
        });
      });
      // The whole of AMAZON is the largest case, and must not be empty.
      expect(expected[0]!.length).toBeGreaterThan(name === 'old2016' ? 50 : 3000);
    });
  }

  it('subtracts address space, not rows: AMAZON minus EC2 keeps AMAZON addresses outside every EC2 prefix', () => {
    const snap = snapshots.newest;
    const sel = resolveSelection(snap, { services: ['AMAZON'], excludeServices: ['EC2'] });
    const { ipv4 } = aggregate(snap, sel);
    const ec2 = aggregate(snap, resolveSelection(snap, { services: ['EC2'] })).ipv4;
    const [row] = runOracle([{ file: plain.newest, services: ['AMAZON'], exclude: ['EC2'], families: [4] }]);
    expect(ipv4.map(String)).toEqual(row);
    // No EC2 prefix overlaps the result, and the result is smaller than AMAZON's.
    const text = new Set(ipv4.map(String));
    for (const c of ec2) expect(text.has(String(c))).toBe(false);
  });
});

describe('resolving names', () => {
  it('expands globs case-insensitively', () => {
    const sel = resolveSelection(snapshots.newest, { regions: ['US-EAST-*'], services: ['ec2'] });
    expect([...sel.regions!].sort()).toEqual(['us-east-1', 'us-east-2']);
    expect([...sel.services]).toEqual(['EC2']);
  });

  it.each([
    [
      { regions: ['us-east-9'] },
      'ALLOWLIST_UNKNOWN_REGION',
      /unknown region "us-east-9"; did you mean us-east-1/,
    ],
    [{ services: ['EC3'] }, 'ALLOWLIST_UNKNOWN_SERVICE', /unknown service "EC3"; did you mean EC2/],
    [{ excludeServices: ['NOPE'] }, 'ALLOWLIST_UNKNOWN_SERVICE', /unknown service "NOPE"/],
    [
      { networkBorderGroups: ['mars-1'] },
      'ALLOWLIST_UNKNOWN_NETWORK_BORDER_GROUP',
      /unknown network border group/,
    ],
  ])('rejects %j with %s (exit 64) and lists the valid names', (input, code, message) => {
    try {
      resolveSelection(snapshots.newest, input);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(NeptuneError);
      const e = error as NeptuneError;
      expect([e.code, e.exitCode]).toEqual([code, 64]);
      expect(e.message).toMatch(message);
      expect(e.hint).toMatch(/^valid .*s: /);
    }
  });

  it('explains that 2016 files have no network border groups', () => {
    expect(() => resolveSelection(snapshots.old2016, { networkBorderGroups: ['us-east-1'] })).toThrow(
      /has no network border groups/,
    );
  });
});
