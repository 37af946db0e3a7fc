/**
 * The agent protocol's plain values (specs/agent-protocol.md §6): the constants, and the routes of /agent/v1 without
 * their schemas. The schemas are agent-protocol.ts (TypeBox), which re-exports all of this; the agent's own code
 * imports from here so that its bundle does not carry TypeBox (decision 0505).
 */
import type { IntervalHints } from './agent-protocol';

export const AGENT_API_PREFIX = '/agent/v1';

/**
 * Action ids name files in the agent's ledger and spool, so they are restricted to a safe alphabet (a UUID fits).
 * The agent checks this again before it touches the disk.
 */
export const ACTION_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$';

/** The environment variables parameters arrive in (see ActionAssignment.params). */
export const ENV_NAME_PATTERN = '^NP_[A-Z0-9_]{1,64}$';
export const MAX_ENV_VALUE_BYTES = 32 * 1024;
export const MAX_ENV_VARS = 64;

/** What an agent uses until the server says otherwise (§6 "Intervals"). */
export const DEFAULT_INTERVAL_HINTS: IntervalHints = {
  pollHoldSeconds: 25,
  heartbeatSeconds: 60,
  leaseRenewSeconds: 30,
  leaseSeconds: 180,
  lostAfterSeconds: 90,
};

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Longest accepted assertion lifetime (exp − iat). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
export const ACCESS_TOKEN_LIFETIME_SECONDS = 900;

/**
 * Runbook parameters by their manifest names (`host`), as the alert and the rule filled them. The agent checks them
 * against the signed schema and passes each as an environment variable: `NP_` + the name in upper case (`NP_HOST`;
 * a name that already starts with `NP_` is kept), the rule of src/runbook/manifest.ts `paramEnvName`. Values are
 * never templated into the script.
 */
export const PARAM_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

export const REJECT_REASONS = [
  'signature_rejected',
  'cap_exceeded',
  'busy',
  'expired',
  'bad_parameters',
  'run_as_refused',
  'draining',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Final states of an action on the agent. `interrupted`: the agent died while it ran; it is never re-run. */
export const FINAL_STATUSES = [
  'succeeded',
  'failed',
  'timeout',
  'cancelled',
  'interrupted',
  'rejected',
] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export const OUTPUT_CONTENT_TYPE = 'application/octet-stream';
export const MAX_CHUNK_BYTES = 1024 * 1024;

/**
 * `enrollment`: an enrollment token in the body; `assertion`: a signed client assertion in the body; `agent`: an
 * access token from `token` (Bearer); `action`: the per-action token (Bearer), valid only for that action. Agent
 * credentials are refused by the user API and user API keys by this one.
 */
export type AgentAuth = 'enrollment' | 'assertion' | 'agent' | 'action';

export interface AgentRoute {
  method: 'POST';
  /** fastify syntax, below AGENT_API_PREFIX. */
  path: string;
  summary: string;
  auth: AgentAuth;
  status: 200 | 201;
  /** Safe to retry with the same body (the server answers a repeat with the first answer). */
  idempotent: boolean;
}

const r = (e: Omit<AgentRoute, 'method' | 'status'> & { status?: 200 | 201 }): AgentRoute => ({
  method: 'POST',
  status: 200,
  ...e,
});

export const AGENT_ROUTES = {
  enroll: r({
    path: '/enroll',
    summary: 'Register this host with an enrollment token and the agent public key',
    auth: 'enrollment',
    status: 201,
    idempotent: false,
  }),
  token: r({
    path: '/token',
    summary: 'Exchange a signed client assertion for a short-lived access token',
    auth: 'assertion',
    idempotent: false,
  }),
  poll: r({
    path: '/poll',
    summary: 'Long-poll (about 25 s) for assign, cancel and drain messages',
    auth: 'agent',
    idempotent: true,
  }),
  ack: r({
    path: '/actions/:id/ack',
    summary: 'Accept, reject or answer a redelivered action with its known state',
    auth: 'action',
    idempotent: true,
  }),
  start: r({
    path: '/actions/:id/start',
    summary: 'The action’s process has started',
    auth: 'action',
    idempotent: true,
  }),
  output: r({
    path: '/actions/:id/output',
    summary: 'One chunk of output; idempotent on the sequence number',
    auth: 'action',
    idempotent: true,
  }),
  renew: r({
    path: '/actions/:id/renew',
    summary: 'Renew the action’s lease',
    auth: 'action',
    idempotent: true,
  }),
  finish: r({
    path: '/actions/:id/finish',
    summary: 'The signed finish record; the same body again is 200, a different one 409',
    auth: 'action',
    idempotent: true,
  }),
  heartbeat: r({
    path: '/heartbeat',
    summary: 'Liveness when no poll is parked',
    auth: 'agent',
    idempotent: true,
  }),
  disconnect: r({
    path: '/disconnect',
    summary: 'The agent is going away',
    auth: 'agent',
    idempotent: true,
  }),
} as const satisfies Record<string, AgentRoute>;
export type AgentRouteName = keyof typeof AGENT_ROUTES;
