/**
 * The user API of hosts (enrollment tokens, the enrolled agents) and actions (`neptune run`, `neptune actions`):
 * request and response schemas, closed like the rest of the contract (src/api/schemas.ts).
 */
import Type, { type Static } from 'typebox';
import { FinalStatusSchema, PARAM_NAME_PATTERN, Tag } from './agent-protocol';

const closed = { additionalProperties: false } as const;
const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const ENROLLMENT_TOKEN_PREFIX = 'nepe_';
export const ENROLLMENT_TOKEN_PATTERN = /^nepe_[A-Za-z0-9_-]{43}$/;
/** Agent access tokens: refused by the user API (which takes only `nep_` keys), accepted only by /agent/v1. */
export const AGENT_TOKEN_PREFIX = 'nepa_';
export const AGENT_TOKEN_PATTERN = /^nepa_[A-Za-z0-9_-]{43}$/;
export const MAX_ENROLLMENT_TTL_SECONDS = 7 * 24 * 3600;

export const CreateEnrollmentTokenRequest = Type.Object(
  {
    uses: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    ttlSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_ENROLLMENT_TTL_SECONDS })),
    tags: Type.Optional(Type.Array(Tag, { maxItems: 32, uniqueItems: true })),
  },
  closed,
);
export type CreateEnrollmentTokenRequest = Static<typeof CreateEnrollmentTokenRequest>;

export const EnrollmentToken = Type.Object(
  {
    token: Type.String(),
    expiresAt: Timestamp,
    usesLeft: Type.Integer(),
    tags: Type.Array(Type.String()),
  },
  closed,
);
export type EnrollmentToken = Static<typeof EnrollmentToken>;

export const HostStatus = Type.Union([
  Type.Literal('online'),
  Type.Literal('lost'),
  Type.Literal('draining'),
  Type.Literal('offline'),
  Type.Literal('revoked'),
]);

export const Host = Type.Object(
  {
    id: Type.String(),
    hostname: Type.String(),
    status: HostStatus,
    lastSeenAt: Nullable(Timestamp),
    enrolledAt: Timestamp,
    version: Type.String(),
    os: Type.String(),
    arch: Type.String(),
    ips: Type.Array(Type.String()),
    tags: Type.Array(Type.String()),
    allowUnsigned: Type.Boolean(),
    running: Type.Array(Type.String()),
  },
  closed,
);
export type Host = Static<typeof Host>;
export const HostList = Type.Object({ hosts: Type.Array(Host) }, closed);
export type HostList = Static<typeof HostList>;
export const HostParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 253 }) }, closed);

export const ActionStatus = Type.Union([
  Type.Literal('queued'),
  Type.Literal('assigned'),
  Type.Literal('running'),
  FinalStatusSchema,
]);
export type ActionStatus = Static<typeof ActionStatus>;
export const TERMINAL_STATUSES = ['succeeded', 'failed', 'timeout', 'cancelled', 'interrupted', 'rejected'];

export const CreateRunRequest = Type.Object(
  {
    runbook: Type.Object(
      {
        name: Type.String({ minLength: 1, maxLength: 200 }),
        script: Type.String({ minLength: 1, maxLength: 1024 * 1024 }),
        signature: Nullable(Type.String({ minLength: 1, maxLength: 64 * 1024 })),
      },
      closed,
    ),
    hosts: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 1000, uniqueItems: true }),
    tags: Type.Array(Tag, { maxItems: 32, uniqueItems: true }),
    params: Type.Record(Type.String({ pattern: PARAM_NAME_PATTERN }), Type.String({ maxLength: 32 * 1024 }), {
      additionalProperties: false,
      maxProperties: 64,
    }),
    timeoutSeconds: Type.Integer({ minimum: 1, maximum: 86_400 }),
    /** SIGTERM → SIGKILL grace on timeout or cancel; default 10 s. */
    killGraceSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 600 })),
  },
  closed,
);
export type CreateRunRequest = Static<typeof CreateRunRequest>;

export const Action = Type.Object(
  {
    id: Type.String(),
    hostId: Type.String(),
    host: Type.String(),
    runbook: Type.String(),
    status: ActionStatus,
    exitCode: Nullable(Type.Integer()),
    signal: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    truncated: Type.Boolean(),
    outputBytes: Type.Integer(),
    createdAt: Timestamp,
    startedAt: Nullable(Timestamp),
    finishedAt: Nullable(Timestamp),
    createdBy: Type.String(),
    cancelRequested: Type.Boolean(),
  },
  closed,
);
export type Action = Static<typeof Action>;
export const ActionList = Type.Object({ actions: Type.Array(Action) }, closed);
export type ActionList = Static<typeof ActionList>;
export const RunCreated = Type.Object({ actions: Type.Array(Action) }, closed);
export type RunCreated = Static<typeof RunCreated>;
export const ActionIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, closed);
export const ActionOutputParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 64 }), after: Type.String({ pattern: '^-?[0-9]{1,10}$' }) },
  closed,
);

export const OutputChunk = Type.Object(
  {
    seq: Type.Integer(),
    stream: Type.String(),
    offset: Type.Integer(),
    /** base64 */
    data: Type.String(),
  },
  closed,
);
export const ActionOutput = Type.Object(
  { chunks: Type.Array(OutputChunk), status: ActionStatus, finished: Type.Boolean() },
  closed,
);
export type ActionOutput = Static<typeof ActionOutput>;
export const CancelResult = Type.Object({ action: Action }, closed);
export type CancelResult = Static<typeof CancelResult>;
