/**
 * The agent protocol (specs/agent-protocol.md §6): what an agent and the control plane say to each other under
 * `/agent/v1`. Both sides take their types from here: the server validates every body with these schemas (all
 * objects closed: an unknown field is a 400), the agent builds its requests from the same types.
 *
 * The flow: `enroll` (enrollment token + the agent's Ed25519 public key + host facts) → `token` (a client
 * assertion signed with the agent key → a 15-minute access token) → `poll` (one always parked, ≈25 s) delivering
 * assign / cancel / drain messages → per action `ack`, `start`, `output` chunks (idempotent on the sequence
 * number), `renew` (the lease), `finish` (idempotent; a different body for the same action is a 409).
 *
 * Field names are camelCase like the user API, except the OAuth token exchange, which keeps RFC 7523 / 6749 names.
 */
import Type, { type Static, type TSchema } from 'typebox';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  ACTION_ID_PATTERN,
  AGENT_ROUTES,
  type AgentRoute,
  type AgentRouteName,
  CLIENT_ASSERTION_TYPE,
  type FinalStatus,
  MAX_ENV_VALUE_BYTES,
  MAX_ENV_VARS,
  PARAM_NAME_PATTERN,
  type RejectReason,
} from './agent-wire';
import { ErrorBody } from './schemas';

// The constants and routes live in agent-wire.ts (no TypeBox: the agent bundle's memory); everyone imports them here.
export {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  ACTION_ID_PATTERN,
  AGENT_API_PREFIX,
  AGENT_ROUTES,
  type AgentAuth,
  type AgentRoute,
  type AgentRouteName,
  CLIENT_ASSERTION_TYPE,
  DEFAULT_INTERVAL_HINTS,
  ENV_NAME_PATTERN,
  FINAL_STATUSES,
  type FinalStatus,
  MAX_ASSERTION_LIFETIME_SECONDS,
  MAX_CHUNK_BYTES,
  MAX_ENV_VALUE_BYTES,
  MAX_ENV_VARS,
  OUTPUT_CONTENT_TYPE,
  PARAM_NAME_PATTERN,
  REJECT_REASONS,
  type RejectReason,
} from './agent-wire';

const closed = { additionalProperties: false } as const;

const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC' });
const Uuid = Type.String({ format: 'uuid' });
const Sha256Hex = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256, lower-case hex' });
const Base64Url = Type.String({ pattern: '^[A-Za-z0-9_-]+$' });
/** A compact JWS (header.payload.signature, base64url). */
const CompactJws = Type.String({
  pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+$',
  maxLength: 16_384,
});
const Line = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

export const ActionId = Type.String({ pattern: ACTION_ID_PATTERN });

export const Tag = Type.String({ pattern: '^[a-z0-9][a-z0-9_.:-]{0,62}$' });

// ---------------------------------------------------------------------------------------------------------------
// Interval hints: server-chosen timers, so the fleet is tuned without upgrading agents (Buildkite's ping_interval).

export const IntervalHints = Type.Object(
  {
    pollHoldSeconds: Type.Integer({
      minimum: 1,
      maximum: 120,
      description: 'how long the server parks a poll',
    }),
    heartbeatSeconds: Type.Integer({
      minimum: 5,
      maximum: 3600,
      description: 'heartbeat when no poll is parked',
    }),
    leaseRenewSeconds: Type.Integer({ minimum: 1, maximum: 3600 }),
    leaseSeconds: Type.Integer({ minimum: 10, maximum: 86_400, description: 'a lease not renewed expires' }),
    lostAfterSeconds: Type.Integer({
      minimum: 10,
      maximum: 86_400,
      description: 'no poll for this long: lost',
    }),
  },
  closed,
);
export type IntervalHints = Static<typeof IntervalHints>;

// ---------------------------------------------------------------------------------------------------------------
// 1. Enrollment

/** The agent's public key as a JWK (RFC 8037). The private half never leaves the host. */
export const AgentPublicKey = Type.Object(
  { kty: Type.Literal('OKP'), crv: Type.Literal('Ed25519'), x: Base64Url },
  closed,
);
export type AgentPublicKey = Static<typeof AgentPublicKey>;

export const CloudFacts = Type.Object(
  {
    provider: Type.Literal('aws'),
    instanceId: Line(64),
    region: Line(64),
    availabilityZone: Type.Optional(Line(64)),
  },
  closed,
);
export type CloudFacts = Static<typeof CloudFacts>;

export const HostFacts = Type.Object(
  {
    hostname: Line(253),
    os: Line(64),
    arch: Line(32),
    osRelease: Type.Optional(Line(200)),
    ips: Type.Array(Type.String({ maxLength: 45 }), { maxItems: 64 }),
    cloud: Type.Union([CloudFacts, Type.Null()]),
    agentVersion: Line(64),
  },
  closed,
);
export type HostFacts = Static<typeof HostFacts>;

