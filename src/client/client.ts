/**
 * The typed client of the user API, over the one HTTP client (src/core/http.ts: TLS always verified, retries). Its
 * types come from the contract (src/api/): a method per endpoint. API errors become NeptuneErrors from the catalog
 * with the server's code, so a CLI user sees one line and the documented exit code.
 */
import { ENDPOINTS, type Endpoint, type EndpointName } from '../api/endpoints';
import type * as S from '../api/schemas';
import {
  authError,
  dataError,
  failed,
  type NeptuneError,
  temporaryFailure,
  unavailable,
  usageError,
} from '../core/errors';
import type { HttpClient, HttpResponse } from '../core/http';

export interface CallInput {
  params?: Record<string, string>;
  body?: unknown;
  /** query parameters (undefined values are left out) */
  query?: Record<string, string | undefined>;
  /** a request body sent as is (with its content type), instead of `body` as JSON */
  raw?: { contentType: string; data: string | Uint8Array };
  /** return the response text instead of parsing JSON */
  text?: boolean;
}

/** Maps an API error answer to the catalog. The server's code is kept; the request id goes into the details. */
export function apiFailure(response: HttpResponse, what: string): NeptuneError {
  let code = 'API_ERROR';
  let message = `${what}: HTTP ${response.status}`;
  let requestId: string | undefined;
  try {
    const parsed = response.json<Partial<S.ErrorBody>>();
    if (parsed?.error?.code) {
      code = parsed.error.code;
      message = `${what}: ${parsed.error.message}`;
      requestId = parsed.error.requestId;
    }
  } catch {
    // not JSON: keep the status line
  }
  const details = { status: response.status, ...(requestId ? { requestId } : {}) };
  const status = response.status;
  if (status === 401) {
    return authError(code, message, {
      details,
      hint:
        code === 'AUTH_KEY_EXPIRED' || code === 'AUTH_KEY_REVOKED' || code === 'AUTH_INVALID_KEY'
          ? 'log in again (neptune login), or use another key'
          : 'log in (neptune login), or set NEPTUNE_TOKEN',
    });
  }
  if (status === 403)
    return authError(code, message, { details, hint: 'ask an admin of the account for access' });
  if (status === 404)
    return usageError(code, message, { details, hint: 'check the name or id (see the list command)' });
  if (status === 409) return failed(code, message, { details });
  if (status === 429 || status === 503 || status >= 500) {
    return temporaryFailure(code, message, {
      details,
      hint:
        status >= 500 && status !== 503 ? 'retry later; the request id is in the server log' : 'retry later',
    });
  }
  if (status >= 400) return usageError(code, message, { details });
  return unavailable('API_UNEXPECTED', `${what}: unexpected HTTP ${status}`, { details });
}

export class ApiClient {
  constructor(
    private readonly http: HttpClient,
    private readonly token?: string,
  ) {}

  /** Calls one endpoint of the contract; the path parameters are encoded, the secret goes in a header only. */
  call<T>(name: EndpointName, input: CallInput = {}): Promise<T> {
    return this.callEndpoint<T>(ENDPOINTS[name], input);
  }

  /** Calls an endpoint described by an Endpoint entry (the user API's table or another area's). */
  async callEndpoint<T>(endpoint: Endpoint, input: CallInput = {}): Promise<T> {
    let url = endpoint.path.replace(/:([A-Za-z]+)/g, (_, param: string) =>
      encodeURIComponent(input.params?.[param] ?? ''),
    );
    const query = Object.entries(input.query ?? {}).filter((e): e is [string, string] => e[1] !== undefined);
    if (query.length > 0) url += `?${new URLSearchParams(query).toString()}`;
    const headers: Record<string, string> = {};
    if (input.raw) headers['content-type'] = input.raw.contentType;
    if (endpoint.auth !== 'none') {
      if (!this.token) {
        throw authError('AUTH_NOT_LOGGED_IN', 'not logged in', {
          hint: 'run neptune login, or set NEPTUNE_TOKEN',
        });
      }
      headers.authorization = `Bearer ${this.token}`;
    }
    const response = await this.http.request({
      method: endpoint.method,
      url,
      headers,
      ...(input.body !== undefined ? { json: input.body } : {}),
      ...(input.raw ? { body: input.raw.data } : {}),
    });
    if (response.status !== endpoint.status) throw apiFailure(response, endpoint.summary.toLowerCase());
    if (input.text) return response.text() as T;
    try {
      return response.json<T>();
    } catch {
      throw dataError('API_BAD_RESPONSE', `${url}: the server answered with something that is not JSON`);
    }
  }

  whoami() {
    return this.call<S.Whoami>('whoami');
  }
  logout() {
    return this.call<S.Revoked>('logout');
  }
  listApiKeys() {
    return this.call<S.ApiKeyList>('listApiKeys');
  }
  createApiKey(body: S.CreateApiKeyRequest) {
    return this.call<S.CreatedApiKey>('createApiKey', { body });
  }
  revokeApiKey(id: string) {
    return this.call<S.Revoked>('revokeApiKey', { params: { id } });
  }
  rotateApiKey(id: string) {
    return this.call<S.CreatedApiKey>('rotateApiKey', { params: { id } });
  }
  listUsers() {
    return this.call<S.UserList>('listUsers');
  }
  inviteUser(body: S.InviteUserRequest) {
    return this.call<S.Invitation>('inviteUser', { body });
  }
  setUserRole(email: string, role: S.SetRoleRequest['role']) {
    return this.call<S.User>('setUserRole', { params: { email }, body: { role } });
  }
  removeUser(email: string) {
    return this.call<{ removed: boolean }>('removeUser', { params: { email } });
  }
  acceptInvitation(body: S.AcceptInvitationRequest) {
    return this.call<S.CreatedApiKey>('acceptInvitation', { body });
  }
  deviceCode(body: S.DeviceCodeRequest) {
    return this.call<S.DeviceCodeResponse>('deviceCode', { body });
  }
  deviceApprove(body: S.DeviceApproveRequest) {
    return this.call<S.DeviceApproveResponse>('deviceApprove', { body });
  }

  /** One RFC 8628 token poll: the token, or the §3.5 error code (`DEVICE_AUTHORIZATION_PENDING`, …). */
  async deviceToken(
    body: S.DeviceTokenRequest,
  ): Promise<{ token: S.DeviceTokenResponse } | { error: string; message: string }> {
    const response = await this.http.request({ method: 'POST', url: ENDPOINTS.deviceToken.path, json: body });
    if (response.status === 200) return { token: response.json<S.DeviceTokenResponse>() };
    if (response.status === 400) {
      try {
        const parsed = response.json<S.ErrorBody>();
        if (parsed.error.code.startsWith('DEVICE_'))
          return { error: parsed.error.code, message: parsed.error.message };
      } catch {}
    }
    throw apiFailure(response, 'device login');
  }
}
