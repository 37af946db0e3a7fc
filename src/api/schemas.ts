/**
 * Request and response schemas of the user API. The server validates with them (unknown fields are rejected:
 * every object is closed), the client takes its types from them, and the OpenAPI document is generated from them.
 */
import Type, { type Static } from 'typebox';
import { MAX_KEY_LIFETIME_SECONDS, type Role, SCOPES, type Scope } from './scopes';

const closed = { additionalProperties: false } as const;

export const Timestamp = Type.String({ format: 'date-time', description: 'RFC 3339, UTC' });
export const RoleSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('operator'),
  Type.Literal('viewer'),
]);
export const ScopeSchema = Type.Union([
  Type.Literal('admin'),
  Type.Literal('operator'),
  Type.Literal('read'),
  Type.Literal('agent:enroll'),
  Type.Literal('ingest'),
]);
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
export const Id = Type.String({ format: 'uuid' });
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'stable, SCREAMING_SNAKE' }),
        message: Type.String(),
        requestId: Type.String(),
      },
      closed,
    ),
  },
  closed,
);
export type ErrorBody = Static<typeof ErrorBody>;

export const Account = Type.Object({ id: Id, handle: Type.String() }, closed);
export type Account = Static<typeof Account>;

export const User = Type.Object(
  {
    id: Id,
    email: Type.String(),
    role: RoleSchema,
    status: Type.Union([Type.Literal('active'), Type.Literal('invited')]),
    createdAt: Timestamp,
  },
  closed,
);
export type User = Static<typeof User>;

export const KeyOrigin = Type.Union([
  Type.Literal('init'),
  Type.Literal('user'),
  Type.Literal('login'),
  Type.Literal('invite'),
]);

export const ApiKey = Type.Object(
  {
    id: Id,
    name: Type.String(),
    prefix: Type.String({ description: 'the first characters of the key, to recognise it' }),
    scopes: Type.Array(ScopeSchema),
    origin: KeyOrigin,
    userEmail: Type.String(),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    lastUsedAt: Type.Union([Timestamp, Type.Null()]),
    revokedAt: Type.Union([Timestamp, Type.Null()]),
  },
  closed,
);
export type ApiKey = Static<typeof ApiKey>;

/** A key as created: the secret is in this response only, never again. */
export const CreatedApiKey = Type.Object({ apiKey: ApiKey, secret: Type.String() }, closed);
export type CreatedApiKey = Static<typeof CreatedApiKey>;

export const Whoami = Type.Object(
  {
    account: Account,
    user: Type.Object({ id: Id, email: Type.String(), role: RoleSchema }, closed),
    key: Type.Object(
      {
        id: Id,
        name: Type.String(),
        prefix: Type.String(),
        scopes: Type.Array(ScopeSchema),
        origin: KeyOrigin,
        expiresAt: Timestamp,
      },
      closed,
    ),
  },
  closed,
);
export type Whoami = Static<typeof Whoami>;

export const CreateApiKeyRequest = Type.Object(
  {
    name: Name,
    scopes: Type.Array(ScopeSchema, { minItems: 1, maxItems: SCOPES.length, uniqueItems: true }),
    expiresInSeconds: Type.Optional(Type.Integer({ minimum: 60, maximum: MAX_KEY_LIFETIME_SECONDS })),
  },
  closed,
);
export type CreateApiKeyRequest = Static<typeof CreateApiKeyRequest>;

export const ApiKeyList = Type.Object({ apiKeys: Type.Array(ApiKey) }, closed);
export type ApiKeyList = Static<typeof ApiKeyList>;

export const KeyIdParams = Type.Object({ id: Id }, closed);
export const EmailParams = Type.Object({ email: Email }, closed);

export const UserList = Type.Object({ users: Type.Array(User) }, closed);
export type UserList = Static<typeof UserList>;

export const InviteUserRequest = Type.Object({ email: Email, role: RoleSchema }, closed);
export type InviteUserRequest = Static<typeof InviteUserRequest>;

export const Invitation = Type.Object(
  {
    user: User,
    token: Type.String({
      description: 'nepi_…, shown once; the invitee exchanges it with login --with-token',
    }),
    expiresAt: Timestamp,
  },
  closed,
);
export type Invitation = Static<typeof Invitation>;

export const SetRoleRequest = Type.Object({ role: RoleSchema }, closed);
export type SetRoleRequest = Static<typeof SetRoleRequest>;

export const AcceptInvitationRequest = Type.Object(
  { token: Type.String({ minLength: 1, maxLength: 200 }), keyName: Type.Optional(Name) },
  closed,
);
export type AcceptInvitationRequest = Static<typeof AcceptInvitationRequest>;

export const Removed = Type.Object({ removed: Type.Boolean() }, closed);
export const Revoked = Type.Object({ revoked: Type.Boolean() }, closed);
export type Revoked = Static<typeof Revoked>;

/** RFC 8628 §3.1–3.2: field names follow the RFC. */
export const DeviceCodeRequest = Type.Object(
  { client_id: Type.Literal('neptune-cli'), client_name: Type.Optional(Name) },
  closed,
);
export type DeviceCodeRequest = Static<typeof DeviceCodeRequest>;

export const DeviceCodeResponse = Type.Object(
  {
    device_code: Type.String(),
    user_code: Type.String(),
    verification_uri: Type.String(),
    verification_uri_complete: Type.String(),
    expires_in: Type.Integer(),
    interval: Type.Integer(),
  },
  closed,
);
export type DeviceCodeResponse = Static<typeof DeviceCodeResponse>;

/** RFC 8628 §3.4–3.5. The errors of §3.5 come back in the usual error body, with codes DEVICE_*. */
export const DeviceTokenRequest = Type.Object(
  {
    grant_type: Type.Literal('urn:ietf:params:oauth:grant-type:device_code'),
    device_code: Type.String({ minLength: 1, maxLength: 200 }),
    client_id: Type.Literal('neptune-cli'),
  },
  closed,
);
export type DeviceTokenRequest = Static<typeof DeviceTokenRequest>;

export const DeviceTokenResponse = Type.Object(
  {
    access_token: Type.String(),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer(),
    scope: Type.String(),
  },
  closed,
);
export type DeviceTokenResponse = Static<typeof DeviceTokenResponse>;

export const DeviceApproveRequest = Type.Object(
  {
    userCode: Type.String({ minLength: 1, maxLength: 20 }),
    decision: Type.Optional(Type.Union([Type.Literal('approve'), Type.Literal('deny')])),
  },
  closed,
);
export type DeviceApproveRequest = Static<typeof DeviceApproveRequest>;

export const DeviceApproveResponse = Type.Object(
  { decision: Type.Union([Type.Literal('approve'), Type.Literal('deny')]), clientName: Type.String() },
  closed,
);
export type DeviceApproveResponse = Static<typeof DeviceApproveResponse>;

export const Health = Type.Object({ status: Type.Literal('ok') }, closed);

// The schemas and the vocabulary in scopes.ts must agree.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rolesAgree: Same<Static<typeof RoleSchema>, Role> = true;
const scopesAgree: Same<Static<typeof ScopeSchema>, Scope> = true;
void rolesAgree;
void scopesAgree;