export const EnrollRequest = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200, description: 'the enrollment token (nepe_…)' }),
    publicKey: AgentPublicKey,
    host: HostFacts,
    tags: Type.Array(Tag, { maxItems: 32, uniqueItems: true }),
    /** The agent was enrolled with --allow-unsigned: it runs unsigned runbooks (shown in `hosts list`). */
    allowUnsigned: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type EnrollRequest = Static<typeof EnrollRequest>;

export const EnrollResponse = Type.Object(
  {
    agentId: Uuid,
    accountId: Uuid,
    /** The audience the agent puts in its assertions: the absolute URL of the token endpoint. */
    tokenAudience: Type.String({ minLength: 1, maxLength: 2048 }),
    intervalHints: IntervalHints,
  },
  closed,
);
export type EnrollResponse = Static<typeof EnrollResponse>;

// ---------------------------------------------------------------------------------------------------------------
// 2. Access tokens from signed assertions (RFC 7523 §2.2 client assertions, EdDSA)

/** The JWS header of an assertion: EdDSA with the agent key, named by the agent id. */
export const AssertionHeader = Type.Object(
  { alg: Type.Literal('EdDSA'), typ: Type.Literal('JWT'), kid: Uuid },
  closed,
);
export type AssertionHeader = Static<typeof AssertionHeader>;

/** The claims of an assertion. `jti` is single-use: the server refuses a replay within the lifetime. */
export const AssertionClaims = Type.Object(
  {
    iss: Uuid,
    sub: Uuid,
    aud: Type.String({ minLength: 1, maxLength: 2048 }),
    iat: Type.Integer({ minimum: 0 }),
    exp: Type.Integer({ minimum: 0 }),
    jti: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  },
  closed,
);
export type AssertionClaims = Static<typeof AssertionClaims>;

export const TokenRequest = Type.Object(
  {
    grant_type: Type.Literal('client_credentials'),
    client_assertion_type: Type.Literal(CLIENT_ASSERTION_TYPE),
    client_assertion: CompactJws,
  },
  closed,
);
export type TokenRequest = Static<typeof TokenRequest>;

export const TokenResponse = Type.Object(
  {
    access_token: Type.String({ minLength: 1 }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ minimum: 1, maximum: ACCESS_TOKEN_LIFETIME_SECONDS }),
  },
  closed,
);
export type TokenResponse = Static<typeof TokenResponse>;

// ---------------------------------------------------------------------------------------------------------------
// 3. Poll: capacity and running actions up, messages down

export const PollRequest = Type.Object(
  {
    /** The id of the last message this agent processed; the server drops everything up to it. */
    cursor: Type.Integer({ minimum: 0 }),
    /** Free execution slots (concurrency limit minus running and queued actions). */
    capacity: Type.Integer({ minimum: 0, maximum: 1024 }),
    running: Type.Array(ActionId, { maxItems: 1024, uniqueItems: true }),
    draining: Type.Boolean(),
  },
  closed,
);
export type PollRequest = Static<typeof PollRequest>;

/**
 * The runbook version as the customer signed it. `signature` is the signature file (`FILE.sig`, JSON text) that
 * `neptune runbook sign` made: the statement in clear (name, version, script SHA-256, params schema, hosts, run_as,
 * timeout, caps, validity) and the signature over it. The agent checks it against its trust file
 * (src/runbook/signing checkTrust) before anything runs; null means unsigned, which the agent refuses.
 */
export const SignedRunbook = Type.Object(
  {
    runbookId: Uuid,
    name: Line(200),
    version: Line(64),
    /** The script text, exactly as signed: its SHA-256 must equal the statement's `script_sha256`. */
    script: Type.String({ minLength: 1, maxLength: 1024 * 1024 }),
    signature: Type.Union([Type.String({ minLength: 1, maxLength: 64 * 1024 }), Type.Null()]),
  },
  closed,
);
export type SignedRunbook = Static<typeof SignedRunbook>;

