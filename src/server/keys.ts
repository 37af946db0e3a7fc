/** Issuing API keys: the one place a key row and its secret are made. */
import { randomUUID } from 'node:crypto';
import type { CreatedApiKey } from '../api/schemas';
import { DEFAULT_KEY_LIFETIME_SECONDS, type Scope } from '../api/scopes';
import { toApiKey } from './context';
import type { Store } from './store/store';
import { newApiKey } from './tokens';

export interface IssueKey {
  accountId: string;
  userId: string;
  userEmail: string;
  name: string;
  scopes: readonly Scope[];
  origin: 'init' | 'user' | 'login' | 'invite';
  lifetimeSeconds?: number;
  now: Date;
}

export async function issueKey(store: Store, input: IssueKey): Promise<CreatedApiKey> {
  const { secret, hash, prefix } = newApiKey();
  const lifetime = input.lifetimeSeconds ?? DEFAULT_KEY_LIFETIME_SECONDS;
  const row = {
    id: randomUUID(),
    account_id: input.accountId,
    user_id: input.userId,
    name: input.name,
    prefix,
    hash,
    scopes: input.scopes.join(' '),
    origin: input.origin,
    lifetime_seconds: lifetime,
    created_at: input.now.toISOString(),
    expires_at: new Date(input.now.getTime() + lifetime * 1000).toISOString(),
    last_used_at: null,
    revoked_at: null,
  };
  await store.insertKey(row);
  return { apiKey: toApiKey({ ...row, user_email: input.userEmail }), secret };
}
