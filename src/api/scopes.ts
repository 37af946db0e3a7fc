/**
 * Roles, scopes and the API key format: the vocabulary shared by the server, the client and (later) the agent.
 */

export const ROLES = ['admin', 'operator', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const SCOPES = ['admin', 'operator', 'read', 'agent:enroll', 'ingest'] as const;
export type Scope = (typeof SCOPES)[number];

/** The scopes a user of each role may hold on a key. A key never grants more than its user's role. */
export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  admin: SCOPES,
  operator: ['operator', 'read', 'agent:enroll', 'ingest'],
  viewer: ['read'],
};

/**
 * What each scope implies: `admin` can do what `operator` can, `operator` what `read` can. `agent:enroll` and
 * `ingest` imply nothing else, so a key made for an agent installer or an alert webhook cannot read the account.
 */
const IMPLIES: Record<Scope, readonly Scope[]> = {
  admin: ['admin', 'operator', 'read', 'agent:enroll', 'ingest'],
  operator: ['operator', 'read', 'agent:enroll', 'ingest'],
  read: ['read'],
  'agent:enroll': ['agent:enroll'],
  ingest: ['ingest'],
};

/** The scopes a key effectively holds: its own scopes with their implications, within its user's role. */
export function effectiveScopes(keyScopes: readonly Scope[], role: Role): Set<Scope> {
  const allowed = new Set(ROLE_SCOPES[role]);
  const out = new Set<Scope>();
  for (const scope of keyScopes) {
    for (const implied of IMPLIES[scope]) if (allowed.has(implied)) out.add(implied);
  }
  return out;
}

/** API keys: `nep_` and 43 base64url characters (256 random bits). The prefix makes leaked keys recognisable. */
export const API_KEY_PREFIX = 'nep_';
export const API_KEY_PATTERN = /^nep_[A-Za-z0-9_-]{43}$/;
/** Invitation tokens, exchanged once for an API key by the invited user. */
export const INVITE_TOKEN_PREFIX = 'nepi_';
export const INVITE_TOKEN_PATTERN = /^nepi_[A-Za-z0-9_-]{43}$/;

export const DEFAULT_KEY_LIFETIME_SECONDS = 90 * 24 * 3600;
export const MAX_KEY_LIFETIME_SECONDS = 2 * 365 * 24 * 3600;
