/**
 * The agent API under /agent/v1, registered from the contract's endpoint table (src/api/agent-protocol.ts):
 * each route gets its schemas and its credential kind from there. Agent access tokens (`nepa_…`) and per-action
 * tokens work only here; user API keys (`nep_…`) are refused here, and the user API refuses agent tokens.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  type AckRequest,
  AGENT_API_PREFIX,
  AGENT_ENDPOINTS,
  type AgentEndpoint,
  DEFAULT_INTERVAL_HINTS,
  type EnrollRequest,
  type FinishRequest,
  MAX_CHUNK_BYTES,
  type OutputChunkQuery,
  type PollRequest,
  type StartRequest,
  type TokenRequest,
} from '../../api/agent-protocol';
import { AGENT_TOKEN_PATTERN } from '../../api/dispatch';
import { API_KEY_PATTERN } from '../../api/scopes';
import type { ServerContext } from '../context';
import { ApiError } from '../errors';
import type { AgentRow, Dispatch } from './dispatch';

declare module 'fastify' {
  interface FastifyRequest {
    agent: AgentRow | undefined;
  }
}

function bearer(request: FastifyRequest): string {
  const match = /^Bearer ([^\s]+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1])
    throw new ApiError(401, 'AGENT_AUTH_REQUIRED', 'this endpoint needs an agent access token');
  return match[1];
}

type Name = keyof typeof AGENT_ENDPOINTS;

export async function agentApi(app: FastifyInstance, ctx: ServerContext, dispatch: Dispatch): Promise<void> {
  app.decorateRequest('agent', undefined);
  app.addContentTypeParser(
    'application/octet-stream',
    { parseAs: 'buffer', bodyLimit: MAX_CHUNK_BYTES },
    (_r, body, done) => done(null, body),
  );

  const authenticate = async (request: FastifyRequest, kind: AgentEndpoint['auth']) => {
    if (kind === 'enrollment' || kind === 'assertion') return;
    const token = bearer(request);
    await ctx.throttle.checkFailures(request.ip);
    if (API_KEY_PATTERN.test(token)) {
      await ctx.throttle.recordFailure(request.ip);
      throw new ApiError(401, 'AGENT_USER_KEY_REFUSED', 'user API keys are not accepted by the agent API');
    }
    let agent: AgentRow | undefined;
    if (AGENT_TOKEN_PATTERN.test(token)) agent = await dispatch.agentByToken(token);
    else if (kind === 'action') {
      const id = (request.params as { id?: string }).id ?? '';
      agent = await dispatch.agentByActionToken(id, token);
    }
    if (!agent) {
      await ctx.throttle.recordFailure(request.ip);
      throw new ApiError(401, 'AGENT_TOKEN_INVALID', 'the agent token is not valid or has expired');
    }
    request.agent = agent;
  };

  const handlers: Record<Name, (request: FastifyRequest) => Promise<unknown>> = {
    enroll: async (request) => {
      await ctx.throttle.checkFailures(request.ip);
      const body = request.body as EnrollRequest;
      try {
        const { agent } = await dispatch.enroll(body);
        return {
          agentId: agent.id,
          accountId: agent.account_id,
          tokenAudience: dispatch.tokenAudience(request.host),
          intervalHints: dispatch.hints,
        };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) await ctx.throttle.recordFailure(request.ip);
        throw error;
      }
    },
    token: async (request) => {
      await ctx.throttle.checkFailures(request.ip);
      const body = request.body as TokenRequest;
      try {
        const { token, expiresIn } = await dispatch.exchangeAssertion(
          body.client_assertion,
          dispatch.tokenAudience(request.host),
        );
        return { access_token: token, token_type: 'Bearer', expires_in: expiresIn };
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) await ctx.throttle.recordFailure(request.ip);
        throw error;
      }
    },
    poll: async (request) => {
      const controller = new AbortController();
      const abort = () => controller.abort();
      request.raw.socket?.once('close', abort);
      try {
        const messages = await dispatch.poll(request.agent!, request.body as PollRequest, controller.signal);
        return { messages, intervalHints: dispatch.hints };
      } finally {
        request.raw.socket?.off('close', abort);
      }
    },
    ack: async (request) => {
      await dispatch.ack(request.agent!, idOf(request), request.body as AckRequest);
      return { ok: true };
    },
    start: async (request) => {
      await dispatch.start(request.agent!, idOf(request), (request.body as StartRequest).startedAt);
      return { ok: true };
    },
    output: async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body)) {
        throw new ApiError(415, 'API_UNSUPPORTED_MEDIA_TYPE', 'output chunks are application/octet-stream');
      }
      return dispatch.output(request.agent!, idOf(request), chunkQuery(request.query), body);
    },
    renew: async (request) => dispatch.renew(request.agent!, idOf(request)),
    finish: async (request) => {
      const { duplicate } = await dispatch.finish(
        request.agent!,
        idOf(request),
        request.body as FinishRequest,
      );
      return { accepted: true, duplicate };
    },
    heartbeat: async (request) => {
      await dispatch.seen(request.agent!, (request.body as { running: string[] }).running);
      return { intervalHints: dispatch.hints ?? DEFAULT_INTERVAL_HINTS };
    },
    disconnect: async (request) => {
      await dispatch.disconnect(request.agent!);
      return { ok: true };
    },
  };

  for (const [name, endpoint] of Object.entries(AGENT_ENDPOINTS) as [Name, AgentEndpoint][]) {
    app.route({
      method: endpoint.method,
      url: AGENT_API_PREFIX + endpoint.path,
      schema: {
        ...(endpoint.body ? { body: endpoint.body } : {}),
        ...(endpoint.params ? { params: endpoint.params } : {}),
        response: { [endpoint.status]: endpoint.response },
      },
      onRequest: async (request) => authenticate(request, endpoint.auth),
      handler: async (request, reply) => reply.code(endpoint.status).send(await handlers[name](request)),
    });
  }
}

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

/** The chunk's place, from the query (parsed here: the API does not coerce types). */
function chunkQuery(query: unknown): OutputChunkQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const int = (v: unknown) => (typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : undefined);
  const seq = int(q.seq);
  const offset = int(q.offset);
  const stream = q.stream;
  const extra = Object.keys(q).filter((k) => !['seq', 'offset', 'stream'].includes(k));
  if (
    seq === undefined ||
    offset === undefined ||
    (stream !== 'stdout' && stream !== 'stderr') ||
    extra.length > 0
  ) {
    throw new ApiError(400, 'API_INVALID_REQUEST', 'the query must be seq=N&offset=N&stream=stdout|stderr');
  }
  return { seq, offset, stream };
}
