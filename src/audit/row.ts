/**
 * The audit row and its hash. Rows are hash-chained per account: each row's hash covers the previous row's hash
 * and the row's own canonical JSON (RFC 8785), so editing, deleting, inserting or reordering any row breaks the
 * chain from that row on. Checkpoints (checkpoint.ts) sign the chain's head, so that even a writer who rewrites
 * the whole chain is caught at the next checkpoint.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../core/jcs';

/** The prevHash of an account's first row. */
export const GENESIS = '0'.repeat(64);
const ROW_DOMAIN = 'neptune-audit-row/v1\n';

/** What a caller records: who did what to what. */
export interface AuditEntry {
  account: string;
  /** who: `user:<id>`, `apikey:<id>`, `agent:<id>`, `rule:<name>`, `system` */
  actor: string;
  /** what: dotted verb, e.g. `alert.received`, `rule.skipped`, `action.finished`, `apikey.revoked` */
  action: string;
  /** to what: `host:<id>`, `action:<id>`, `rule:<name>`, … */
  target: string;
  /** any JSON facts (never secrets) */
  details?: Record<string, unknown>;
}

/** A stored row. (account, seq) is its identity; seq counts 1, 2, 3, … per account without gaps. */
export interface AuditRow {
  account: string;
  seq: number;
  /** ISO 8601 time the row was appended */
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
  /** the previous row's hash, GENESIS for seq 1 */
  prevHash: string;
  /** lower-case hex SHA-256 of ROW_DOMAIN ‖ JCS(the row without `hash`) */
  hash: string;
}

export type UnhashedRow = Omit<AuditRow, 'hash'>;

export function rowHash(row: UnhashedRow): string {
  const body = {
    account: row.account,
    seq: row.seq,
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: row.details,
    prevHash: row.prevHash,
  };
  return createHash('sha256').update(ROW_DOMAIN).update(canonicalize(body)).digest('hex');
}

/** A row's name in messages: `acme#17`. */
export const rowId = (account: string, seq: number): string => `${account}#${seq}`;

const HEX64 = /^[0-9a-f]{64}$/;

/** What is wrong with a value that should be a row, or null. */
export function rowShapeProblem(value: Record<string, unknown>): string | null {
  for (const k of ['account', 'at', 'actor', 'action', 'target'] as const)
    if (typeof value[k] !== 'string') return `"${k}" is not a string`;
  if (!Number.isSafeInteger(value.seq) || (value.seq as number) < 1) return '"seq" is not a positive integer';
  if (!value.details || typeof value.details !== 'object' || Array.isArray(value.details))
    return '"details" is not an object';
  if (typeof value.prevHash !== 'string' || !HEX64.test(value.prevHash))
    return '"prevHash" is not a SHA-256 in hex';
  if (typeof value.hash !== 'string' || !HEX64.test(value.hash)) return '"hash" is not a SHA-256 in hex';
  return null;
}