export const ActionAssignment = Type.Object(
  {
    actionId: ActionId,
    runbook: SignedRunbook,
    params: Type.Record(
      Type.String({ pattern: PARAM_NAME_PATTERN }),
      Type.String({ maxLength: MAX_ENV_VALUE_BYTES }),
      { additionalProperties: false, maxProperties: MAX_ENV_VARS },
    ),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    killGraceSeconds: Type.Integer({ minimum: 0, maximum: 600 }),
    runAs: Type.Union([Line(32), Type.Null()]),
    outputCapBytes: Type.Integer({ minimum: 1024, maximum: 1024 * 1024 * 1024 }),
    /** After this instant the action must not start (ack with reason `expired`). */
    notAfter: Timestamp,
    /** Valid only for this action's ack/start/output/renew/finish, until the deadline + 10 min. */
    actionToken: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  closed,
);
export type ActionAssignment = Static<typeof ActionAssignment>;

const MessageId = Type.Integer({
  minimum: 1,
  description: 'increasing per agent; acknowledged by the cursor',
});

export const AssignMessage = Type.Object(
  { id: MessageId, type: Type.Literal('assign'), action: ActionAssignment },
  closed,
);
export const CancelMessage = Type.Object(
  { id: MessageId, type: Type.Literal('cancel'), actionId: ActionId, reason: Type.Optional(Line(200)) },
  closed,
);
/** Take no new work; finish what runs, up to the deadline, then cancel the rest. */
export const DrainMessage = Type.Object(
  { id: MessageId, type: Type.Literal('drain'), deadline: Type.Union([Timestamp, Type.Null()]) },
  closed,
);
export const PollMessage = Type.Union([AssignMessage, CancelMessage, DrainMessage]);
export type AssignMessage = Static<typeof AssignMessage>;
export type CancelMessage = Static<typeof CancelMessage>;
export type DrainMessage = Static<typeof DrainMessage>;
export type PollMessage = Static<typeof PollMessage>;

/** A poll that times out without news answers 200 with no messages (not 204: one shape to parse). */
export const PollResponse = Type.Object(
  {
    messages: Type.Array(PollMessage, { maxItems: 256 }),
    intervalHints: Type.Optional(IntervalHints),
  },
  closed,
);
export type PollResponse = Static<typeof PollResponse>;

// ---------------------------------------------------------------------------------------------------------------
// 4–8. Per action

export const ActionParams = Type.Object({ id: ActionId }, closed);

export const RejectReasonSchema = Type.Union([
  Type.Literal('signature_rejected'),
  Type.Literal('cap_exceeded'),
  Type.Literal('busy'),
  Type.Literal('expired'),
  Type.Literal('bad_parameters'),
  Type.Literal('run_as_refused'),
  Type.Literal('draining'),
]);

export const FinalStatusSchema = Type.Union([
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('timeout'),
  Type.Literal('cancelled'),
  Type.Literal('interrupted'),
  Type.Literal('rejected'),
]);

/** What the agent's ledger knows about an action (the answer to a redelivery). */
export const KnownState = Type.Object(
  {
    state: Type.Union([
      Type.Literal('accepted'),
      Type.Literal('running'),
      Type.Literal('finished'),
      Type.Literal('interrupted'),
    ]),
    status: Type.Union([FinalStatusSchema, Type.Null()]),
  },
  closed,
);
export type KnownState = Static<typeof KnownState>;

export const AckRequest = Type.Union([
  Type.Object({ decision: Type.Literal('accept') }, closed),
  Type.Object(
    { decision: Type.Literal('reject'), reason: RejectReasonSchema, message: Type.Optional(Line(500)) },
    closed,
  ),
  /** A redelivered action id: never run twice, the agent answers with what it already has. */
  Type.Object({ decision: Type.Literal('duplicate'), known: KnownState }, closed),
]);
export type AckRequest = Static<typeof AckRequest>;

export const StartRequest = Type.Object({ startedAt: Timestamp }, closed);
export type StartRequest = Static<typeof StartRequest>;

/**
 * `POST actions/{id}/output?seq=&offset=&stream=`, body: the chunk's bytes, `content-type: application/octet-stream`,
 * `content-encoding: gzip` when compressed. Idempotent on (action id, seq): a re-sent chunk with the same bytes is
 * 200; other bytes under a known seq are a 409.
 */
export const OutputStream = Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]);
export type OutputStream = Static<typeof OutputStream>;
export const OutputChunkQuery = Type.Object(
  {
    seq: Type.Integer({ minimum: 0, description: '0, 1, 2, … per action' }),
    offset: Type.Integer({ minimum: 0, description: 'bytes of output before this chunk' }),
    stream: OutputStream,
  },
  closed,
);
export type OutputChunkQuery = Static<typeof OutputChunkQuery>;
export const OutputChunkResponse = Type.Object(
  { seq: Type.Integer({ minimum: 0 }), duplicate: Type.Boolean() },
  closed,
);
export type OutputChunkResponse = Static<typeof OutputChunkResponse>;

export const RenewRequest = Type.Object({ running: Type.Boolean() }, closed);
export type RenewRequest = Static<typeof RenewRequest>;
export const RenewResponse = Type.Object(
  {
    leaseExpiresAt: Timestamp,
    /** The server wants the action stopped (a cancel that the poll may also carry). */
    cancel: Type.Boolean(),
  },
  closed,
);
export type RenewResponse = Static<typeof RenewResponse>;

