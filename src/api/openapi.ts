/**
 * The OpenAPI 3.1 document, generated from the endpoint table (served at GET /v1/openapi.json). OpenAPI 3.1 uses
 * JSON Schema 2020-12, so the schemas go in as they are.
 */
import { ENDPOINTS, type Endpoint } from './endpoints';
import { REMEDIATION_ENDPOINTS } from './remediation';
import { ErrorBody, Health } from './schemas';

const ERROR_STATUSES: Record<string, string> = {
  '400': 'Malformed request: invalid JSON, a field of the wrong type, an unknown field',
  '401': 'Missing, unknown, expired or revoked API key',
  '403': 'The key lacks the scope the endpoint needs',
  '404': 'No such resource in the caller’s account',
  '409': 'Conflicts with the current state',
  '413': 'Body larger than the limit',
  '415': 'Body is not application/json',
  '429': 'Rate limited; see the Retry-After header',
};

function toOpenApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

function operation(name: string, endpoint: Endpoint): Record<string, unknown> {
  const params = endpoint.params as { properties?: Record<string, unknown> } | undefined;
  const errors = Object.fromEntries(
    Object.entries(ERROR_STATUSES)
      .filter(([status]) => endpoint.auth !== 'none' || !['401', '403'].includes(status))
      .map(([status, description]) => [
        status,
        { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      ]),
  );
  return {
    operationId: name,
    summary: endpoint.summary,
    tags: [endpoint.tag],
    ...(endpoint.auth === 'none'
      ? { security: [] }
      : {
          security: [{ apiKey: [] }],
          'x-neptune-scope': endpoint.auth === 'key' ? 'any' : endpoint.auth,
        }),
    ...(params?.properties
      ? {
          parameters: Object.entries(params.properties).map(([param, schema]) => ({
            name: param,
            in: 'path',
            required: true,
            schema,
          })),
        }
      : {}),
    ...(endpoint.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: endpoint.body } } } }
      : {}),
    responses: {
      [String(endpoint.status)]: {
        description: 'OK',
        content: { 'application/json': { schema: endpoint.response } },
      },
      ...errors,
    },
  };
}

export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const all = { ...ENDPOINTS, ...REMEDIATION_ENDPOINTS };
  for (const [name, endpoint] of Object.entries(all) as [string, Endpoint][]) {
    const path = toOpenApiPath(endpoint.path);
    paths[path] ??= {};
    paths[path][endpoint.method.toLowerCase()] = operation(name, endpoint);
  }
  const probe = (summary: string) => ({
    get: {
      summary,
      security: [],
      tags: ['operations'],
      responses: { '200': { description: 'OK', content: { 'application/json': { schema: Health } } } },
    },
  });
  paths['/healthz'] = probe('Liveness: the process answers');
  paths['/readyz'] = probe('Readiness: the store answers (503 otherwise)');
  paths['/metrics'] = {
    get: {
      summary: 'Prometheus metrics',
      security: [],
      tags: ['operations'],
      responses: { '200': { description: 'OK', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  };
  paths['/v1/openapi.json'] = {
    get: {
      summary: 'This document',
      security: [],
      tags: ['operations'],
      responses: {
        '200': { description: 'OK', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'neptune control plane',
      version,
      description: 'The user API of `neptune server`. See docs/api.md.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'An API key (nep_…) as a bearer token' },
      },
      schemas: { Error: ErrorBody },
    },
    paths,
  };
}
