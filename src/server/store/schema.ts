/** Row types of the store's tables (timestamps are RFC 3339 UTC strings, which sort as they compare). */
import type { Generated } from 'kysely';

export interface AccountsTable {
  id: string;
  handle: string;
  created_at: string;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  role: string;
  status: string;
  invite_hash: string | null;
  invite_expires_at: string | null;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  user_id: string;
  name: string;
  prefix: string;
  hash: string;
  /** space-separated */
  scopes: string;
  origin: string;
  lifetime_seconds: number;
  created_at: string;
  expires_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface DeviceCodesTable {
  id: string;
  device_hash: string;
  user_code: string;
  client_name: string;
  status: string;
  account_id: string | null;
  user_id: string | null;
  interval_seconds: number;
  created_at: string;
  expires_at: string;
  last_polled_at: string | null;
}

export interface ThrottleTable {
  key: string;
  count: number;
  expires_at: string;
}

export interface SecretsTable {
  account_id: string;
  name: string;
  /** base64: nonce ‖ ciphertext ‖ tag (AES-256-GCM) */
  sealed: string;
  updated_at: string;
}

export interface AuditEventsTable {
  id: Generated<number>;
  account_id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: string;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  device_codes: DeviceCodesTable;
  throttle: ThrottleTable;
  secrets: SecretsTable;
  audit_events: AuditEventsTable;
}
