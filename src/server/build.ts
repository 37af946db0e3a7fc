/**
 * The control plane's HTTP application, built without listening (tests inject requests or listen themselves; the
 * `server start` command listens). Routes come from the API contract (src/api/endpoints.ts): each gets its schema
 * validation, its auth requirement and its success status from there.
 */
import { randomBytes } from 'node:crypto';
import type { ServerOptions as HttpsOptions } from 'node:https';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { ENDPOINTS, type Endpoint, type EndpointName } from '../api/endpoints';
import { openApiDocument } from '../api/openapi';
import { AuditService } from './audit-service';
import { authenticate, type Caller, requireScope } from './auth';
import { type AuditEntry, type AuditSink, type Handler, routeHandler, type ServerContext } from './context';
import { agentApi } from './dispatch/agent-api';
import { Dispatch, intervalHintsFromEnv, registerDispatch } from './dispatch/dispatch';
import { breakerListener, dispatchSink, hostDirectory } from './dispatch/remediation';
import { ApiError, errorHandler, notFoundHandler, sendError } from './errors';
import { Metrics } from './metrics';
import { actionOutput, cancelAction, createRun, listActions, showAction } from './routes/actions';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey } from './routes/apikeys';
import { deviceApprove, deviceCode, devicePage, deviceToken } from './routes/device';
import { createEnrollmentToken, listHosts, revokeHost, showHost } from './routes/hosts';
import { registerRemediation } from './routes/remediation';
import { type RemediationOptions, remediationContext } from './routes/remediation-options';
import { acceptInvitation, logout, whoami } from './routes/session';
import { inviteUser, listUsers, removeUser, setUserRole } from './routes/users';
import { RemedStore } from './store/remed-store';
import type { Store } from './store/store';
import { DEFAULT_LIMITS, type Limits, Throttle } from './throttle';

const HANDLERS: Record<EndpointName, Handler> = {
  whoami,
  logout,
  listApiKeys,
  createApiKey,
  revokeApiKey,
  rotateApiKey,
  listUsers,
  inviteUser,
  setUserRole,
  removeUser,
  acceptInvitation,
  deviceCode,
  deviceToken,
  deviceApprove,
  createEnrollmentToken,
  listHosts,
  showHost,
  revokeHost,
  createRun,
  listActions,
  showAction,
  actionOutput,
  cancelAction,
};

/** Request bodies are small JSON documents; anything larger is refused before it is read. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface BuildOptions {
  store: Store;
  version: string;
  now?: () => Date;
  limits?: Partial<Limits>;
  metrics?: Metrics;
  audit?: AuditSink;
  /** pino options, or false for none. */
  logger?: FastifyServerOptions['logger'];
  /** Given: the app serves HTTPS with these (key, cert; TLS 1.2 at least). */
  https?: HttpsOptions;
  /** True while the process is shutting down: /readyz answers 503 so load balancers drain it. */
  draining?: () => boolean;
  /** Remediation (issue 8): the action sink, host directory, master key, audit key. */
  remediation?: RemediationOptions;
  /** The store's engine (dispatch claims with SKIP LOCKED on PostgreSQL). Default sqlite. */
  engine?: 'sqlite' | 'postgres';
  env?: NodeJS.ProcessEnv;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | undefined;
  }
}

export function storeAudit(store: Store, now: () => Date): AuditSink {
  return {
    record: (entry) => store.appendAudit({ ...entry, at: now().toISOString() }),
  };
}

/**
 * What the request log line says about a request: never a secret. Keys travel in headers (not logged); the one
 * documented exception, the legacy ingest form with the key in the path, is logged with the key redacted.
 */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  return {
    method: request.method,
    url: redactPathToken(request.url),
    host: request.host,
    remoteAddress: request.ip,
  };
}

export function redactPathToken(url: string): string {
  return url.replace(/^(\/v1\/alerts\/[^/?#]+\/)[^/?#]+/, '$1[redacted]');
}

export async function build(options: BuildOptions): Promise<FastifyInstance> {
  const now = options.now ?? (() => new Date());
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = options.metrics ?? new Metrics();
  const remedStore = new RemedStore(options.store.db);
  // Every audit entry becomes a row of the account's hash chain (src/audit), with signed checkpoints.
  const auditService = new AuditService(
    remedStore,
    options.store,
    now,
    options.remediation?.auditSigner,
    options.remediation?.checkpoints,
  );
  const ctx: ServerContext = {
    store: options.store,
    throttle: new Throttle(options.store, limits, now),
    now,
    audit: options.audit ?? auditService,
  };
  const app = Fastify({
    logger: options.logger
      ? { ...(options.logger === true ? {} : options.logger), serializers: { req: requestForLog } }
      : false,
    ...(options.https ? { https: { minVersion: 'TLSv1.2', ...options.https } } : {}),
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    genReqId: () => `req_${randomBytes(9).toString('base64url')}`,
    // Every object schema is closed: unknown fields are an error, never silently dropped; no type coercion.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false } },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 300, ignoreTrailingSlash: false },
  }) as unknown as FastifyInstance;

  app.decorateRequest('caller', undefined);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  for (const [name, endpoint] of Object.entries(ENDPOINTS) as [EndpointName, Endpoint][]) {
    const handler = HANDLERS[name];
    const auth = endpoint.auth;
    app.route({
      method: endpoint.method,
      url: endpoint.path,
      schema: {
        ...(endpoint.body ? { body: endpoint.body } : {}),
        ...(endpoint.params ? { params: endpoint.params } : {}),
        response: { [endpoint.status]: endpoint.response },
      },
      // Authentication runs before the body is validated, so a caller without a key learns nothing about it.
      onRequest:
        auth === 'none'
          ? []
          : async (request) => {
              const caller = await authenticate(request, ctx);
              if (auth !== 'key') requireScope(caller, auth);
              request.caller = caller;
            },
      handler: routeHandler(handler, ctx, endpoint.status),
    });
  }

  const openapi = openApiDocument(options.version);
  app.get('/v1/openapi.json', async () => openapi);
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (options.draining?.())
      return sendError(reply, new ApiError(503, 'SERVER_DRAINING', 'shutting down', 1));
    try {
      await options.store.ping();
    } catch {
      return sendError(reply, new ApiError(503, 'SERVER_STORE_UNAVAILABLE', 'the store does not answer', 5));
    }
    return { status: 'ok' };
  });
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  await app.register(async (child) => devicePage(child, ctx));
  const dispatch = new Dispatch(
    options.store,
    options.engine ?? 'sqlite',
    intervalHintsFromEnv(options.env),
    now,
    ctx.audit,
  );
  registerDispatch(dispatch);
  // Remediation runs through dispatch: decided runs become actions, their results feed the rules' breakers.
  const audit = (entry: AuditEntry) => auditService.record(entry);
  dispatch.onSettled(breakerListener({ store: remedStore, audit, now }));
  const remediation = {
    sink: dispatchSink({ dispatch, store: remedStore, audit }),
    hosts: hostDirectory(dispatch),
    ...options.remediation,
  };
  await registerRemediation(app, remediationContext(ctx, remedStore, auditService, remediation));
  if (options.remediation?.auditSigner) {
    auditService.startTimer();
    app.addHook('onClose', async () => auditService.stopTimer());
  }
  metrics.countParkedPolls(() => dispatch.notifier.parked);
  app.addHook('preClose', async () => dispatch.close());
  await app.register(async (child) => agentApi(child, ctx, dispatch));
  return app;
}
