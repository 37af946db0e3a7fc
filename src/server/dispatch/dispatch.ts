/**
 * The server side of the agent protocol (specs/agent-protocol.md §6) and of `neptune run`: enrollment tokens,
 * agents, access tokens from signed assertions, the per-host action queues with leases, output chunks and finish
 * records. The same code runs on SQLite and PostgreSQL; on PostgreSQL queued actions are claimed with
 * `FOR UPDATE SKIP LOCKED`, so several replicas can answer polls for one database.
 *
 * Wake-ups: a parked poll waits on the in-process Notifier (a run or cancel made by this process wakes it at once).
 * While every wake-up reaches this process (SQLite: one process; PostgreSQL: the LISTEN connection is up) a poll
 * checks the database only when it starts and when it is woken; otherwise it re-checks every RECHECK_MS, so a run
 * created on another replica is delivered within that time. Thousands of parked polls each re-checking every second
 * cost a core for nothing (decision 0701).
 */
import { createHash, createPublicKey, randomBytes, randomUUID, verify } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  type AckRequest,
  type ActionAssignment,
  AGENT_API_PREFIX,
  type AssertionClaims,
  type AssertionHeader,
  DEFAULT_INTERVAL_HINTS,
  type EnrollRequest,
  type FinishRequest,
  type IntervalHints,
  type KnownState,
  MAX_ASSERTION_LIFETIME_SECONDS,
  type PollMessage,
  type PollRequest,
} from '../../api/agent-protocol';
import {
  type Action,
  AGENT_TOKEN_PREFIX,
  type CreateEnrollmentTokenRequest,
  type CreateRunRequest,
  ENROLLMENT_TOKEN_PATTERN,
  ENROLLMENT_TOKEN_PREFIX,
  type EnrollmentToken,
  type Host,
  TERMINAL_STATUSES,
} from '../../api/dispatch';
import { canonicalize } from '../../core/jcs';
import type { AuditSink } from '../context';
import { ApiError } from '../errors';
import type { Store } from '../store/store';
import { hashSecret } from '../tokens';

export const RECHECK_MS = 1000;
/** The PostgreSQL NOTIFY channel that wakes parked polls on every replica; the payload is the agent id. */
export const WAKE_CHANNEL = 'neptune_dispatch';
export const DEFAULT_OUTPUT_CAP_BYTES = 16 * 1024 * 1024;
export const DEFAULT_KILL_GRACE_SECONDS = 10;
/** An action not started within this time after `run` is not started any more (ack `expired`). */
export const START_WINDOW_SECONDS = 3600;

interface AgentsTable {
  id: string;
  account_id: string;
  hostname: string;
  public_key: string;
  facts: string;
  tags: string;
  version: string;
  allow_unsigned: number;
  draining: number;
  status: string;
  enrolled_at: string;
  last_seen_at: string | null;
  running: string;
}
interface ActionsTable {
  id: string;
  account_id: string;
  agent_id: string;
  runbook_name: string;
  script: string;
  signature: string | null;
  params: string;
  timeout_seconds: number;
  kill_grace_seconds: number;
  status: string;
  created_by: string;
  created_at: string;
  not_after: string;
  assigned_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  lease_expires_at: string | null;
  deliveries: number;
  cancel_requested: number;
  token_hash: string | null;
  exit_code: number | null;
  signal: string | null;
  reason: string | null;
  output_bytes: number;
  truncated: number;
  finish: string | null;
  /** the rule decision this action carries out (remediation), else null */
  decision_id: string | null;
  /** the user the signed statement names; null: the agent's own user */
  run_as: string | null;
  /** a rolling run: its id and this action's batch (0 first); null for a plain run */
  rollout_id: string | null;
  batch: number | null;
}
export interface DispatchDatabase {
  enrollment_tokens: {
    id: string;
    account_id: string;
    hash: string;
    tags: string;
    uses_left: number;
    created_by: string;
    created_at: string;
    expires_at: string;
  };
  agents: AgentsTable;
  agent_tokens: { hash: string; agent_id: string; expires_at: string };
  agent_assertions: { jti: string; expires_at: string };
  actions: ActionsTable;
  action_output: { action_id: string; seq: number; stream: string; offset: number; data: string };
  agent_messages: {
    id: number | undefined;
    agent_id: string;
    type: string;
    action_id: string | null;
    created_at: string;
  };
}
export type AgentRow = AgentsTable;
export type ActionRow = ActionsTable;

/** Internal options of a run (not in the user API): what the remediation sink adds. */
export interface RunOptions {
  /** the user the signed statement names (the agent checks it against the statement and its own policy) */
  runAs?: string | null;
  /** the decision each host's action carries out */
  decisionFor?: (hostname: string) => string | undefined;
  /** rolling: this many hosts at a time, the next batch only after the previous one succeeded */
  batchSize?: number;
}

/** Told when an action reaches a final status for the first time (finish record or refusal). */
export type SettledListener = (action: ActionRow, status: string) => Promise<void>;

/** Set on an action the agent answered as a duplicate before the server had its finish record. */
const DUPLICATE_REASON = 'duplicate: the agent already ran this action id';

/** A later batch of a rolling run: stored, not yet given to any agent (the API shows it as queued). */
export const HELD = 'held';

