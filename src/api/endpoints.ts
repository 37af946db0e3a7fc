/**
 * The user API, one entry per endpoint: the server registers its routes from this table (validation, auth
 * requirement, success status) and the OpenAPI document is generated from it.
 */
import type { TSchema } from 'typebox';
import * as D from './dispatch';
import * as S from './schemas';
import type { Scope } from './scopes';

export interface Endpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** fastify syntax: `/v1/apikeys/:id` */
  path: string;
  summary: string;
  /** `none`: public; `key`: any valid user API key; a scope: a key holding it (with its implications). */
  auth: 'none' | 'key' | Scope;
  params?: TSchema;
  body?: TSchema;
  response: TSchema;
  status: 200 | 201;
  tag: string;
}

const e = (endpoint: Omit<Endpoint, 'status'> & { status?: 200 | 201 }): Endpoint => ({
  status: 200,
  ...endpoint,
});

export const ENDPOINTS = {
  whoami: e({
    method: 'GET',
    path: '/v1/whoami',
    summary: 'The account, user and key behind the credentials',
    auth: 'key',
    response: S.Whoami,
    tag: 'session',
  }),
  logout: e({
    method: 'DELETE',
    path: '/v1/session',
    summary: 'Revoke the calling key if it was created by login (device flow or invitation)',
    auth: 'key',
    response: S.Revoked,
    tag: 'session',
  }),
  listApiKeys: e({
    method: 'GET',
    path: '/v1/apikeys',
    summary: "The caller's keys; every key of the account with the admin scope",
    auth: 'read',
    response: S.ApiKeyList,
    tag: 'apikeys',
  }),
  createApiKey: e({
    method: 'POST',
    path: '/v1/apikeys',
    summary: 'Create a key for the caller; its scopes must be within the caller’s',
    auth: 'read',
    body: S.CreateApiKeyRequest,
    response: S.CreatedApiKey,
    status: 201,
    tag: 'apikeys',
  }),
  revokeApiKey: e({
    method: 'DELETE',
    path: '/v1/apikeys/:id',
    summary: "Revoke a key (one's own, or any of the account's with the admin scope)",
    auth: 'read',
    params: S.KeyIdParams,
    response: S.Revoked,
    tag: 'apikeys',
  }),
  rotateApiKey: e({
    method: 'POST',
    path: '/v1/apikeys/:id/rotate',
    summary: 'Replace a key by a new secret with the same name, scopes and lifetime; the old one is revoked',
    auth: 'read',
    params: S.KeyIdParams,
    response: S.CreatedApiKey,
    status: 201,
    tag: 'apikeys',
  }),
  listUsers: e({
    method: 'GET',
    path: '/v1/users',
    summary: 'The users of the account',
    auth: 'read',
    response: S.UserList,
    tag: 'users',
  }),
  inviteUser: e({
    method: 'POST',
    path: '/v1/users',
    summary: 'Invite a user; the response carries a one-time invitation token',
    auth: 'admin',
    body: S.InviteUserRequest,
    response: S.Invitation,
    status: 201,
    tag: 'users',
  }),
  setUserRole: e({
    method: 'PATCH',
    path: '/v1/users/:email',
    summary: 'Change a user’s role (the last admin cannot be demoted)',
    auth: 'admin',
    params: S.EmailParams,
    body: S.SetRoleRequest,
    response: S.User,
    tag: 'users',
  }),
  removeUser: e({
    method: 'DELETE',
    path: '/v1/users/:email',
    summary: 'Remove a user and revoke their keys (the last admin cannot be removed)',
    auth: 'admin',
    params: S.EmailParams,
    response: S.Removed,
    tag: 'users',
  }),
  acceptInvitation: e({
    method: 'POST',
    path: '/v1/invitations/accept',
    summary: 'Exchange an invitation token for an API key (once)',
    auth: 'none',
    body: S.AcceptInvitationRequest,
    response: S.CreatedApiKey,
    status: 201,
    tag: 'session',
  }),
  deviceCode: e({
    method: 'POST',
    path: '/v1/oauth/device/code',
    summary: 'RFC 8628 device authorization request',
    auth: 'none',
    body: S.DeviceCodeRequest,
    response: S.DeviceCodeResponse,
    tag: 'oauth',
  }),
  deviceToken: e({
    method: 'POST',
    path: '/v1/oauth/token',
    summary: 'RFC 8628 device access token request (poll no faster than `interval`)',
    auth: 'none',
    body: S.DeviceTokenRequest,
    response: S.DeviceTokenResponse,
    tag: 'oauth',
  }),
  deviceApprove: e({
    method: 'POST',
    path: '/v1/oauth/device/approve',
    summary: 'Approve (or deny) a pending device login with its user code, as the calling user',
    auth: 'read',
    body: S.DeviceApproveRequest,
    response: S.DeviceApproveResponse,
    tag: 'oauth',
  }),
  createEnrollmentToken: e({
    method: 'POST',
    path: '/v1/hosts/tokens',
    summary: 'Create an enrollment token for agents (shown once; stored hashed)',
    auth: 'admin',
    body: D.CreateEnrollmentTokenRequest,
    response: D.EnrollmentToken,
    status: 201,
    tag: 'hosts',
  }),
  listHosts: e({
    method: 'GET',
    path: '/v1/hosts',
    summary:
      'The enrolled hosts: status (online, lost after 90 s without a poll), version, tags, running actions',
    auth: 'read',
    response: D.HostList,
    tag: 'hosts',
  }),
  showHost: e({
    method: 'GET',
    path: '/v1/hosts/:id',
    summary: 'One host, by id or hostname',
    auth: 'read',
    params: D.HostParams,
    response: D.Host,
    tag: 'hosts',
  }),
  revokeHost: e({
    method: 'POST',
    path: '/v1/hosts/:id/revoke',
    summary:
      'Revoke a host (by id: that enrollment; by name: every enrollment of the name): its agent key and tokens stop working, its unfinished actions are cancelled',
    auth: 'admin',
    params: D.HostParams,
    response: D.HostList,
    tag: 'hosts',
  }),
  createRun: e({
    method: 'POST',
    path: '/v1/actions',
    summary: 'Send a runbook to hosts (by name or tag) now: one action per host',
    auth: 'operator',
    body: D.CreateRunRequest,
    response: D.RunCreated,
    status: 201,
    tag: 'actions',
  }),
  listActions: e({
    method: 'GET',
    path: '/v1/actions',
    summary: 'The latest actions of the account (newest first)',
    auth: 'read',
    response: D.ActionList,
    tag: 'actions',
  }),
  showAction: e({
    method: 'GET',
    path: '/v1/actions/:id',
    summary: 'One action',
    auth: 'read',
    params: D.ActionIdParams,
    response: D.Action,
    tag: 'actions',
  }),
  actionOutput: e({
    method: 'GET',
    path: '/v1/actions/:id/output/:after',
    summary: 'Output chunks with a sequence number above `after` (-1 for all)',
    auth: 'read',
    params: D.ActionOutputParams,
    response: D.ActionOutput,
    tag: 'actions',
  }),
  cancelAction: e({
    method: 'POST',
    path: '/v1/actions/:id/cancel',
    summary:
      'Cancel an action: a queued one at once, a running one through its agent (SIGTERM, then SIGKILL)',
    auth: 'operator',
    params: D.ActionIdParams,
    response: D.CancelResult,
    tag: 'actions',
  }),
} satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;