/** The finish record, spooled on the agent before upload; its fields are signed by the agent key. */
export const FinishRecord = Type.Object(
  {
    actionId: ActionId,
    status: FinalStatusSchema,
    exitCode: Type.Union([Type.Integer({ minimum: 0, maximum: 255 }), Type.Null()]),
    signal: Type.Union([Type.String({ pattern: '^SIG[A-Z0-9]+$' }), Type.Null()]),
    /** Why, in words for people: `timeout after 120 s`, `cancelled: operator request`, `agent restarted`. */
    reason: Type.Union([Line(500), Type.Null()]),
    rejectReason: Type.Union([RejectReasonSchema, Type.Null()]),
    startedAt: Type.Union([Timestamp, Type.Null()]),
    finishedAt: Timestamp,
    /** Bytes the process wrote (also those past the cap). */
    outputBytes: Type.Integer({ minimum: 0 }),
    /** Bytes kept and sent as chunks (at most the cap, plus the truncation marker). */
    keptBytes: Type.Integer({ minimum: 0 }),
    /** SHA-256 over the kept bytes in sequence order; null when unknown (an interrupted action). */
    outputSha256: Type.Union([Sha256Hex, Type.Null()]),
    truncated: Type.Boolean(),
    chunks: Type.Integer({ minimum: 0 }),
    /** Chunks the agent had to drop (spool over quota); their loss is recorded, never hidden. */
    droppedChunks: Type.Integer({ minimum: 0 }),
  },
  closed,
);
export type FinishRecord = Static<typeof FinishRecord>;

export const FinishRequest = Type.Object(
  {
    record: FinishRecord,
    /** Ed25519 over the JCS-canonical `record`, base64url: the server cannot forge "host X ran Y". */
    agentSignature: Base64Url,
  },
  closed,
);
export type FinishRequest = Static<typeof FinishRequest>;
export const FinishResponse = Type.Object(
  { accepted: Type.Literal(true), duplicate: Type.Boolean() },
  closed,
);
export type FinishResponse = Static<typeof FinishResponse>;

// ---------------------------------------------------------------------------------------------------------------
// 9–10. Liveness when no poll is parked, and leaving

export const HeartbeatRequest = Type.Object(
  {
    sentAt: Timestamp,
    running: Type.Array(ActionId, { maxItems: 1024 }),
    spoolBytes: Type.Integer({ minimum: 0 }),
  },
  closed,
);
export type HeartbeatRequest = Static<typeof HeartbeatRequest>;
export const HeartbeatResponse = Type.Object({ intervalHints: IntervalHints }, closed);
export type HeartbeatResponse = Static<typeof HeartbeatResponse>;

export const DisconnectRequest = Type.Object(
  {
    reason: Type.Union([Type.Literal('shutdown'), Type.Literal('drained'), Type.Literal('agent_stop')]),
  },
  closed,
);
export type DisconnectRequest = Static<typeof DisconnectRequest>;
export const Ok = Type.Object({ ok: Type.Literal(true) }, closed);

// The literal lists and the schemas must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rejectReasonsAgree: Same<Static<typeof RejectReasonSchema>, RejectReason> = true;
const finalStatusesAgree: Same<Static<typeof FinalStatusSchema>, FinalStatus> = true;
void rejectReasonsAgree;
void finalStatusesAgree;

// ---------------------------------------------------------------------------------------------------------------
// The endpoint table: the server registers routes from it, the agent's client builds requests from it.

export interface AgentEndpoint extends AgentRoute {
  params?: TSchema;
  query?: TSchema;
  /** Undefined for the raw output body. */
  body?: TSchema;
  response: TSchema;
}

/** The routes of agent-wire.ts with their schemas: what the server registers and validates. */
export const AGENT_ENDPOINTS: Record<AgentRouteName, AgentEndpoint> = {
  enroll: { ...AGENT_ROUTES.enroll, body: EnrollRequest, response: EnrollResponse },
  token: { ...AGENT_ROUTES.token, body: TokenRequest, response: TokenResponse },
  poll: { ...AGENT_ROUTES.poll, body: PollRequest, response: PollResponse },
  ack: { ...AGENT_ROUTES.ack, params: ActionParams, body: AckRequest, response: Ok },
  start: { ...AGENT_ROUTES.start, params: ActionParams, body: StartRequest, response: Ok },
  output: {
    ...AGENT_ROUTES.output,
    params: ActionParams,
    query: OutputChunkQuery,
    response: OutputChunkResponse,
  },
  renew: { ...AGENT_ROUTES.renew, params: ActionParams, body: RenewRequest, response: RenewResponse },
  finish: { ...AGENT_ROUTES.finish, params: ActionParams, body: FinishRequest, response: FinishResponse },
  heartbeat: { ...AGENT_ROUTES.heartbeat, body: HeartbeatRequest, response: HeartbeatResponse },
  disconnect: { ...AGENT_ROUTES.disconnect, body: DisconnectRequest, response: Ok },
};

export { ErrorBody };
