/**
 * Secrets the server hands out (API keys, invitation tokens, device codes) and how they are stored: only as a
 * SHA-256 hash. The secrets carry 256 random bits, so a fast hash is enough (no offline guessing is possible).
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { API_KEY_PREFIX, INVITE_TOKEN_PREFIX } from '../api/scopes';

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function random256(): string {
  return randomBytes(32).toString('base64url');
}

export interface NewSecret {
  secret: string;
  hash: string;
  /** Shown in listings to recognise the key: the prefix and the first 8 characters. */
  prefix: string;
}

export function newApiKey(): NewSecret {
  const secret = API_KEY_PREFIX + random256();
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, API_KEY_PREFIX.length + 8) };
}

export function newInviteToken(): NewSecret {
  const secret = INVITE_TOKEN_PREFIX + random256();
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, INVITE_TOKEN_PREFIX.length + 8) };
}

export function newDeviceCode(): NewSecret {
  const secret = random256();
  return { secret, hash: hashSecret(secret), prefix: '' };
}

// RFC 8628 §6.1: consonants only (no vowels, so no words; no look-alikes), 8 characters = 20^8 ≈ 2^34.6.
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

export function newUserCode(): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Accepts what a person types: any case, with or without the dash or spaces. */
export function normalizeUserCode(input: string): string | undefined {
  const letters = input.toUpperCase().replace(/[\s-]/g, '');
  if (letters.length !== 8 || [...letters].some((c) => !USER_CODE_ALPHABET.includes(c))) return undefined;
  return `${letters.slice(0, 4)}-${letters.slice(4)}`;
}
