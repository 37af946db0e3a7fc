/**
 * The remediation endpoints (issue 8): alerts in, runbook registry, rules, maintenance, decisions and audit. Kept
 * in their own table (not ENDPOINTS) so the user API's table and its per-endpoint suites stay as they were; the
 * server registers both, the client calls these with ApiClient.callEndpoint.
 */
import Type from 'typebox';
import type { Endpoint } from './endpoints';

const closed = { additionalProperties: false } as const;
const Any = Type.Any();
const Name = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });

export const RunbookPushRequest = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 255 }),
    script: Type.String({ maxLength: 1_000_000 }),
    sidecar: Type.Optional(Type.String({ maxLength: 100_000 })),
    signature: Type.Optional(Type.String({ maxLength: 100_000 })),
    force: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const RulesApplyRequest = Type.Object(
  {
    rules: Type.Array(Type.Any(), { maxItems: 5000 }),
    dryRun: Type.Optional(Type.Boolean()),
  },
  closed,
);

export const MaintenanceOnRequest = Type.Object(
  {
    forSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86400 })),
    hosts: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 1000 })),
    tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 1000 })),
  },
  closed,
);

export const SettingsRequest = Type.Object(
  {
    /** the lint profile `runbook push` is checked under (min, basic, safety, production) */
    lintProfile: Type.Union([
      Type.Literal('min'),
      Type.Literal('basic'),
      Type.Literal('safety'),
      Type.Literal('production'),
    ]),
  },
  closed,
);

export const SourceSecretRequest = Type.Object(
  { secret: Type.String({ minLength: 8, maxLength: 1000 }) },
  closed,
);

const e = (endpoint: Omit<Endpoint, 'status'> & { status?: 200 | 201 }): Endpoint => ({
  status: 200,
  ...endpoint,
});

export const REMEDIATION_ENDPOINTS = {
  ingestAlert: e({
    method: 'POST',
    path: '/v1/alerts/:source',
    summary: 'Send an alert (generic, alertmanager, cloudwatch, nagios, pagerduty, datadog); ingest scope',
    auth: 'ingest',
    params: Type.Object({ source: Type.String({ maxLength: 40 }) }, closed),
    response: Any,
    status: 201,
    tag: 'alerts',
  }),
  listAlerts: e({
    method: 'GET',
    path: '/v1/alerts',
    summary: 'The latest alerts with their decisions',
    auth: 'read',
    response: Any,
    tag: 'alerts',
  }),
  setSourceSecret: e({
    method: 'POST',
    path: '/v1/alert-sources/:source/secret',
    summary: 'Store the webhook signing secret of a source (pagerduty), sealed at rest',
    auth: 'admin',
    params: Type.Object({ source: Type.String({ maxLength: 40 }) }, closed),
    body: SourceSecretRequest,
    response: Any,
    tag: 'alerts',
  }),
  pushRunbook: e({
    method: 'POST',
    path: '/v1/runbooks',
    summary: "Store a new immutable version of a runbook, after linting it under the account's profile",
    auth: 'operator',
    body: RunbookPushRequest,
    response: Any,
    status: 201,
    tag: 'runbooks',
  }),
  listRunbooks: e({
    method: 'GET',
    path: '/v1/runbooks',
    summary: 'The pushed runbook versions',
    auth: 'read',
    response: Any,
    tag: 'runbooks',
  }),
  applyRules: e({
    method: 'POST',
    path: '/v1/rules/apply',
    summary: 'Create or update rules by name (dryRun: only say what would change)',
    auth: 'operator',
    body: RulesApplyRequest,
    response: Any,
    tag: 'rules',
  }),
  listRules: e({
    method: 'GET',
    path: '/v1/rules',
    summary: 'The rules, with their breaker state',
    auth: 'read',
    response: Any,
    tag: 'rules',
  }),
  deleteRule: e({
    method: 'DELETE',
    path: '/v1/rules/:name',
    summary: 'Delete a rule',
    auth: 'operator',
    params: Type.Object({ name: Name }, closed),
    response: Any,
    tag: 'rules',
  }),
  enableRule: e({
    method: 'POST',
    path: '/v1/rules/:name/enable',
    summary: "Close a rule's circuit breaker",
    auth: 'operator',
    params: Type.Object({ name: Name }, closed),
    response: Any,
    tag: 'rules',
  }),
  maintenanceOn: e({
    method: 'POST',
    path: '/v1/maintenance',
    summary: 'Start a maintenance window (whole account, hosts or tags)',
    auth: 'operator',
    body: MaintenanceOnRequest,
    response: Any,
    status: 201,
    tag: 'maintenance',
  }),
  maintenanceOff: e({
    method: 'DELETE',
    path: '/v1/maintenance',
    summary: 'End every maintenance window in force',
    auth: 'operator',
    response: Any,
    tag: 'maintenance',
  }),
  listMaintenance: e({
    method: 'GET',
    path: '/v1/maintenance',
    summary: 'The maintenance windows in force',
    auth: 'read',
    response: Any,
    tag: 'maintenance',
  }),
  listAudit: e({
    method: 'GET',
    path: '/v1/audit',
    summary: "The account's audit rows (?since=RFC3339&limit=N)",
    auth: 'read',
    response: Any,
    tag: 'audit',
  }),
  exportAudit: e({
    method: 'GET',
    path: '/v1/audit/export',
    summary: "The account's audit chain and signed checkpoints as JSON lines",
    auth: 'read',
    response: Any,
    tag: 'audit',
  }),
  auditKeys: e({
    method: 'GET',
    path: '/v1/audit/keys',
    summary: 'The public keys (JWKS) that sign audit checkpoints',
    auth: 'read',
    response: Any,
    tag: 'audit',
  }),
  getSettings: e({
    method: 'GET',
    path: '/v1/settings',
    summary:
      "The account's settings (the lint profile runbook pushes are checked under) and where each comes from",
    auth: 'read',
    response: Any,
    tag: 'settings',
  }),
  setSettings: e({
    method: 'PATCH',
    path: '/v1/settings',
    summary: "Change the account's settings (admin); audited",
    auth: 'admin',
    body: SettingsRequest,
    response: Any,
    tag: 'settings',
  }),
} satisfies Record<string, Endpoint>;

export type RemediationEndpointName = keyof typeof REMEDIATION_ENDPOINTS;
