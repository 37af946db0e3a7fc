/** Users of an account: list, invite (with a one-time token), change role, remove. */
import { randomUUID } from 'node:crypto';
import type { InviteUserRequest, SetRoleRequest } from '../../api/schemas';
import { callerOf, type Handler, type HandlerInput, type ServerContext, toUser } from '../context';
import { ApiError } from '../errors';
import type { Store, UserRow } from '../store/store';
import { newInviteToken } from '../tokens';

const INVITE_LIFETIME_MS = 7 * 24 * 3600 * 1000;

/** Emails are compared without case: one person, one user. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

async function target(store: Store, input: HandlerInput): Promise<UserRow> {
  const caller = callerOf(input);
  const user = await store.userByEmail(caller.accountId, normalizeEmail(input.params.email ?? ''));
  if (!user) throw new ApiError(404, 'USERS_NOT_FOUND', 'no such user in this account');
  return user;
}

async function keepAnAdmin(store: Store, accountId: string, user: UserRow): Promise<void> {
  if (user.role === 'admin' && user.status === 'active' && (await store.adminCount(accountId)) <= 1) {
    throw new ApiError(
      409,
      'USERS_LAST_ADMIN',
      'this is the last admin of the account; make another admin first',
    );
  }
}

export const listUsers: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  return { users: (await ctx.store.usersOf(caller.accountId)).map(toUser) };
};

export const inviteUser: Handler = async (input, ctx: ServerContext) => {
  const caller = callerOf(input);
  const body = input.body as InviteUserRequest;
  const email = normalizeEmail(body.email);
  const now = ctx.now();
  const invite = newInviteToken();
  const row: UserRow = {
    id: randomUUID(),
    account_id: caller.accountId,
    email,
    role: body.role,
    status: 'invited',
    invite_hash: invite.hash,
    invite_expires_at: new Date(now.getTime() + INVITE_LIFETIME_MS).toISOString(),
    created_at: now.toISOString(),
  };
  await ctx.store.transaction(async (store) => {
    if (await store.userByEmail(caller.accountId, email)) {
      throw new ApiError(409, 'USERS_EXISTS', `${email} is already a user of this account`);
    }
    await store.insertUser(row);
  });
  await ctx.audit.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'user.invite',
    target: email,
    details: { role: body.role },
  });
  return { user: toUser(row), token: invite.secret, expiresAt: row.invite_expires_at };
};

export const setUserRole: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const { role } = input.body as SetRoleRequest;
  const updated = await ctx.store.transaction(async (store) => {
    const user = await target(store, input);
    if (role !== 'admin') await keepAnAdmin(store, caller.accountId, user);
    await store.setRole(caller.accountId, user.id, role);
    return { ...user, role };
  });
  await ctx.audit.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'user.set_role',
    target: updated.email,
    details: { role },
  });
  return toUser(updated);
};

export const removeUser: Handler = async (input, ctx) => {
  const caller = callerOf(input);
  const removed = await ctx.store.transaction(async (store) => {
    const user = await target(store, input);
    await keepAnAdmin(store, caller.accountId, user);
    // The user's keys go with the user (ON DELETE CASCADE): nothing they held works afterwards.
    await store.deleteUser(caller.accountId, user.id);
    return user;
  });
  await ctx.audit.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'user.remove',
    target: removed.email,
  });
  return { removed: true };
};
