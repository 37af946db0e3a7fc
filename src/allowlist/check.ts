/** `allowlist check`: which published prefixes contain an address. Not found is an answer, not an error. */
import { dataError } from '../core/errors';
import { type Cidr, CidrSyntaxError, compareCidr, containsCidr, parseCidr } from './cidr';
import type { Snapshot } from './ranges';

export interface CheckMatch {
  prefix: string;
  service: string;
  region: string;
  networkBorderGroup: string | null;
}

export interface CheckAnswer {
  address: string;
  found: boolean;
  /** Most specific prefix first; rows of one prefix by service. */
  matches: CheckMatch[];
}

/** Parses every address first, so that one bad address fails the whole run before any answer (exit 65). */
export function parseQueries(texts: readonly string[]): Cidr[] {
  return texts.map((text) => {
    try {
      return parseCidr(text.trim());
    } catch (error) {
      if (!(error instanceof CidrSyntaxError)) throw error;
      throw dataError(
        'ALLOWLIST_BAD_ADDRESS',
        `${JSON.stringify(text)} is not an IP address: ${error.message}`,
        {
          hint: 'give IPv4 or IPv6 addresses such as 52.95.110.1 or 2600:1f18::1 (a prefix such as 52.95.0.0/16 works too)',
        },
      );
    }
  });
}

export function checkAddresses(snapshot: Snapshot, texts: readonly string[]): CheckAnswer[] {
  const queries = parseQueries(texts);
  return queries.map((query, i) => {
    const rows = snapshot.rows.filter((row) => containsCidr(row.prefix, query));
    rows.sort(
      (a, b) =>
        b.prefix.len - a.prefix.len || compareCidr(a.prefix, b.prefix) || a.service.localeCompare(b.service),
    );
    return {
      address: texts[i]!.trim(),
      found: rows.length > 0,
      matches: rows.map((row) => ({
        prefix: String(row.prefix),
        service: row.service,
        region: row.region,
        networkBorderGroup: row.networkBorderGroup ?? null,
      })),
    };
  });
}
