/** API keys: list, create, revoke, rotate. A key is visible to its user, and to the account's admins. */
import type { CreateApiKeyRequest } from '../../api/schemas';
import type { Scope } from '../../api/scopes';
import type { Caller } from '../auth';
import { callerOf, type Handler, type HandlerInput, type ServerContext, toApiKey } from '../context';
import { ApiError } from '../errors';
import { issueKey } from '../keys';
import type { KeyWithEmail } from '../store/store';

function checkWithinCaller(caller: Caller, scopes: readonly Scope[]): void {
  const beyond = scopes.filter((s) => !caller.scopes.has(s));
  if (beyond.length > 0) {
    throw new ApiError(
      403,
      'APIKEYS_SCOPE_EXCEEDS',
      `a key cannot grant more than the key that creates it: ${beyond.join(', ')} not held`,
    );
  }
}

/** The key, if the caller may manage it; another user's key is "not found" unless the caller is an admin. */
async function manageable(input: HandlerInput, ctx: ServerContext): Promise<KeyWithEmail> {
  const caller = callerOf(input);
  const key = await ctx.store.keyById(caller.accountId, input.params.id ?? '');
  if (!key || (key.user_id !== caller.userId && !caller.scopes.has('admin'))) {
    throw new ApiError(404, 'APIKEYS_NOT_FOUND', 'no such API key');
  }
  return key;
}

export const listApiKeys: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const rows = await ctx.store.keysOf(
    caller.accountId,
    caller.scopes.has('admin') ? undefined : caller.userId,
  );
  return { apiKeys: rows.map(toApiKey) };
};

export const createApiKey: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const body = input.body as CreateApiKeyRequest;
  checkWithinCaller(caller, body.scopes);
  const created = await issueKey(ctx.store, {
    accountId: caller.accountId,
    userId: caller.userId,
    userEmail: caller.email,
    name: body.name,
    scopes: body.scopes,
    origin: 'user',
    lifetimeSeconds: body.expiresInSeconds,
    now: ctx.now(),
  });
  await ctx.audit.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'apikey.create',
    target: created.apiKey.id,
    details: { name: body.name, scopes: body.scopes },
  });
  return created;
};

export const revokeApiKey: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const key = await manageable(input, ctx);
  const revoked = await ctx.store.revokeKey(caller.accountId, key.id, ctx.now().toISOString());
  if (revoked) {
    await ctx.audit.record({
      accountId: caller.accountId,
      actor: caller.email,
      action: 'apikey.revoke',
      target: key.id,
    });
  }
  return { revoked };
};

export const rotateApiKey: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const key = await manageable(input, ctx);
  const scopes = key.scopes.split(' ') as Scope[];
  checkWithinCaller(caller, scopes);
  const now = ctx.now();
  const created = await ctx.store.transaction(async (store) => {
    if (!(await store.revokeKey(caller.accountId, key.id, now.toISOString()))) {
      throw new ApiError(409, 'APIKEYS_REVOKED', 'the key is revoked; create a new one instead');
    }
    return issueKey(store, {
      accountId: caller.accountId,
      userId: key.user_id,
      userEmail: key.user_email,
      name: key.name,
      scopes,
      origin: key.origin as 'user',
      lifetimeSeconds: key.lifetime_seconds,
      now,
    });
  });
  await ctx.audit.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'apikey.rotate',
    target: key.id,
    details: { replacedBy: created.apiKey.id },
  });
  return created;
};
