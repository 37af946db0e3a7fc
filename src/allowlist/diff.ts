/**
 * `allowlist diff`: what changes between two snapshots under the same filters, as published rows and as the
 * aggregated output (the lines a firewall would gain or lose, and the address space behind them).
 */
import { type Cidr, compareCidr } from './cidr';
import { countAddresses, subtract } from './cidr-set';
import type { RangeRow, Snapshot, SnapshotStamp } from './ranges';
import { aggregate, describeSelection, resolveSelection, type SelectionInput, selectedRows } from './select';

export interface RowChange {
  prefix: string;
  service: string;
  region: string;
  networkBorderGroup: string | null;
}

export interface DiffResult {
  old: SnapshotStamp;
  new: SnapshotStamp;
  selection: ReturnType<typeof describeSelection>;
  rows: { added: RowChange[]; removed: RowChange[] };
  aggregated: {
    added: string[];
    removed: string[];
    /** Addresses allowed by the new output and not the old, and the reverse (decimal strings). */
    addressesAdded: string;
    addressesRemoved: string;
  };
  changed: boolean;
}

const rowKey = (r: RangeRow) => `${r.prefix}|${r.service}|${r.region}|${r.networkBorderGroup ?? ''}`;

function rowDelta(from: RangeRow[], to: RangeRow[]): RowChange[] {
  const have = new Set(from.map(rowKey));
  const seen = new Set<string>();
  const out = to.filter((r) => {
    const key = rowKey(r);
    if (have.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  out.sort(
    (a, b) =>
      compareCidr(a.prefix, b.prefix) ||
      a.service.localeCompare(b.service) ||
      a.region.localeCompare(b.region) ||
      (a.networkBorderGroup ?? '').localeCompare(b.networkBorderGroup ?? ''),
  );
  return out.map((r) => ({
    prefix: String(r.prefix),
    service: r.service,
    region: r.region,
    networkBorderGroup: r.networkBorderGroup ?? null,
  }));
}

function lineDelta(from: Cidr[], to: Cidr[]): string[] {
  const have = new Set(from.map(String));
  return to.map(String).filter((c) => !have.has(c));
}

export function diffSnapshots(older: Snapshot, newer: Snapshot, input: SelectionInput): DiffResult {
  // Names are resolved against both snapshots, so a region that exists in only one of them is still valid.
  const both: Snapshot = { stamp: newer.stamp, rows: [...older.rows, ...newer.rows] };
  const selection = resolveSelection(both, input);
  const a = aggregate(older, selection);
  const b = aggregate(newer, selection);
  const aList = [...a.ipv4, ...a.ipv6];
  const bList = [...b.ipv4, ...b.ipv6];
  const rows = {
    added: rowDelta(selectedRows(older, selection), selectedRows(newer, selection)),
    removed: rowDelta(selectedRows(newer, selection), selectedRows(older, selection)),
  };
  const gained = countAddresses(subtract(b.ipv4, a.ipv4)) + countAddresses(subtract(b.ipv6, a.ipv6));
  const lost = countAddresses(subtract(a.ipv4, b.ipv4)) + countAddresses(subtract(a.ipv6, b.ipv6));
  const aggregated = {
    added: lineDelta(aList, bList),
    removed: lineDelta(bList, aList),
    addressesAdded: gained.toString(),
    addressesRemoved: lost.toString(),
  };
  return {
    old: older.stamp,
    new: newer.stamp,
    selection: describeSelection(selection),
    rows,
    aggregated,
    changed:
      rows.added.length + rows.removed.length + aggregated.added.length + aggregated.removed.length > 0,
  };
}