/** Wakes parked polls of one process. */
export class Notifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  /** Notifications per agent so far: a poll that read it before checking the database misses none after. */
  private readonly generations = new Map<string, number>();

  generation(agentId: string): number {
    return this.generations.get(agentId) ?? 0;
  }

  notify(agentId: string): void {
    this.generations.set(agentId, this.generation(agentId) + 1);
    const set = this.waiters.get(agentId);
    if (!set) return;
    this.waiters.delete(agentId);
    for (const wake of set) wake();
  }

  /** Resolves on notify, after `ms`, or when the signal aborts; at once if notified since generation `since`. */
  wait(agentId: string, ms: number, signal?: AbortSignal, since?: number): Promise<void> {
    if (since !== undefined && this.generation(agentId) !== since) return Promise.resolve();
    return new Promise((resolve) => {
      let set = this.waiters.get(agentId);
      if (!set) {
        set = new Set();
        this.waiters.set(agentId, set);
      }
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.get(agentId)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Wakes every parked poll (shutdown; the LISTEN connection is back and may have missed notifications). */
  wakeAll(): void {
    for (const agentId of [...this.waiters.keys()]) this.notify(agentId);
  }

  get parked(): number {
    let n = 0;
    for (const set of this.waiters.values()) n += set.size;
    return n;
  }
}

function secondsFromEnv(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const n = Number(env[name]);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
}

/** Server-side timers; NEPTUNE_AGENT_POLL_HOLD (seconds) shortens the poll hold for tests and benchmarks. */
export function intervalHintsFromEnv(env: NodeJS.ProcessEnv = process.env): IntervalHints {
  return {
    ...DEFAULT_INTERVAL_HINTS,
    pollHoldSeconds: secondsFromEnv(
      env,
      'NEPTUNE_AGENT_POLL_HOLD',
      DEFAULT_INTERVAL_HINTS.pollHoldSeconds,
      1,
      120,
    ),
    leaseSeconds: secondsFromEnv(env, 'NEPTUNE_AGENT_LEASE', DEFAULT_INTERVAL_HINTS.leaseSeconds, 10, 86_400),
  };
}

const json = <T>(text: string): T => JSON.parse(text) as T;
const iso = (d: Date) => d.toISOString();
const plus = (d: Date, seconds: number) => new Date(d.getTime() + seconds * 1000).toISOString();

/** A stable UUID-shaped id for a runbook (by name): the protocol names runbooks by UUID. */
function runbookUuid(name: string): string {
  const h = createHash('sha256').update(`runbook:${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class Dispatch {
  readonly db: Kysely<DispatchDatabase>;
  readonly notifier = new Notifier();
  private closing = false;
  /**
   * Whether every run and cancel wakes this process's polls: always on SQLite; on PostgreSQL while the LISTEN
   * connection is up (listenForWakeUps). When false, parked polls re-check the database every RECHECK_MS.
   */
  wakeUpsReliable: boolean;

  private readonly listeners: SettledListener[] = [];

  /** Registers a listener for settled actions (the rules engine's circuit breaker). */
  onSettled(listener: SettledListener): void {
    this.listeners.push(listener);
  }

  /** Server shutdown: parked polls answer now (empty) instead of holding the drain for up to a poll hold. */
  close(): void {
    this.closing = true;
    this.notifier.wakeAll();
  }

  constructor(
    readonly store: Store,
    readonly engine: 'sqlite' | 'postgres',
    readonly hints: IntervalHints,
    private readonly now: () => Date,
    private readonly audit: AuditSink,
  ) {
    this.db = store.db as unknown as Kysely<DispatchDatabase>;
    this.wakeUpsReliable = engine === 'sqlite';
  }

  /** Wakes the agent's parked poll here and, on PostgreSQL, on every replica (NOTIFY; see listenForWakeUps). */
  private async wake(agentId: string): Promise<void> {
    this.notifier.notify(agentId);
    if (this.engine === 'postgres') {
      await sql`select pg_notify(${WAKE_CHANNEL}, ${agentId})`.execute(this.db).catch(() => {});
    }
  }

  // -------------------------------------------------------------------------------------------------------------
  // Enrollment

  async createEnrollmentToken(
    accountId: string,
    actor: string,
    body: CreateEnrollmentTokenRequest,
  ): Promise<EnrollmentToken> {
    const secret = ENROLLMENT_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.now();
    const expiresAt = plus(now, body.ttlSeconds ?? 24 * 3600);
    const usesLeft = body.uses ?? 1;
    const tags = body.tags ?? [];
    const id = randomUUID();
    await this.db
      .insertInto('enrollment_tokens')
      .values({
        id,
        account_id: accountId,
        hash: hashSecret(secret),
        tags: JSON.stringify(tags),
        uses_left: usesLeft,
        created_by: actor,
        created_at: iso(now),
        expires_at: expiresAt,
      })
      .execute();
    await this.audit.record({
      accountId,
      actor,
      action: 'hosts.token.create',
      target: id,
      details: { usesLeft, tags },
    });
    return { token: secret, expiresAt, usesLeft, tags };
  }

  async enroll(body: EnrollRequest): Promise<{ agent: AgentRow }> {
    const now = this.now();
    const invalid = new ApiError(
      401,
      'AGENT_ENROLLMENT_TOKEN_INVALID',
      'the enrollment token is not valid (unknown, used up or expired)',
    );
    if (!ENROLLMENT_TOKEN_PATTERN.test(body.token)) throw invalid;
    const hash = hashSecret(body.token);
    const { agent, tokenId, tags } = await this.store.transaction(async (trx) => {
      const db = trx.db as unknown as Kysely<DispatchDatabase>;
      // One use, atomically: two agents racing for the last use cannot both get it.
      const used = await db
        .updateTable('enrollment_tokens')
        .set((eb) => ({ uses_left: eb('uses_left', '-', 1) }))
        .where('hash', '=', hash)
        .where('uses_left', '>', 0)
        .where('expires_at', '>', iso(now))
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw invalid;
      const token = await db
        .selectFrom('enrollment_tokens')
        .selectAll()
        .where('hash', '=', hash)
        .executeTakeFirstOrThrow();
      const tags = [...new Set([...json<string[]>(token.tags), ...body.tags])].sort();
      const agent: AgentRow = {
        id: randomUUID(),
        account_id: token.account_id,
        hostname: body.host.hostname,
        public_key: body.publicKey.x,
        facts: JSON.stringify(body.host),
        tags: JSON.stringify(tags),
        version: body.host.agentVersion,
        allow_unsigned: body.allowUnsigned ? 1 : 0,
        draining: 0,
        status: 'active',
        enrolled_at: iso(now),
        last_seen_at: null,
        running: '[]',
      };
      await db.insertInto('agents').values(agent).execute();
      return { agent, tokenId: token.id, tags };
    });
    // In the account's hash chain, after the transaction (on SQLite the store has one connection).
    await this.audit.record({
      accountId: agent.account_id,
      actor: `agent:${agent.id}`,
      action: 'hosts.enroll',
      target: agent.id,
      details: { hostname: agent.hostname, tags, allowUnsigned: Boolean(body.allowUnsigned), token: tokenId },
    });
    return { agent };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Access tokens (RFC 7523 client assertions, EdDSA with the agent key)

  async exchangeAssertion(
    assertion: string,
    audience: string,
  ): Promise<{ token: string; expiresIn: number }> {
    const refuse = (why: string) =>
      new ApiError(401, 'AGENT_ASSERTION_INVALID', `the client assertion is not valid: ${why}`);
    const [h, p, s] = assertion.split('.');
    if (!h || !p || !s) throw refuse('not a compact JWS');
    let header: AssertionHeader;
    let claims: AssertionClaims;
    try {
      header = json(Buffer.from(h, 'base64url').toString('utf8'));
      claims = json(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      throw refuse('not JSON');
    }
    if (header?.alg !== 'EdDSA' || typeof header.kid !== 'string')
      throw refuse('alg must be EdDSA with a kid');
    const agent = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', header.kid)
      .executeTakeFirst();
    if (!agent || agent.status === 'revoked')
      throw refuse('unknown or revoked agent (enroll the host again with a new token)');
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: agent.public_key }, format: 'jwk' });
    if (!verify(null, Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url')))
      throw refuse('bad signature');
    const nowS = Math.floor(this.now().getTime() / 1000);
    if (claims.iss !== agent.id || claims.sub !== agent.id) throw refuse('iss and sub must be the agent id');
    if (claims.aud !== audience) throw refuse(`aud must be ${audience}`);
    if (!Number.isInteger(claims.exp) || !Number.isInteger(claims.iat))
      throw refuse('iat and exp are required');
    if (claims.exp <= nowS - 30) throw refuse('expired');
    if (claims.iat > nowS + 60) throw refuse('issued in the future');
    if (claims.exp - claims.iat > MAX_ASSERTION_LIFETIME_SECONDS) throw refuse('lifetime over 300 s');
    if (typeof claims.jti !== 'string' || claims.jti.length < 16) throw refuse('jti is required');
    try {
      await this.db
        .insertInto('agent_assertions')
        .values({
          jti: `${agent.id}:${claims.jti}`,
          expires_at: new Date((claims.exp + 60) * 1000).toISOString(),
        })
        .execute();
    } catch {
      throw refuse('replayed (jti already used)');
    }
    const token = AGENT_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const now = this.now();
    await this.db
      .insertInto('agent_tokens')
      .values({
        hash: hashSecret(token),
        agent_id: agent.id,
        expires_at: plus(now, ACCESS_TOKEN_LIFETIME_SECONDS),
      })
      .execute();
    // Housekeeping: expired tokens and assertion ids.
    await this.db.deleteFrom('agent_tokens').where('expires_at', '<', iso(now)).execute();
    await this.db.deleteFrom('agent_assertions').where('expires_at', '<', iso(now)).execute();
    return { token, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS };
  }

  async agentByToken(token: string): Promise<AgentRow | undefined> {
    const row = await this.db
      .selectFrom('agent_tokens')
      .innerJoin('agents', 'agents.id', 'agent_tokens.agent_id')
      .selectAll('agents')
      .select('agent_tokens.expires_at as token_expires_at')
      .where('agent_tokens.hash', '=', hashSecret(token))
      .executeTakeFirst();
    if (!row || row.token_expires_at <= iso(this.now()) || row.status === 'revoked') return undefined;
    const { token_expires_at: _, ...agent } = row;
    return agent;
  }

  async agentByActionToken(actionId: string, token: string): Promise<AgentRow | undefined> {
    const action = await this.db
      .selectFrom('actions')
      .select(['agent_id', 'token_hash', 'not_after', 'timeout_seconds'])
      .where('id', '=', actionId)
      .executeTakeFirst();
    if (!action?.token_hash || action.token_hash !== hashSecret(token)) return undefined;
    const agent = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('id', '=', action.agent_id)
      .executeTakeFirst();
    return agent?.status === 'revoked' ? undefined : agent;
  }

  // -------------------------------------------------------------------------------------------------------------
  // Poll

  async poll(agent: AgentRow, body: PollRequest, signal?: AbortSignal): Promise<PollMessage[]> {
    const holdMs = this.hints.pollHoldSeconds * 1000;
    const deadline = Date.now() + holdMs;
    await this.db
      .updateTable('agents')
      .set({
        last_seen_at: iso(this.now()),
        running: JSON.stringify(body.running),
        draining: body.draining ? 1 : 0,
        status: agent.status === 'revoked' ? 'revoked' : 'active',
      })
      .where('id', '=', agent.id)
      .execute();
    await this.db
      .deleteFrom('agent_messages')
      .where('agent_id', '=', agent.id)
      .where('id', '<=', body.cursor)
      .execute();
    for (;;) {
      const since = this.notifier.generation(agent.id);
      await this.requeueExpired(agent.id);
      if (!body.draining && body.capacity > 0) await this.claim(agent, body.capacity);
      const messages = await this.messagesFor(agent, body.cursor);
      if (messages.length > 0 || signal?.aborted || this.closing) return messages;
      const left = deadline - Date.now();
      if (left <= 0) return [];
      const recheck = this.wakeUpsReliable ? left : Math.min(left, RECHECK_MS);
      await this.notifier.wait(agent.id, recheck, signal, since);
      if (signal?.aborted) return [];
      // Woken (not timed out): the wake-up may be this agent's revocation, which ends the poll with its cancels.
      if (this.notifier.generation(agent.id) !== since && (await this.revoked(agent.id)))
        return this.messagesFor(agent, body.cursor);
    }
  }

  private async revoked(agentId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('agents')
      .select('status')
      .where('id', '=', agentId)
      .executeTakeFirst();
    return row?.status === 'revoked';
  }

  /** Leases that were not renewed: back to the queue (the agent's ledger answers a redelivery as a duplicate). */
  private async requeueExpired(agentId: string): Promise<void> {
    await this.db
      .updateTable('actions')
      .set({ status: 'queued', lease_expires_at: null })
      .where('agent_id', '=', agentId)
      .where('status', 'in', ['assigned', 'running'])
      .where('lease_expires_at', '<', iso(this.now()))
      .execute();
  }

  /** Moves up to `capacity` queued actions of this host to `assigned` (with a lease) and queues their messages. */
  private async claim(agent: AgentRow, capacity: number): Promise<void> {
    await this.store.transaction(async (trx) => {
      const db = trx.db as unknown as Kysely<DispatchDatabase>;
      let query = db
        .selectFrom('actions')
        .select('id')
        .where('agent_id', '=', agent.id)
        .where('status', '=', 'queued')
        .orderBy('created_at')
        .orderBy('id')
        .limit(capacity);
      if (this.engine === 'postgres') query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (rows.length === 0) return;
      const now = this.now();
      const ids = rows.map((r) => r.id);
      await db
        .updateTable('actions')
        .set((eb) => ({
          status: 'assigned',
          assigned_at: iso(now),
          lease_expires_at: plus(now, this.hints.leaseSeconds),
          deliveries: eb('deliveries', '+', 1),
        }))
        .where('id', 'in', ids)
        .where('status', '=', 'queued')
        .execute();
      await db
        .insertInto('agent_messages')
        .values(
          ids.map((id) => ({ agent_id: agent.id, type: 'assign', action_id: id, created_at: iso(now) })),
        )
        .execute();
    });
  }

  private async messagesFor(agent: AgentRow, cursor: number): Promise<PollMessage[]> {
    const rows = await this.db
      .selectFrom('agent_messages')
      .selectAll()
      .where('agent_id', '=', agent.id)
      .where('id', '>', cursor)
      .orderBy('id')
      .limit(256)
      .execute();
    const out: PollMessage[] = [];
    for (const row of rows) {
      const id = Number(row.id);
      if (row.type === 'assign' && row.action_id) {
        const action = await this.db
          .selectFrom('actions')
          .selectAll()
          .where('id', '=', row.action_id)
          .executeTakeFirst();
        if (!action || TERMINAL_STATUSES.includes(action.status)) continue;
        out.push({ id, type: 'assign', action: await this.assignment(action) });
      } else if (row.type === 'cancel' && row.action_id) {
        out.push({ id, type: 'cancel', actionId: row.action_id, reason: 'cancelled by an operator' });
      } else if (row.type === 'drain') {
        out.push({ id, type: 'drain', deadline: null });
      }
    }
    return out;
  }

  private async assignment(action: ActionRow): Promise<ActionAssignment> {
    const token = randomBytes(32).toString('base64url');
    await this.db
      .updateTable('actions')
      .set({ token_hash: hashSecret(token) })
      .where('id', '=', action.id)
      .execute();
    return {
      actionId: action.id,
      runbook: {
        runbookId: runbookUuid(action.runbook_name),
        name: action.runbook_name,
        version: createHash('sha256').update(action.script).digest('hex').slice(0, 12),
        script: action.script,
        signature: action.signature,
      },
      params: json<Record<string, string>>(action.params),
      timeoutSeconds: action.timeout_seconds,
      killGraceSeconds: action.kill_grace_seconds,
      runAs: action.run_as,
      outputCapBytes: DEFAULT_OUTPUT_CAP_BYTES,
      notAfter: action.not_after,
      actionToken: token,
    };
  }

  // -------------------------------------------------------------------------------------------------------------
  // Per action (the agent side)

  async ownAction(agent: AgentRow, actionId: string): Promise<ActionRow> {
    const action = await this.db
      .selectFrom('actions')
      .selectAll()
      .where('id', '=', actionId)
      .where('agent_id', '=', agent.id)
      .executeTakeFirst();
    if (!action) throw new ApiError(404, 'AGENT_ACTION_NOT_FOUND', 'no such action for this agent');
    return action;
  }

  async ack(agent: AgentRow, actionId: string, body: AckRequest): Promise<void> {
    const action = await this.ownAction(agent, actionId);
    if (body.decision === 'duplicate') return this.duplicate(agent, action, body.known);
    if (TERMINAL_STATUSES.includes(action.status)) return;
    if (body.decision === 'reject') {
      const now = iso(this.now());
      // `draining`: not taken, not recorded: back to the queue for later.
      if (body.reason === 'draining') {
        await this.db
          .updateTable('actions')
          .set({ status: 'queued', lease_expires_at: null })
          .where('id', '=', actionId)
          .execute();
        return;
      }
      const reason = `${body.reason}${body.message ? `: ${body.message}` : ''}`;
      const updated = await this.db
        .updateTable('actions')
        .set({ status: 'rejected', reason, finished_at: now })
        .where('id', '=', actionId)
        .where('finish', 'is', null)
        .where('status', 'not in', TERMINAL_STATUSES)
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return;
      // The agent's refusal is part of the record: a compromised or mistaken server is visible in the audit.
      await this.audit.record({
        accountId: action.account_id,
        actor: `agent:${agent.id}`,
        action: 'action.rejected',
        target: actionId,
        details: { reason: body.reason, message: body.message ?? null, runbook: action.runbook_name },
      });
      await this.settled({ ...action, status: 'rejected', reason, finished_at: now }, 'rejected');
    }
  }

  /**
   * The agent already holds this action id in its ledger and did not run it again (a redelivery after a lost
   * lease, or a replay). Audited either way; a delivery of an id the agent already finished is put back to the
   * final status the server recorded (or `rejected` when it has none), so it is not offered again and again.
   */
  private async duplicate(agent: AgentRow, action: ActionRow, known: KnownState | undefined): Promise<void> {
    await this.audit.record({
      accountId: action.account_id,
      actor: `agent:${agent.id}`,
      action: 'action.duplicate_refused',
      target: action.id,
      details: { known: known ?? null, serverStatus: action.status, deliveries: action.deliveries },
    });
    const finalState = known?.state === 'finished' || known?.state === 'interrupted';
    if (!finalState || TERMINAL_STATUSES.includes(action.status)) return;
    const recorded = action.finish ? json<FinishRequest>(action.finish).record : undefined;
    await this.db
      .updateTable('actions')
      .set({
        status: recorded?.status ?? 'rejected',
        reason: recorded ? recorded.reason : DUPLICATE_REASON,
        finished_at: recorded?.finishedAt ?? iso(this.now()),
        lease_expires_at: null,
      })
      .where('id', '=', action.id)
      .execute();
  }

  /** An action reached a final status: the next batch of its rollout, then the listeners. */
  private async settled(action: ActionRow, status: string): Promise<void> {
    if (action.rollout_id !== null && action.batch !== null) await this.advanceRollout(action, status);
    for (const listener of this.listeners) await listener(action, status);
  }

  /**
   * Rolling runs: when every action of a batch has finished and all succeeded, the next batch is queued (and its
   * agents woken); when one did not succeed, the held batches are cancelled and the stop is audited.
   */
  private async advanceRollout(action: ActionRow, status: string): Promise<void> {
    const rollout = action.rollout_id!;
    const now = iso(this.now());
    if (status !== 'succeeded') {
      const stopped = await this.db
        .updateTable('actions')
        .set({
          status: 'cancelled',
          reason: `rollout stopped: ${action.id} ended ${status}`,
          finished_at: now,
        })
        .where('rollout_id', '=', rollout)
        .where('status', '=', HELD)
        .executeTakeFirst();
      if (Number(stopped.numUpdatedRows) > 0)
        await this.audit.record({
          accountId: action.account_id,
          actor: 'dispatch',
          action: 'rollout.stopped',
          target: rollout,
          details: { after: action.id, status, cancelled: Number(stopped.numUpdatedRows) },
        });
      return;
    }
    const batch = await this.db
      .selectFrom('actions')
      .select(['status'])
      .where('rollout_id', '=', rollout)
      .where('batch', '=', action.batch!)
      .execute();
    if (!batch.every((a) => a.status === 'succeeded')) return;
    const next = action.batch! + 1;
    const held = await this.db
      .selectFrom('actions')
      .select('agent_id')
      .where('rollout_id', '=', rollout)
      .where('batch', '=', next)
      .where('status', '=', HELD)
      .execute();
    if (held.length === 0) return;
    await this.db
      .updateTable('actions')
      .set({ status: 'queued', created_at: now, not_after: plus(this.now(), START_WINDOW_SECONDS) })
      .where('rollout_id', '=', rollout)
      .where('batch', '=', next)
      .where('status', '=', HELD)
      .execute();
    for (const agentId of new Set(held.map((r) => r.agent_id))) await this.wake(agentId);
  }

  async start(agent: AgentRow, actionId: string, startedAt: string): Promise<void> {
    await this.ownAction(agent, actionId);
    await this.db
      .updateTable('actions')
      .set({ status: 'running', started_at: startedAt })
      .where('id', '=', actionId)
      .where('status', 'in', ['assigned', 'queued'])
      .execute();
  }

  async output(
    agent: AgentRow,
    actionId: string,
    chunk: { seq: number; offset: number; stream: string },
    data: Buffer,
  ): Promise<{ seq: number; duplicate: boolean }> {
    await this.ownAction(agent, actionId);
    const encoded = data.toString('base64');
    const existing = await this.db
      .selectFrom('action_output')
      .select(['data', 'offset', 'stream'])
      .where('action_id', '=', actionId)
      .where('seq', '=', chunk.seq)
      .executeTakeFirst();
    if (existing) {
      if (existing.data !== encoded || existing.offset !== chunk.offset || existing.stream !== chunk.stream) {
        throw new ApiError(
          409,
          'AGENT_CHUNK_CONFLICT',
          `chunk ${chunk.seq} was already received with other bytes`,
        );
      }
      return { seq: chunk.seq, duplicate: true };
    }
    try {
      await this.db
        .insertInto('action_output')
        .values({
          action_id: actionId,
          seq: chunk.seq,
          stream: chunk.stream,
          offset: chunk.offset,
          data: encoded,
        })
        .execute();
    } catch {
      // A concurrent retry of the same chunk won the insert.
      return { seq: chunk.seq, duplicate: true };
    }
    return { seq: chunk.seq, duplicate: false };
  }

  async renew(agent: AgentRow, actionId: string): Promise<{ leaseExpiresAt: string; cancel: boolean }> {
    const action = await this.ownAction(agent, actionId);
    const leaseExpiresAt = plus(this.now(), this.hints.leaseSeconds);
    if (!TERMINAL_STATUSES.includes(action.status)) {
      await this.db
        .updateTable('actions')
        .set({
          lease_expires_at: leaseExpiresAt,
          status: action.status === 'queued' ? 'assigned' : action.status,
        })
        .where('id', '=', actionId)
        .execute();
    }
    return { leaseExpiresAt, cancel: action.cancel_requested === 1 };
  }

  async finish(agent: AgentRow, actionId: string, body: FinishRequest): Promise<{ duplicate: boolean }> {
    const action = await this.ownAction(agent, actionId);
    if (body.record.actionId !== actionId) {
      throw new ApiError(400, 'AGENT_FINISH_MISMATCH', 'the finish record names another action');
    }
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: agent.public_key }, format: 'jwk' });
    const canonical = canonicalize(body.record);
    if (!verify(null, Buffer.from(canonical), key, Buffer.from(body.agentSignature, 'base64url'))) {
      throw new ApiError(
        400,
        'AGENT_FINISH_SIGNATURE',
        'the agent signature of the finish record does not verify',
      );
    }
    const stored = canonicalize(body);
    if (action.finish !== null) {
      if (action.finish === stored) return { duplicate: true };
      await this.audit.record({
        accountId: action.account_id,
        actor: `agent:${agent.id}`,
        action: 'action.finish.conflict',
        target: actionId,
        details: { first: json(action.finish), second: body },
      });
      throw new ApiError(409, 'AGENT_FINISH_CONFLICT', 'this action already has a different finish record');
    }
    const r = body.record;
    const result = await this.db
      .updateTable('actions')
      .set({
        status: r.status,
        exit_code: r.exitCode,
        signal: r.signal,
        reason: r.reason,
        started_at: r.startedAt ?? action.started_at,
        finished_at: r.finishedAt,
        output_bytes: r.outputBytes,
        truncated: r.truncated ? 1 : 0,
        finish: stored,
        lease_expires_at: null,
      })
      .where('id', '=', actionId)
      .where('finish', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return this.finish(agent, actionId, body);
    await this.audit.record({
      accountId: action.account_id,
      actor: `agent:${agent.id}`,
      action: 'action.finish',
      target: actionId,
      details: { status: r.status, exitCode: r.exitCode, truncated: r.truncated },
    });
    // A refusal already settled the action at its ack; its finish record only completes the row. A finish that
    // arrives after a duplicate answer (the agent's spool was behind) settles it now.
    if (!TERMINAL_STATUSES.includes(action.status) || action.reason === DUPLICATE_REASON)
      await this.settled({ ...action, status: r.status }, r.status);
    return { duplicate: false };
  }

  async seen(agent: AgentRow, running?: string[]): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({
        last_seen_at: iso(this.now()),
        status: 'active',
        ...(running ? { running: JSON.stringify(running) } : {}),
      })
      .where('id', '=', agent.id)
      .execute();
  }

  async disconnect(agent: AgentRow): Promise<void> {
    await this.db
      .updateTable('agents')
      .set({ status: 'offline', running: '[]' })
      .where('id', '=', agent.id)
      .execute();
  }

  // -------------------------------------------------------------------------------------------------------------
  // The user side: hosts and actions

  toHost(agent: AgentRow): Host {
    const facts = json<EnrollRequest['host']>(agent.facts);
    const lostBefore = this.now().getTime() - this.hints.lostAfterSeconds * 1000;
    const fresh = agent.last_seen_at !== null && Date.parse(agent.last_seen_at) >= lostBefore;
    const status: Host['status'] =
      agent.status === 'revoked'
        ? 'revoked'
        : agent.status === 'offline'
          ? 'offline'
          : !fresh
            ? 'lost'
            : agent.draining
              ? 'draining'
              : 'online';
    return {
      id: agent.id,
      hostname: agent.hostname,
      status,
      lastSeenAt: agent.last_seen_at,
      enrolledAt: agent.enrolled_at,
      version: agent.version,
      os: facts.os,
      arch: facts.arch,
      ips: facts.ips,
      tags: json<string[]>(agent.tags),
      allowUnsigned: agent.allow_unsigned === 1,
      running: status === 'online' || status === 'draining' ? json<string[]>(agent.running) : [],
    };
  }

  async hosts(accountId: string): Promise<Host[]> {
    const rows = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('hostname')
      .orderBy('enrolled_at')
      .execute();
    return rows.map((r) => this.toHost(r));
  }

  /** The tags of the newest enrollment of a host name (for maintenance windows by tag); none when unknown. */
  async tagsOf(accountId: string, hostname: string): Promise<string[]> {
    const row = await this.db
      .selectFrom('agents')
      .select('tags')
      .where('account_id', '=', accountId)
      .where('hostname', '=', hostname)
      .where('status', '!=', 'revoked')
      .orderBy('enrolled_at', 'desc')
      .executeTakeFirst();
    return row ? json<string[]>(row.tags) : [];
  }

  /** Which of these host names are enrolled (and not revoked). */
  async enrolledNames(accountId: string, names: string[]): Promise<Set<string>> {
    if (names.length === 0) return new Set();
    const rows = await this.db
      .selectFrom('agents')
      .select('hostname')
      .where('account_id', '=', accountId)
      .where('hostname', 'in', names)
      .where('status', '!=', 'revoked')
      .execute();
    return new Set(rows.map((r) => r.hostname));
  }

  /** The names of the enrolled (not revoked) hosts carrying any of the tags, sorted (for rules that target tags). */
  async taggedHosts(accountId: string, tags: string[]): Promise<string[]> {
    const rows = await this.db
      .selectFrom('agents')
      .select(['hostname', 'tags'])
      .where('account_id', '=', accountId)
      .where('status', '!=', 'revoked')
      .execute();
    const names = rows
      .filter((r) => json<string[]>(r.tags).some((t) => tags.includes(t)))
      .map((r) => r.hostname);
    return [...new Set(names)].sort();
  }

  async host(accountId: string, idOrName: string): Promise<Host> {
    const rows = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('hostname', '=', idOrName)]))
      .orderBy('enrolled_at', 'desc')
      .execute();
    const row = rows[0];
    if (!row) throw new ApiError(404, 'HOSTS_NOT_FOUND', 'no such host');
    return this.toHost(row);
  }

  async createRun(
    accountId: string,
    actor: string,
    body: CreateRunRequest,
    options: RunOptions = {},
  ): Promise<Action[]> {
    // Only the named hosts' rows unless tags are asked for: an alert's run must not read a whole fleet.
    let query = this.db.selectFrom('agents').selectAll().where('account_id', '=', accountId);
    if (body.tags.length === 0)
      query = query.where((eb) => eb.or([eb('hostname', 'in', body.hosts), eb('id', 'in', body.hosts)]));
    const agents = body.hosts.length === 0 && body.tags.length === 0 ? [] : await query.execute();
    const wanted = new Set(body.hosts);
    const targets = agents.filter(
      (a) =>
        a.status !== 'revoked' &&
        (wanted.has(a.hostname) ||
          wanted.has(a.id) ||
          json<string[]>(a.tags).some((t) => body.tags.includes(t))),
    );
    const missing = body.hosts.filter((h) => !agents.some((a) => a.hostname === h || a.id === h));
    if (missing.length > 0)
      throw new ApiError(404, 'RUN_HOST_NOT_FOUND', `no such host: ${missing.join(', ')}`);
    if (targets.length === 0) {
      throw new ApiError(400, 'RUN_NO_HOSTS', 'no enrolled host matches the given hosts and tags');
    }
    // One host enrolled twice under one name: the newest enrollment only.
    const byName = new Map<string, AgentRow>();
    for (const a of targets) {
      const seen = byName.get(a.hostname);
      if (!seen || seen.enrolled_at < a.enrolled_at || wanted.has(a.id)) byName.set(a.hostname, a);
    }
    const now = this.now();
    const chosen = [...byName.values()].sort((a, b) => a.hostname.localeCompare(b.hostname));
    const rolling = options.batchSize !== undefined && options.batchSize < chosen.length;
    const rollout = rolling ? randomUUID() : null;
    const rows: ActionRow[] = chosen.map((agent, i) => ({
      id: randomUUID(),
      account_id: accountId,
      agent_id: agent.id,
      runbook_name: body.runbook.name,
      script: body.runbook.script,
      signature: body.runbook.signature,
      params: JSON.stringify(body.params),
      timeout_seconds: body.timeoutSeconds,
      kill_grace_seconds: body.killGraceSeconds ?? DEFAULT_KILL_GRACE_SECONDS,
      status: rolling && i >= options.batchSize! ? HELD : 'queued',
      created_by: actor,
      created_at: iso(now),
      not_after: plus(now, START_WINDOW_SECONDS),
      assigned_at: null,
      started_at: null,
      finished_at: null,
      lease_expires_at: null,
      deliveries: 0,
      cancel_requested: 0,
      token_hash: null,
      exit_code: null,
      signal: null,
      reason: null,
      output_bytes: 0,
      truncated: 0,
      finish: null,
      decision_id: options.decisionFor?.(agent.hostname) ?? null,
      run_as: options.runAs ?? null,
      rollout_id: rollout,
      batch: rolling ? Math.floor(i / options.batchSize!) : null,
    }));
    await this.db.insertInto('actions').values(rows).execute();
    await this.audit.record({
      accountId,
      actor,
      action: 'run.create',
      target: body.runbook.name,
      details: {
        actions: rows.map((r) => r.id),
        hosts: chosen.map((a) => a.hostname),
        signed: body.runbook.signature !== null,
        ...(rollout ? { rollout, batchSize: options.batchSize } : {}),
      },
    });
    for (const r of rows) if (r.status === 'queued') await this.wake(r.agent_id);
    const names = new Map(agents.map((a) => [a.id, a.hostname]));
    return rows.map((r) => this.toAction(r, names.get(r.agent_id) ?? r.agent_id));
  }

  toAction(row: ActionRow, host: string): Action {
    return {
      id: row.id,
      hostId: row.agent_id,
      host,
      runbook: row.runbook_name,
      status: (row.status === HELD ? 'queued' : row.status) as Action['status'],
      exitCode: row.exit_code,
      signal: row.signal,
      reason: row.reason,
      truncated: row.truncated === 1,
      outputBytes: row.output_bytes,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      createdBy: row.created_by,
      cancelRequested: row.cancel_requested === 1,
    };
  }

  private actionQuery(accountId: string) {
    return this.db
      .selectFrom('actions')
      .innerJoin('agents', 'agents.id', 'actions.agent_id')
      .selectAll('actions')
      .select('agents.hostname as hostname')
      .where('actions.account_id', '=', accountId);
  }

  async actions(accountId: string, limit = 100): Promise<Action[]> {
    const rows = await this.actionQuery(accountId)
      .orderBy('actions.created_at', 'desc')
      .orderBy('actions.id')
      .limit(limit)
      .execute();
    return rows.map((r) => this.toAction(r, r.hostname));
  }

  async action(accountId: string, id: string): Promise<Action> {
    const row = await this.actionQuery(accountId).where('actions.id', '=', id).executeTakeFirst();
    if (!row) throw new ApiError(404, 'ACTIONS_NOT_FOUND', 'no such action');
    return this.toAction(row, row.hostname);
  }

  async actionOutput(accountId: string, id: string, after: number) {
    const action = await this.action(accountId, id);
    const chunks = await this.db
      .selectFrom('action_output')
      .select(['seq', 'stream', 'offset', 'data'])
      .where('action_id', '=', id)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(200)
      .execute();
    return {
      chunks,
      status: action.status,
      finished: action.finishedAt !== null && TERMINAL_STATUSES.includes(action.status),
    };
  }

  /**
   * Revokes a host (by id: that enrollment; by name: every enrollment of the name): its key gets no more access
   * tokens, its tokens stop working at once (user API and per-action tokens), it is never a target again, and its
   * unfinished actions are cancelled (`host revoked`), which stops a rollout it was part of. Audited per agent.
   */
  async revokeHost(accountId: string, actor: string, idOrName: string): Promise<Host[]> {
    const agents = await this.db
      .selectFrom('agents')
      .selectAll()
      .where('account_id', '=', accountId)
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('hostname', '=', idOrName)]))
      .execute();
    const byId = agents.filter((a) => a.id === idOrName);
    const chosen = byId.length > 0 ? byId : agents;
    if (chosen.length === 0) throw new ApiError(404, 'HOSTS_NOT_FOUND', 'no such host');
    const now = iso(this.now());
    for (const agent of chosen) {
      if (agent.status === 'revoked') continue;
      const reason = 'host revoked';
      const open = await this.store.transaction(async (trx) => {
        const db = trx.db as unknown as Kysely<DispatchDatabase>;
        await db
          .updateTable('agents')
          .set({ status: 'revoked', running: '[]' })
          .where('id', '=', agent.id)
          .execute();
        await db.deleteFrom('agent_tokens').where('agent_id', '=', agent.id).execute();
        const rows = await db
          .selectFrom('actions')
          .selectAll()
          .where('agent_id', '=', agent.id)
          .where('status', 'not in', TERMINAL_STATUSES)
          .execute();
        if (rows.length === 0) return rows;
        const ids = rows.map((a) => a.id);
        await db
          .updateTable('actions')
          .set({ status: 'cancelled', reason, finished_at: now, lease_expires_at: null, cancel_requested: 1 })
          .where('id', 'in', ids)
          .execute();
        // The host may still be running some: its parked poll delivers the cancels before it ends.
        const started = rows.filter((a) => a.deliveries > 0);
        if (started.length > 0)
          await db
            .insertInto('agent_messages')
            .values(
              started.map((a) => ({ agent_id: agent.id, type: 'cancel', action_id: a.id, created_at: now })),
            )
            .execute();
        return rows;
      });
      await this.audit.record({
        accountId,
        actor,
        action: 'hosts.revoke',
        target: agent.id,
        details: { hostname: agent.hostname, cancelled: open.map((a) => a.id) },
      });
      for (const action of open)
        await this.settled({ ...action, status: 'cancelled', reason, finished_at: now }, 'cancelled');
      // A parked poll of the agent ends now, and its next request is refused.
      await this.wake(agent.id);
    }
    const rows = await this.db
      .selectFrom('agents')
      .selectAll()
      .where(
        'id',
        'in',
        chosen.map((a) => a.id),
      )
      .execute();
    return rows.map((r) => this.toHost(r));
  }

  async cancel(accountId: string, actor: string, id: string): Promise<Action> {
    const action = await this.action(accountId, id);
    if (TERMINAL_STATUSES.includes(action.status)) return action;
    const now = iso(this.now());
    const queued = await this.db
      .updateTable('actions')
      .set({
        status: 'cancelled',
        reason: 'cancelled before it started',
        finished_at: now,
        cancel_requested: 1,
      })
      .where('id', '=', id)
      .where('status', 'in', ['queued', HELD])
      .where('deliveries', '=', 0)
      .executeTakeFirst();
    if (Number(queued.numUpdatedRows) === 0) {
      await this.db.updateTable('actions').set({ cancel_requested: 1 }).where('id', '=', id).execute();
      await this.db
        .insertInto('agent_messages')
        .values({ agent_id: action.hostId, type: 'cancel', action_id: id, created_at: now })
        .execute();
      await this.wake(action.hostId);
    }
    await this.audit.record({ accountId, actor, action: 'action.cancel', target: id });
    return this.action(accountId, id);
  }

  tokenAudience(host: string): string {
    return `https://${host}${AGENT_API_PREFIX}/token`;
  }
}

/** One Dispatch per store (the handlers of the user API reach it through their context's store). */
const instances = new WeakMap<Store, Dispatch>();

export function registerDispatch(dispatch: Dispatch): void {
  instances.set(dispatch.store, dispatch);
}

export function dispatchOf(store: Store): Dispatch {
  const d = instances.get(store);
  if (!d) throw new Error('the dispatch service was not set up for this store');
  return d;
}

/**
 * PostgreSQL: one dedicated connection LISTENs on WAKE_CHANNEL and wakes this process's parked polls, so a run
 * created on one replica reaches a poll parked on another in milliseconds (the one-second re-check stays as the
 * fallback while this connection is down). Returns a function that closes it.
 */
export async function listenForWakeUps(
  databaseUrl: string,
  dispatch: Dispatch,
  onError: (error: Error) => void = () => {},
): Promise<() => Promise<void>> {
  const pg = await import('pg');
  const Client = pg.default?.Client ?? pg.Client;
  let client: InstanceType<typeof Client> | undefined;
  let closed = false;
  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new Client({ connectionString: databaseUrl });
    c.on('notification', (message) => {
      if (message.channel === WAKE_CHANNEL && message.payload) dispatch.notifier.notify(message.payload);
    });
    c.on('error', (error) => {
      onError(error);
      c.end().catch(() => {});
      if (client === c) client = undefined;
      dispatch.wakeUpsReliable = false;
      setTimeout(() => void connect().catch(onError), 1000).unref();
    });
    await c.connect();
    await c.query(`LISTEN ${WAKE_CHANNEL}`);
    client = c;
    // Polls parked while the connection was down may have missed a NOTIFY: they check again now.
    if (!dispatch.wakeUpsReliable) dispatch.notifier.wakeAll();
    dispatch.wakeUpsReliable = true;
  };
  await connect();
  return async () => {
    closed = true;
    dispatch.wakeUpsReliable = false;
    await client?.end().catch(() => {});
  };
}
