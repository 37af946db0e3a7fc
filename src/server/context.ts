/** What every route handler gets: the store and the request's clock, throttle and audit hook. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiKey, User } from '../api/schemas';
import type { Scope } from '../api/scopes';
import type { Caller } from './auth';
import type { KeyWithEmail, Store, UserRow } from './store/store';
import type { Throttle } from './throttle';

/** Audit hook: every change to an account's keys, users and logins is reported here. */
export interface AuditEntry {
  accountId: string;
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<void>;
}

export interface ServerContext {
  store: Store;
  throttle: Throttle;
  now: () => Date;
  audit: AuditSink;
}

export interface HandlerInput {
  request: FastifyRequest;
  reply: FastifyReply;
  body: unknown;
  params: Record<string, string>;
  /** Set on every endpoint whose auth is not `none`. */
  caller: Caller | undefined;
}

export type Handler = (input: HandlerInput, ctx: ServerContext) => Promise<unknown>;

/** The fastify handler of an endpoint: its input from the request, the answer with the endpoint's success status. */
export function routeHandler<C>(
  handler: (input: HandlerInput, ctx: C) => Promise<unknown>,
  ctx: C,
  status: number,
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply> {
  return async (request, reply) => {
    const params = (request.params ?? {}) as Record<string, string>;
    const result = await handler({ request, reply, body: request.body, params, caller: request.caller }, ctx);
    return reply.code(status).send(result);
  };
}

export function callerOf(input: HandlerInput): Caller {
  if (!input.caller) throw new Error('handler of an authenticated endpoint ran without a caller');
  return input.caller;
}

export function toApiKey(row: KeyWithEmail): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.split(' ') as Scope[],
    origin: row.origin as ApiKey['origin'],
    userEmail: row.user_email,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    role: row.role as User['role'],
    status: row.status as User['status'],
    createdAt: row.created_at,
  };
}
