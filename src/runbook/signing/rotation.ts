/**
 * Key rotation: a new signing key is trusted only through a rotation statement signed by a key that is already
 * trusted. The agent starts from its trust file (/etc/neptune/trust.jwks) and applies rotation statements in the
 * order they were issued; each may add keys and revoke keys (its own signer included, to retire an old key).
 * A revoked key id can never come back.
 */
import { type SignatureHeader, signPayload, verifyPayload } from './envelope';
import { type PublicJwk, type SigningKey, type TrustedKey, thumbprint, trustedKeyOf } from './keys';
import { SIGNATURE_FORMAT } from './statement';

export const ROTATION_TYPE = 'neptune.key-rotation/v1';
export const ROTATION_TYP = 'neptune-key-rotation+jcs';

export interface RotationStatement {
  type: typeof ROTATION_TYPE;
  add: PublicJwk[];
  revoke: string[];
  issued_at: string;
  not_before: string;
}

export interface RotationFile extends SignatureHeader {
  format: typeof SIGNATURE_FORMAT;
  statement: RotationStatement;
  sig: string;
}

export function signRotation(rotation: Omit<RotationStatement, 'type'>, key: SigningKey): RotationFile {
  const statement: RotationStatement = { type: ROTATION_TYPE, ...rotation };
  const { alg, kid, typ, sig } = signPayload(statement, ROTATION_TYP, key);
  return { format: SIGNATURE_FORMAT, alg, kid, typ, statement, sig };
}

export interface RotationOutcome {
  index: number;
  accepted: boolean;
  /** stable code when refused: unknown_key, bad_signature, not_yet_valid */
  code?: 'unknown_key' | 'bad_signature' | 'not_yet_valid';
  reason: string;
}

export interface ResolvedTrust {
  keys: TrustedKey[];
  revoked: string[];
  outcomes: RotationOutcome[];
}

function rotationProblem(value: unknown): string | null {
  const r = value as Partial<RotationStatement> | null;
  if (!r || typeof r !== 'object') return 'the rotation is not an object';
  if (r.type !== ROTATION_TYPE) return `the rotation type is ${String(r.type)}, expected ${ROTATION_TYPE}`;
  if (!Array.isArray(r.add) || !Array.isArray(r.revoke)) return 'a rotation needs "add" and "revoke" lists';
  if (!r.revoke.every((k) => typeof k === 'string')) return 'revoke must list key ids';
  for (const jwk of r.add) {
    const j = jwk as Partial<PublicJwk> | null;
    if (
      j?.kty !== 'OKP' ||
      j.crv !== 'Ed25519' ||
      typeof j.x !== 'string' ||
      Buffer.from(j.x, 'base64url').length !== 32
    )
      return 'an added key is not a public Ed25519 JWK';
    if ('d' in j) return 'an added key holds a private key';
    if (j.kid !== thumbprint({ kty: j.kty, crv: j.crv, x: j.x }))
      return "an added key's kid is not its thumbprint";
  }
  if (typeof r.issued_at !== 'string' || Number.isNaN(Date.parse(r.issued_at)))
    return 'issued_at is not a time';
  if (typeof r.not_before !== 'string' || Number.isNaN(Date.parse(r.not_before)))
    return 'not_before is not a time';
  return null;
}

/**
 * The keys trusted after applying `rotations` (parsed rotation files) to `base`, at time `now`. Pure: the same
 * inputs always give the same keys, whatever order the rotations arrive in.
 */
export function resolveTrust(
  base: readonly TrustedKey[],
  rotations: readonly unknown[],
  now: Date,
): ResolvedTrust {
  const keys = new Map(base.map((k) => [k.kid, k]));
  const revoked = new Set<string>();
  const outcomes: RotationOutcome[] = [];
  const ordered = rotations
    .map((r, index) => ({ r: r as Partial<RotationFile> | null, index }))
    .sort((a, b) => {
      const ta = Date.parse(String(a.r?.statement?.issued_at)) || 0;
      const tb = Date.parse(String(b.r?.statement?.issued_at)) || 0;
      return ta - tb || String(a.r?.sig).localeCompare(String(b.r?.sig));
    });
  for (const { r, index } of ordered) {
    if (!r || typeof r !== 'object' || r.format !== SIGNATURE_FORMAT || !r.statement) {
      outcomes.push({ index, accepted: false, code: 'bad_signature', reason: 'not a rotation file' });
      continue;
    }
    const check = verifyPayload(r.statement, r, ROTATION_TYP, [...keys.values()]);
    if (!check.ok) {
      outcomes.push({ index, accepted: false, code: check.code, reason: check.reason });
      continue;
    }
    const problem = rotationProblem(r.statement);
    if (problem) {
      outcomes.push({ index, accepted: false, code: 'bad_signature', reason: problem });
      continue;
    }
    if (Date.parse(r.statement.not_before) > now.getTime()) {
      outcomes.push({
        index,
        accepted: false,
        code: 'not_yet_valid',
        reason: `valid from ${r.statement.not_before}`,
      });
      continue;
    }
    for (const jwk of r.statement.add) if (!revoked.has(jwk.kid)) keys.set(jwk.kid, trustedKeyOf(jwk));
    for (const kid of r.statement.revoke) {
      revoked.add(kid);
      keys.delete(kid);
    }
    outcomes.push({
      index,
      accepted: true,
      reason: `signed by ${check.key.kid}: added ${r.statement.add.map((k) => k.kid).join(', ') || 'none'}, revoked ${r.statement.revoke.join(', ') || 'none'}`,
    });
  }
  return { keys: [...keys.values()], revoked: [...revoked], outcomes };
}
