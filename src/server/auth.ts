/**
 * Authentication of the user API: `Authorization: Bearer nep_…`, looked up by hash, checked for revocation,
 * expiry and the user's status, then the account's rate limit and the endpoint's scope.
 */
import type { FastifyRequest } from 'fastify';
import { API_KEY_PATTERN, effectiveScopes, type Role, type Scope } from '../api/scopes';
import { ApiError } from './errors';
import type { Store } from './store/store';
import type { Throttle } from './throttle';
import { hashSecret } from './tokens';

export interface Caller {
  accountId: string;
  accountHandle: string;
  userId: string;
  email: string;
  role: Role;
  keyId: string;
  keyName: string;
  keyPrefix: string;
  keyScopes: Scope[];
  keyOrigin: string;
  keyExpiresAt: string;
  /** The key's scopes with their implications, within the user's role. */
  scopes: Set<Scope>;
}

// Writing last_used_at on every request would turn every read into a write; a minute is precise enough.
const TOUCH_EVERY_MS = 60_000;

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) {
    throw new ApiError(401, 'AUTH_REQUIRED', 'this endpoint needs an API key (Authorization: Bearer nep_…)');
  }
  const match = /^Bearer ([^\s]+)$/i.exec(header);
  if (!match?.[1])
    throw new ApiError(401, 'AUTH_MALFORMED', 'the Authorization header must be "Bearer <API key>"');
  return match[1];
}

export async function authenticate(
  request: FastifyRequest,
  deps: { store: Store; throttle: Throttle; now: () => Date },
): Promise<Caller> {
  const token = bearer(request);
  await deps.throttle.checkFailures(request.ip);
  // Agent credentials and anything else that is not a user API key are refused before any lookup.
  const row = API_KEY_PATTERN.test(token) ? await deps.store.authByKeyHash(hashSecret(token)) : undefined;
  if (!row) {
    await deps.throttle.recordFailure(request.ip);
    throw new ApiError(401, 'AUTH_INVALID_KEY', 'the API key is not valid');
  }
  const now = deps.now();
  if (row.revoked_at) throw new ApiError(401, 'AUTH_KEY_REVOKED', 'the API key has been revoked');
  if (row.expires_at <= now.toISOString())
    throw new ApiError(401, 'AUTH_KEY_EXPIRED', 'the API key has expired');
  if (row.user_status !== 'active') throw new ApiError(401, 'AUTH_USER_INACTIVE', 'the user is not active');
  await deps.throttle.account(row.account_id);
  if (deps.throttle.shouldTouch(row.key_id, row.last_used_at, now.getTime(), TOUCH_EVERY_MS)) {
    await deps.store.touchKey(row.key_id, now.toISOString());
  }
  const keyScopes = row.scopes.split(' ') as Scope[];
  const role = row.user_role as Role;
  return {
    accountId: row.account_id,
    accountHandle: row.account_handle,
    userId: row.user_id,
    email: row.user_email,
    role,
    keyId: row.key_id,
    keyName: row.key_name,
    keyPrefix: row.prefix,
    keyScopes,
    keyOrigin: row.origin,
    keyExpiresAt: row.expires_at,
    scopes: effectiveScopes(keyScopes, role),
  };
}

export function requireScope(caller: Caller, scope: Scope): void {
  if (!caller.scopes.has(scope)) {
    throw new ApiError(
      403,
      'AUTH_SCOPE_MISSING',
      `this needs the ${scope} scope, which the key does not have`,
    );
  }
}
