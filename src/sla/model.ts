/** The data a claim is computed from, once every input format has been read. Times are epoch milliseconds (UTC). */

export type Kind = 'app' | 'db';

export interface Incident {
  environment: string;
  component: string;
  /** Unknown for importers that only name a monitor; resolved against the inventory. */
  kind?: Kind | undefined;
  start: number;
  end: number;
  /** Where it came from, e.g. `incidents.csv:4` or `pingdom`. */
  source: string;
}

export const EXCLUSION_REASONS = [
  'maintenance',
  'suspension',
  'force-majeure',
  'internet',
  'customer',
  'third-party',
  'equipment',
  'not-attributable',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

export interface Exclusion {
  /** `*` applies to every environment. */
  environment: string;
  start: number;
  end: number;
  reason: ExclusionReason;
  /** When the maintenance was announced; maintenance counts only if announced before it began. */
  announcedAt?: number | undefined;
  source: string;
}

export interface Environment {
  name: string;
  type: 'dedicated' | 'shared';
  apps: string[];
  databases: string[];
  /** Charges of a cycle in cents: one amount for every cycle, or per cycle label (YYYY-MM). */
  charges: bigint | Record<string, bigint>;
  oneTimeCharges: bigint | Record<string, bigint>;
  currency: string;
}

export interface Inventory {
  account: string;
  environments: Environment[];
}
