/** The caller's own session: whoami, logout (revokes login-made keys), and accepting an invitation. */
import type { AcceptInvitationRequest, Whoami } from '../../api/schemas';
import type { Role, Scope } from '../../api/scopes';
import { INVITE_TOKEN_PATTERN } from '../../api/scopes';
import { callerOf, type Handler } from '../context';
import { ApiError } from '../errors';
import { issueKey } from '../keys';
import { hashSecret } from '../tokens';

/** The scope a login gives: everything the user's role allows (admin implies the rest). */
export const LOGIN_SCOPE: Record<Role, Scope> = { admin: 'admin', operator: 'operator', viewer: 'read' };

export const whoami: Handler = async (input): Promise<Whoami> => {
  const caller = callerOf(input);
  return {
    account: { id: caller.accountId, handle: caller.accountHandle },
    user: { id: caller.userId, email: caller.email, role: caller.role },
    key: {
      id: caller.keyId,
      name: caller.keyName,
      prefix: caller.keyPrefix,
      scopes: caller.keyScopes,
      origin: caller.keyOrigin as Whoami['key']['origin'],
      expiresAt: caller.keyExpiresAt,
    },
  };
};

export const logout: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  // Keys a person made on purpose (apikeys create) outlive a logout; keys made by a login do not.
  if (caller.keyOrigin !== 'login' && caller.keyOrigin !== 'invite') return { revoked: false };
  const revoked = await ctx.store.revokeKey(caller.accountId, caller.keyId, ctx.now().toISOString());
  if (revoked) {
    await ctx.audit.record({
      accountId: caller.accountId,
      actor: caller.email,
      action: 'session.logout',
      target: caller.keyId,
    });
  }
  return { revoked };
};

export const acceptInvitation: Handler = async (input, ctx) => {
  const body = input.body as AcceptInvitationRequest;
  const address = input.request.ip;
  await ctx.throttle.checkFailures(address);
  const now = ctx.now();
  const user = INVITE_TOKEN_PATTERN.test(body.token)
    ? await ctx.store.userByInviteHash(hashSecret(body.token))
    : undefined;
  if (
    !user ||
    user.status !== 'invited' ||
    !user.invite_expires_at ||
    user.invite_expires_at <= now.toISOString()
  ) {
    await ctx.throttle.recordFailure(address);
    throw new ApiError(
      401,
      'INVITE_INVALID',
      'the invitation token is not valid or has expired; ask an admin for a new one',
    );
  }
  const created = await ctx.store.transaction(async (store) => {
    if (!(await store.activateUser(user.id))) {
      throw new ApiError(401, 'INVITE_INVALID', 'the invitation has already been used');
    }
    return issueKey(store, {
      accountId: user.account_id,
      userId: user.id,
      userEmail: user.email,
      name: body.keyName ?? 'login (invitation)',
      scopes: [LOGIN_SCOPE[user.role as Role]],
      origin: 'invite',
      now,
    });
  });
  await ctx.audit.record({
    accountId: user.account_id,
    actor: user.email,
    action: 'user.accept_invitation',
    target: user.email,
  });
  return created;
};
