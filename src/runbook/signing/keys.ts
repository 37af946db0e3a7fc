/**
 * Ed25519 signing keys (node:crypto): generation, the private key file (PKCS#8 PEM, 0600), public keys as JWKS
 * (RFC 7517/8037) whose `kid` is the RFC 7638 thumbprint, and loading both with errors from the catalog.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';
import { dataError } from '../../core/errors';
import { canonicalize } from '../../core/jcs';

/** A public Ed25519 key as a JWK (RFC 8037). */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  /** base64url of the 32-byte public key */
  x: string;
  kid: string;
  alg?: 'EdDSA';
  use?: 'sig';
}

export interface Jwks {
  keys: PublicJwk[];
}

/** A public key ready to verify with. */
export interface TrustedKey {
  kid: string;
  key: KeyObject;
  jwk: PublicJwk;
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/** RFC 7638 thumbprint of an OKP key: SHA-256 over {"crv","kty","x"} in canonical form, base64url. */
export function thumbprint(jwk: { crv: string; kty: string; x: string }): string {
  return createHash('sha256')
    .update(canonicalize({ crv: jwk.crv, kty: jwk.kty, x: jwk.x }))
    .digest('base64url');
}

export function publicJwkOf(key: KeyObject): PublicJwk {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' }) as { kty?: string; crv?: string; x?: string };
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x)
    throw dataError('SIGNING_KEY_TYPE', 'the key is not an Ed25519 key', {
      hint: 'make one with: neptune runbook keygen --out KEY',
    });
  const base = { kty: 'OKP' as const, crv: 'Ed25519' as const, x: jwk.x };
  return { ...base, kid: thumbprint(base), alg: 'EdDSA', use: 'sig' };
}

/** A fresh key pair: the private key as PKCS#8 PEM and the public key as a one-key JWKS. */
export function generateSigningKey(): { privatePem: string; jwks: Jwks; kid: string } {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = publicJwkOf(privateKey);
  const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  return { privatePem, jwks: { keys: [jwk] }, kid: jwk.kid };
}

/** Parses a private key file (PKCS#8 PEM, as keygen writes it). `name` is for messages. */
export function parsePrivateKey(pem: string, name: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw dataError('SIGNING_KEY_INVALID', `${name}: not a PEM private key`, {
      hint: 'pass the private key written by neptune runbook keygen (not the .jwks file)',
    });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw dataError('SIGNING_KEY_TYPE', `${name}: a ${privateKey.asymmetricKeyType} key, expected Ed25519`, {
      hint: 'make one with: neptune runbook keygen --out KEY',
    });
  const publicJwk = publicJwkOf(privateKey);
  return { kid: publicJwk.kid, privateKey, publicJwk };
}

const B64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Parses a JWKS document. Every key must be a public Ed25519 key with a `kid`, kids must be unique, and private
 * members (`d`) are refused: a trust file must never hold a private key. Keys of other types are refused too,
 * rather than skipped, so that a mistaken trust file fails loudly.
 */
export function parseJwks(text: string, name: string): TrustedKey[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw dataError('JWKS_INVALID', `${name}: not JSON`, {
      hint: 'pass a JWKS file such as KEY.jwks from keygen',
    });
  }
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys))
    throw dataError('JWKS_INVALID', `${name}: no "keys" array`, { hint: 'a JWKS is {"keys": [ … ]}' });
  const out: TrustedKey[] = [];
  const seen = new Set<string>();
  keys.forEach((raw: unknown, i) => {
    const at = `${name}: keys[${i}]`;
    const jwk = raw as Record<string, unknown> | null;
    if (!jwk || typeof jwk !== 'object') throw dataError('JWKS_INVALID', `${at} is not an object`);
    if ('d' in jwk)
      throw dataError('JWKS_PRIVATE_KEY', `${at} holds a private key ("d")`, {
        hint: 'publish only the public KEY.jwks; keep the private key away from hosts',
      });
    if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519')
      throw dataError('JWKS_KEY_TYPE', `${at} is not an Ed25519 key (kty OKP, crv Ed25519)`);
    if (typeof jwk.x !== 'string' || !B64URL.test(jwk.x) || Buffer.from(jwk.x, 'base64url').length !== 32)
      throw dataError('JWKS_INVALID', `${at}: "x" is not a 32-byte base64url public key`);
    if (typeof jwk.kid !== 'string' || jwk.kid === '') throw dataError('JWKS_INVALID', `${at} has no "kid"`);
    if (jwk.alg !== undefined && jwk.alg !== 'EdDSA')
      throw dataError('JWKS_KEY_TYPE', `${at}: alg ${String(jwk.alg)}, expected EdDSA`);
    if (seen.has(jwk.kid)) throw dataError('JWKS_DUPLICATE_KID', `${at}: kid ${jwk.kid} appears twice`);
    seen.add(jwk.kid);
    const pub: PublicJwk = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, kid: jwk.kid, alg: 'EdDSA', use: 'sig' };
    out.push({ kid: jwk.kid, key: keyFromJwk(pub), jwk: pub });
  });
  return out;
}

export function keyFromJwk(jwk: PublicJwk): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

export function trustedKeyOf(jwk: PublicJwk): TrustedKey {
  return { kid: jwk.kid, key: keyFromJwk(jwk), jwk };
}
