/**
 * Signed checkpoints of an account's chain (the CloudTrail digest model): the head row's seq and hash, the time,
 * and the previous checkpoint's hash, signed with Ed25519. A checkpoint pins every row up to its seq; the chain
 * of checkpoints makes a deleted checkpoint visible too.
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '../core/jcs';
import { type SignatureHeader, signPayload, verifyPayload } from '../runbook/signing/envelope';
import type { SigningKey, TrustedKey } from '../runbook/signing/keys';
import { GENESIS } from './row';

export const CHECKPOINT_TYPE = 'neptune.audit-checkpoint/v1';
export const CHECKPOINT_TYP = 'neptune-audit-checkpoint+jcs';

export interface CheckpointBody {
  type: typeof CHECKPOINT_TYPE;
  account: string;
  /** the seq of the last row it covers (= the number of rows covered) */
  seq: number;
  /** that row's hash */
  head: string;
  at: string;
  /** hash of the previous checkpoint of this account (checkpointHash), GENESIS for the first */
  prev: string;
}

export interface Checkpoint extends CheckpointBody, SignatureHeader {
  sig: string;
}

export function signCheckpoint(body: Omit<CheckpointBody, 'type'>, key: SigningKey): Checkpoint {
  const full: CheckpointBody = { type: CHECKPOINT_TYPE, ...body };
  return { ...full, ...signPayload(full, CHECKPOINT_TYP, key) };
}

export function checkpointBody(cp: Checkpoint): CheckpointBody {
  return { type: cp.type, account: cp.account, seq: cp.seq, head: cp.head, at: cp.at, prev: cp.prev };
}

/** The hash the next checkpoint's `prev` names: over the body and the signature. */
export function checkpointHash(cp: Checkpoint): string {
  return createHash('sha256')
    .update(canonicalize({ ...checkpointBody(cp), alg: cp.alg, kid: cp.kid, sig: cp.sig }))
    .digest('hex');
}

export function verifyCheckpoint(cp: Checkpoint, keys: readonly TrustedKey[]) {
  return verifyPayload(checkpointBody(cp), cp, CHECKPOINT_TYP, keys);
}

export { GENESIS };
