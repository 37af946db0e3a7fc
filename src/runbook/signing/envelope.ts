/**
 * Detached Ed25519 signatures over canonical JSON, in the shape of a JWS (RFC 7515) whose parts can be rebuilt:
 *
 *   header        = {"alg":"EdDSA","kid":KID,"typ":TYP}
 *   signing input = BASE64URL(JCS(header)) "." BASE64URL(JCS(payload))
 *   sig           = BASE64URL(Ed25519(signing input))
 *
 * So `BASE64URL(JCS(header)).BASE64URL(JCS(payload)).sig` is a valid compact JWS that any JOSE library checks.
 * The header is signed: the key id and the `typ` (which says what the payload is: a runbook statement, a key
 * rotation, an audit checkpoint) cannot be swapped without breaking the signature, so a signature made for one
 * purpose is never accepted for another.
 */
import { sign as edSign, verify as edVerify } from 'node:crypto';
import { canonicalize } from '../../core/jcs';
import type { SigningKey, TrustedKey } from './keys';

export const ALG = 'EdDSA';

export interface SignatureHeader {
  alg: typeof ALG;
  kid: string;
  typ: string;
}

export function signingInput(header: SignatureHeader, payload: unknown): Buffer {
  const h = Buffer.from(canonicalize({ alg: header.alg, kid: header.kid, typ: header.typ })).toString(
    'base64url',
  );
  const p = Buffer.from(canonicalize(payload)).toString('base64url');
  return Buffer.from(`${h}.${p}`, 'ascii');
}

/** Signs `payload` as `typ` with `key`; returns the header fields and the signature. */
export function signPayload(
  payload: unknown,
  typ: string,
  key: SigningKey,
): SignatureHeader & { sig: string } {
  const header: SignatureHeader = { alg: ALG, kid: key.kid, typ };
  const sig = edSign(null, signingInput(header, payload), key.privateKey).toString('base64url');
  return { ...header, sig };
}

export type EnvelopeCheck =
  | { ok: true; key: TrustedKey }
  | { ok: false; code: 'unknown_key' | 'bad_signature'; reason: string };

const SIG = /^[A-Za-z0-9_-]{86}$/;

/** Checks a detached signature against the trusted keys. Never throws for bad input. */
export function verifyPayload(
  payload: unknown,
  header: { alg?: unknown; kid?: unknown; typ?: unknown; sig?: unknown },
  expectedTyp: string,
  keys: readonly TrustedKey[],
): EnvelopeCheck {
  if (header.alg !== ALG)
    return { ok: false, code: 'bad_signature', reason: `alg ${String(header.alg)} is not EdDSA` };
  if (header.typ !== expectedTyp)
    return { ok: false, code: 'bad_signature', reason: `typ ${String(header.typ)} is not ${expectedTyp}` };
  if (typeof header.kid !== 'string' || header.kid === '')
    return { ok: false, code: 'bad_signature', reason: 'the signature names no key (kid)' };
  if (typeof header.sig !== 'string' || !SIG.test(header.sig))
    return { ok: false, code: 'bad_signature', reason: 'the signature is not 64 bytes of base64url' };
  const key = keys.find((k) => k.kid === header.kid);
  if (!key)
    return { ok: false, code: 'unknown_key', reason: `signed by key ${header.kid}, which is not trusted` };
  let input: Buffer;
  try {
    input = signingInput({ alg: ALG, kid: header.kid, typ: expectedTyp }, payload);
  } catch (error) {
    return {
      ok: false,
      code: 'bad_signature',
      reason: `the signed content is not JSON: ${(error as Error).message}`,
    };
  }
  const good = edVerify(null, input, key.key, Buffer.from(header.sig, 'base64url'));
  return good
    ? { ok: true, key }
    : {
        ok: false,
        code: 'bad_signature',
        reason: `the signature does not match the content (key ${key.kid})`,
      };
}
