/**
 * Filters and aggregation: which published rows a selection takes, and the exact address set it stands for.
 * `--exclude-service` subtracts address space (AMAZON minus EC2 is every AMAZON address in no EC2 prefix, in any
 * region: docs/decisions/0101-allowlist-exclude-service.md), it does not drop rows.
 */
import { usageError } from '../core/errors';
import { suggest } from '../core/suggest';
import type { Cidr, Family } from './cidr';
import { collapse, subtract } from './cidr-set';
import { aggregateFamily, markIds, type SelectionTables } from './kernel';
import type { PackedColumns, PackedFamily } from './packed';
import type { RangeRow, Snapshot } from './ranges';

export interface SelectionInput {
  regions?: readonly string[];
  services?: readonly string[];
  excludeServices?: readonly string[];
  networkBorderGroups?: readonly string[];
  /** Default both. */
  families?: readonly Family[];
}

/** A selection with every pattern resolved to the names it matches in one snapshot. */
export interface Selection {
  /** undefined: every region. */
  regions: ReadonlySet<string> | undefined;
  services: ReadonlySet<string>;
  excludeServices: ReadonlySet<string>;
  networkBorderGroups: ReadonlySet<string> | undefined;
  families: readonly Family[];
}

export interface Aggregate {
  ipv4: Cidr[];
  ipv6: Cidr[];
  /** Published rows the selection took, before any subtraction. */
  rows: number;
}

export const DEFAULT_SERVICE = 'AMAZON';

function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

const namesCache = new WeakMap<Snapshot, Map<string, string[]>>();
const FIELD = { service: 0, region: 1, networkBorderGroup: 2 } as const;

/** The sorted distinct names of one field, computed once per snapshot (from the columns when it has them). */
function namesOf(snapshot: Snapshot, key: keyof typeof FIELD): string[] {
  let perKey = namesCache.get(snapshot);
  if (!perKey) {
    perKey = new Map();
    namesCache.set(snapshot, perKey);
  }
  const known = perKey.get(key);
  if (known) return known;
  const names = new Set<string>();
  const packed = snapshot.packed;
  if (packed) {
    // Marks by string id (0xffff, a missing border group, is past the strings), then one Set entry per name.
    const seen = markIds([packed.v4, packed.v6], FIELD[key]);
    for (let id = 0; id < packed.strings.length; id++) if (seen[id] === 1) names.add(packed.strings[id]!);
  } else {
    for (const row of snapshot.rows) {
      const name = row[key];
      if (name !== undefined) names.add(name);
    }
  }
  const sorted = [...names].sort();
  perKey.set(key, sorted);
  return sorted;
}

/**
 * Resolves patterns (exact names or globs with * and ?, case-insensitive) against the names present. A pattern
 * that matches nothing is a usage error that lists the valid names.
 */
function resolve(
  patterns: readonly string[],
  known: readonly string[],
  what: string,
  flag: string,
): Set<string> {
  const out = new Set<string>();
  for (const pattern of patterns) {
    const re = globToRegExp(pattern);
    const matches = known.filter((name) => re.test(name));
    if (matches.length === 0) {
      const near = suggest(
        pattern.toLowerCase(),
        known.map((k) => k.toLowerCase()),
      ).map((n) => known.find((k) => k.toLowerCase() === n)!);
      const list =
        known.length > 60 ? `${known.slice(0, 60).join(', ')}, … (${known.length} in all)` : known.join(', ');
      throw usageError(
        `ALLOWLIST_UNKNOWN_${what.toUpperCase().replaceAll(' ', '_')}`,
        `unknown ${what} ${JSON.stringify(pattern)}${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''}`,
        {
          hint: `valid ${what}s: ${list}; see them all with neptune allowlist --list ${flag}`,
          details: { [what.replaceAll(' ', '_')]: pattern, valid: known },
        },
      );
    }
    for (const m of matches) out.add(m);
  }
  return out;
}

export function knownRegions(snapshot: Snapshot): string[] {
  return namesOf(snapshot, 'region');
}

export function knownServices(snapshot: Snapshot): string[] {
  return namesOf(snapshot, 'service');
}

export function knownNetworkBorderGroups(snapshot: Snapshot): string[] {
  return namesOf(snapshot, 'networkBorderGroup');
}

