/**
 * Registers the remediation endpoints (src/api/remediation.ts) on the app: the same auth and validation as the
 * user API, plus the ingest route's own body handling (any content type read as text, 5 MB, HTTP Basic accepted
 * for senders such as SNS that can only put credentials in the subscription URL's user info).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Endpoint } from '../../api/endpoints';
import { REMEDIATION_ENDPOINTS, type RemediationEndpointName } from '../../api/remediation';
import { authenticate, requireScope } from '../auth';
import { routeHandler } from '../context';
import { INGEST_BODY_LIMIT } from '../ingest/ingest';
import { ingestAlert, listAlerts, setSourceSecret } from './alerts';
import { auditKeys, exportAudit, listAudit } from './audit';
import { listMaintenance, maintenanceOff, maintenanceOn } from './maintenance';
import type { RemedContext, RemedHandler } from './remed-context';
import { applyRules, deleteRule, enableRule, listRules } from './rules';
import { listRunbooks, pushRunbook } from './runbooks';
import { getSettings, setSettings } from './settings';

const HANDLERS: Record<RemediationEndpointName, RemedHandler> = {
  ingestAlert,
  listAlerts,
  setSourceSecret,
  pushRunbook,
  listRunbooks,
  applyRules,
  listRules,
  deleteRule,
  enableRule,
  maintenanceOn,
  maintenanceOff,
  listMaintenance,
  listAudit,
  exportAudit,
  auditKeys,
  getSettings,
  setSettings,
};

/** `Authorization: Basic base64(user:nep_…)` → the key as a bearer token (the user part is ignored). */
function basicToBearer(request: FastifyRequest): void {
  const header = request.headers.authorization;
  const m = header ? /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header) : null;
  if (!m?.[1]) return;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon >= 0) request.headers.authorization = `Bearer ${decoded.slice(colon + 1)}`;
}

/**
 * The opt-in legacy ingest form `POST /v1/alerts/:source/:token`, for senders that cannot set a header: the key in
 * the path becomes the bearer token. Off unless the server starts with --ingest-path-tokens. The key is in the URL,
 * so proxies' access logs hold it; the server's own logs show the path with the key redacted (build.ts).
 */
export const PATH_TOKEN_ROUTE = '/v1/alerts/:source/:token';

function pathTokenToBearer(request: FastifyRequest): void {
  const token = (request.params as { token?: string }).token;
  if (token) request.headers.authorization = `Bearer ${token}`;
}

function route(
  app: FastifyInstance,
  ctx: RemedContext,
  name: RemediationEndpointName,
  endpoint: Endpoint,
  url = endpoint.path,
) {
  const handler = HANDLERS[name];
  const auth = endpoint.auth;
  const ingest = name === 'ingestAlert';
  const pathToken = url === PATH_TOKEN_ROUTE;
  // Alerts, rules files and runbooks may be larger than the user API's 64 KiB bodies.
  const large = ingest || name === 'applyRules' || name === 'pushRunbook';
  app.route({
    method: endpoint.method,
    url,
    ...(large ? { bodyLimit: INGEST_BODY_LIMIT } : {}),
    schema: {
      ...(endpoint.body ? { body: endpoint.body } : {}),
      ...(endpoint.params && !pathToken ? { params: endpoint.params } : {}),
    },
    onRequest: async (request) => {
      if (pathToken) pathTokenToBearer(request);
      else if (ingest) basicToBearer(request);
      const caller = await authenticate(request, ctx);
      if (auth !== 'key' && auth !== 'none') requireScope(caller, auth);
      request.caller = caller;
    },
    handler: routeHandler(handler, ctx, endpoint.status),
  });
}

export async function registerRemediation(app: FastifyInstance, ctx: RemedContext): Promise<void> {
  const entries = Object.entries(REMEDIATION_ENDPOINTS) as [RemediationEndpointName, Endpoint][];
  for (const [name, endpoint] of entries) if (name !== 'ingestAlert') route(app, ctx, name, endpoint);
  // The ingest route reads every body as text: vendors send JSON as text/plain (SNS) or without a type, and
  // PagerDuty's signature is over the exact bytes.
  await app.register(async (child) => {
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', { parseAs: 'string', bodyLimit: INGEST_BODY_LIMIT }, (_req, body, done) =>
      done(null, body),
    );
    route(child, ctx, 'ingestAlert', REMEDIATION_ENDPOINTS.ingestAlert);
    if (ctx.ingestPathTokens)
      route(child, ctx, 'ingestAlert', REMEDIATION_ENDPOINTS.ingestAlert, PATH_TOKEN_ROUTE);
  });
}
