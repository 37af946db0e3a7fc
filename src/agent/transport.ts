/**
 * The agent's side of the wire: /agent/v1 over the shared HTTP client on its node:https engine (src/core/https.ts —
 * TLS always verified, the custom CA, HTTPS_PROXY/NO_PROXY, keep-alive; no undici in the daemon). Retries are not the HTTP client's here: the daemon's loops retry with their own
 * full-jitter backoff, forever, so the client makes one attempt per call. Access tokens come from signed client
 * assertions and are renewed a minute before they expire, or at once after a 401.
 */
import type {
  AckRequest,
  EnrollRequest,
  EnrollResponse,
  FinishRecord,
  PollRequest,
  PollResponse,
  RenewResponse,
  TokenResponse,
} from '../api/agent-protocol';
import { AGENT_API_PREFIX, AGENT_ROUTES, CLIENT_ASSERTION_TYPE } from '../api/agent-wire';
import { authError, NeptuneError, temporaryFailure, usageError } from '../core/errors';
import type { HttpResponse } from '../core/http-base';
import { NodeHttpClient } from '../core/https';
import { isRetryableStatus } from './backoff';
import type { AgentKey } from './identity';
import type { ChunkRef } from './spool';
import type { UploadOutcome, UploadTransport } from './uploader';

export interface TransportOptions {
  apiUrl: string;
  caFile?: string;
  env?: NodeJS.ProcessEnv;
  version: string;
  /** How long a poll may be held by the server; the client waits this plus a margin. */
  pollHoldSeconds?: number;
}

/** An answer that is not the endpoint's success status. */
export class AgentApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: string | string[],
  ) {
    super(message);
  }
  get transient(): boolean {
    return isRetryableStatus(this.status);
  }
}

function failureOf(response: HttpResponse, what: string): AgentApiError {
  let code = 'AGENT_API_ERROR';
  let message = `${what}: HTTP ${response.status}`;
  try {
    const body = response.json<{ error?: { code?: string; message?: string } }>();
    if (body.error?.code) {
      code = body.error.code;
      message = `${what}: ${body.error.message ?? code}`;
    }
  } catch {}
  return new AgentApiError(response.status, code, message, response.headers['retry-after']);
}

export function httpFor(
  options: TransportOptions,
  holdSeconds = options.pollHoldSeconds ?? 25,
): NodeHttpClient {
  return new NodeHttpClient({
    baseUrl: options.apiUrl,
    caFile: options.caFile,
    env: options.env,
    userAgent: `neptune-agent/${options.version}`,
    retries: 0,
    headersTimeoutMs: (holdSeconds + 20) * 1000,
    bodyTimeoutMs: (holdSeconds + 20) * 1000,
  });
}

/** `agent enroll`: one call with the enrollment token (no retries: a used-up token must not be retried). */
export async function enrollAgent(options: TransportOptions, body: EnrollRequest): Promise<EnrollResponse> {
  const http = httpFor(options);
  try {
    const response = await http.request({
      method: 'POST',
      url: AGENT_API_PREFIX + AGENT_ROUTES.enroll.path,
      json: body,
    });
    if (response.status === 201) return response.json<EnrollResponse>();
    const failure = failureOf(response, 'enrollment');
    if (response.status === 401) {
      throw authError(failure.code, failure.message, {
        hint: 'create a new token with `neptune hosts token create` (tokens expire and have a number of uses)',
      });
    }
    if (failure.transient) throw temporaryFailure(failure.code, failure.message, { hint: 'retry later' });
    throw usageError(failure.code, failure.message);
  } finally {
    await http.close();
  }
}

export class AgentTransport implements UploadTransport {
  private token: { value: string; expiresAt: number } | undefined;
  private tokenPending: Promise<string> | undefined;
  readonly http: NodeHttpClient;

  constructor(
    private readonly options: TransportOptions & { agentId: string; key: AgentKey; now?: () => number },
  ) {
    this.http = httpFor(options);
  }

  private get now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt - 60_000 > this.now) return this.token.value;
    this.tokenPending ??= this.fetchToken().finally(() => {
      this.tokenPending = undefined;
    });
    return this.tokenPending;
  }

  private async fetchToken(): Promise<string> {
    const audience = new URL(AGENT_API_PREFIX + AGENT_ROUTES.token.path, this.options.apiUrl).toString();
    const response = await this.http.request({
      method: 'POST',
      url: AGENT_API_PREFIX + AGENT_ROUTES.token.path,
      json: {
        grant_type: 'client_credentials',
        client_assertion_type: CLIENT_ASSERTION_TYPE,
        client_assertion: this.options.key.assertion(this.options.agentId, audience),
      },
    });
    if (response.status !== 200) throw failureOf(response, 'access token');
    const body = response.json<TokenResponse>();
    this.token = { value: body.access_token, expiresAt: this.now + body.expires_in * 1000 };
    return body.access_token;
  }

  /** One call with the access token; a 401 drops the token and tries once more with a fresh one. */
  async call<T>(
    name: keyof typeof AGENT_ROUTES,
    input: { id?: string; json?: unknown; body?: Buffer; query?: string; signal?: AbortSignal },
  ): Promise<T> {
    const endpoint = AGENT_ROUTES[name];
    const url =
      AGENT_API_PREFIX +
      endpoint.path.replace(':id', encodeURIComponent(input.id ?? '')) +
      (input.query ? `?${input.query}` : '');
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const response = await this.http.request({
        method: 'POST',
        url,
        headers: {
          authorization: `Bearer ${token}`,
          ...(input.body ? { 'content-type': 'application/octet-stream' } : {}),
        },
        ...(input.json !== undefined ? { json: input.json } : {}),
        ...(input.body ? { body: input.body } : {}),
        signal: input.signal,
      });
      if (response.status === endpoint.status) return response.json<T>();
      if (response.status === 401 && attempt === 0) {
        this.token = undefined;
        continue;
      }
      throw failureOf(response, endpoint.summary.toLowerCase());
    }
  }

  poll(body: PollRequest, signal?: AbortSignal): Promise<PollResponse> {
    return this.call<PollResponse>('poll', { json: body, signal });
  }
  ack(id: string, body: AckRequest): Promise<unknown> {
    return this.call('ack', { id, json: body });
  }
  start(id: string, startedAt: string): Promise<unknown> {
    return this.call('start', { id, json: { startedAt } });
  }
  renew(id: string): Promise<RenewResponse> {
    return this.call<RenewResponse>('renew', { id, json: { running: true } });
  }
  disconnect(reason: 'shutdown' | 'drained' | 'agent_stop'): Promise<unknown> {
    return this.call('disconnect', { json: { reason } });
  }

  private async outcome(fn: () => Promise<unknown>): Promise<UploadOutcome> {
    try {
      await fn();
      return { ok: true };
    } catch (error) {
      if (error instanceof AgentApiError) {
        return {
          ok: false,
          permanent: !error.transient,
          reason: error.message,
          retryAfter: error.retryAfter,
        };
      }
      return {
        ok: false,
        permanent: false,
        reason: error instanceof NeptuneError ? error.message : String(error),
      };
    }
  }

  sendChunk(ref: ChunkRef, data: Buffer): Promise<UploadOutcome> {
    return this.outcome(() =>
      this.call('output', {
        id: ref.actionId,
        body: data,
        query: `seq=${ref.seq}&offset=${ref.offset}&stream=${ref.stream}`,
      }),
    );
  }

  sendFinish(record: FinishRecord, agentSignature: string): Promise<UploadOutcome> {
    return this.outcome(() => this.call('finish', { id: record.actionId, json: { record, agentSignature } }));
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