export function resolveSelection(snapshot: Snapshot, input: SelectionInput): Selection {
  const services = knownServices(snapshot);
  const regions =
    input.regions && input.regions.length > 0
      ? resolve(input.regions, knownRegions(snapshot), 'region', 'regions')
      : undefined;
  let networkBorderGroups: Set<string> | undefined;
  if (input.networkBorderGroups && input.networkBorderGroups.length > 0) {
    const known = knownNetworkBorderGroups(snapshot);
    if (known.length === 0) {
      throw usageError(
        'ALLOWLIST_NO_NETWORK_BORDER_GROUPS',
        `the snapshot ${snapshot.stamp.createDate} has no network border groups (AWS added them in 2020-04)`,
        { hint: 'filter with --region instead, or use a newer snapshot' },
      );
    }
    networkBorderGroups = resolve(
      input.networkBorderGroups,
      known,
      'network border group',
      'network-border-groups',
    );
  }
  const families = input.families && input.families.length > 0 ? [...new Set(input.families)].sort() : [4, 6];
  return {
    regions,
    services: resolve(
      input.services && input.services.length > 0 ? input.services : [DEFAULT_SERVICE],
      services,
      'service',
      'services',
    ),
    excludeServices: resolve(input.excludeServices ?? [], services, 'service', 'services'),
    networkBorderGroups,
    families: families as Family[],
  };
}

/** Whether a row passes the region, border group and family filters. */
function inScope(row: RangeRow, selection: Selection): boolean {
  if (!selection.families.includes(row.prefix.family)) return false;
  if (selection.regions && !selection.regions.has(row.region)) return false;
  if (selection.networkBorderGroups) {
    if (row.networkBorderGroup === undefined || !selection.networkBorderGroups.has(row.networkBorderGroup))
      return false;
  }
  return true;
}

/** The published rows the selection takes (before subtraction), in published order. */
export function selectedRows(snapshot: Snapshot, selection: Selection): RangeRow[] {
  return snapshot.rows.filter((row) => selection.services.has(row.service) && inScope(row, selection));
}

/** The exact address set of a selection, collapsed per family. */
export function aggregate(snapshot: Snapshot, selection: Selection): Aggregate {
  if (snapshot.packed) return aggregatePacked(snapshot.packed, selection);
  const take: [Cidr[], Cidr[]] = [[], []];
  const drop: [Cidr[], Cidr[]] = [[], []];
  const { services, excludeServices, regions, networkBorderGroups: nbgs } = selection;
  const hasExclusions = excludeServices.size > 0;
  const want = [selection.families.includes(4), selection.families.includes(6)];
  let rows = 0;
  // The hot loop of every run: plain field tests, no closures (see inScope for the same rule).
  for (const row of snapshot.rows) {
    const slot = row.prefix.v6 ? 1 : 0;
    if (!want[slot]) continue;
    if (hasExclusions && excludeServices.has(row.service)) drop[slot].push(row.prefix);
    if (!services.has(row.service)) continue;
    if (regions && !regions.has(row.region)) continue;
    if (nbgs && (row.networkBorderGroup === undefined || !nbgs.has(row.networkBorderGroup))) continue;
    take[slot].push(row.prefix);
    rows++;
  }
  const result = (slot: 0 | 1) => {
    const kept = collapse(take[slot]);
    return hasExclusions ? subtract(kept, collapse(drop[slot])) : kept;
  };
  return { ipv4: result(0), ipv6: result(1), rows };
}

/**
 * aggregate() on the packed columns of the embedded snapshot: the filters become lookup tables by string id that the
 * WebAssembly kernel applies to the rows in address order, so no row objects are made (kernel.ts). Same result as
 * the row path (select.test.ts runs the oracle comparisons on both).
 */
function aggregatePacked(packed: PackedColumns, selection: Selection): Aggregate {
  const { strings } = packed;
  const table = (set: ReadonlySet<string> | undefined): Uint8Array | undefined => {
    if (!set) return undefined;
    const t = new Uint8Array(strings.length);
    for (let i = 0; i < strings.length; i++) if (set.has(strings[i]!)) t[i] = 1;
    return t;
  };
  const tables: SelectionTables = {
    take: table(selection.services)!,
    exclude: selection.excludeServices.size > 0 ? table(selection.excludeServices) : undefined,
    regions: table(selection.regions),
    networkBorderGroups: table(selection.networkBorderGroups),
  };
  let rows = 0;
  const result = (v6: boolean, family: PackedFamily) => {
    const { kept, excluded, rows: taken } = aggregateFamily(v6, family, tables);
    rows += taken;
    return excluded ? subtract(kept, excluded) : kept;
  };
  const ipv4 = selection.families.includes(4) ? result(false, packed.v4) : [];
  const ipv6 = selection.families.includes(6) ? result(true, packed.v6) : [];
  return { ipv4, ipv6, rows };
}

/** A plain description of the selection, for comments and --json. */
export function describeSelection(selection: Selection): {
  services: string[];
  excludeServices: string[];
  regions: string[] | 'all';
  networkBorderGroups: string[] | 'all';
  families: Family[];
} {
  return {
    services: [...selection.services].sort(),
    excludeServices: [...selection.excludeServices].sort(),
    regions: selection.regions ? [...selection.regions].sort() : 'all',
    networkBorderGroups: selection.networkBorderGroups ? [...selection.networkBorderGroups].sort() : 'all',
    families: [...selection.families],
  };
}
