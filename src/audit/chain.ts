/**
 * The append-only audit chain over a pluggable store. The server keeps rows in its database through an
 * AuditStore; tests and tools use MemoryAuditStore. Appends to one account are serialised in this process; across
 * processes the store's unique (account, seq) key makes a concurrent append fail instead of forking the chain
 * (the caller retries inside its transaction).
 *
 * A checkpoint is signed after an account's first row, then whenever 1,000 rows or an hour have passed since the
 * last one (checked on append, and by checkpointIfDue for a timer), and on demand (e.g. at export).
 */
import type { SigningKey } from '../runbook/signing/keys';
import { type Checkpoint, checkpointHash, GENESIS, signCheckpoint } from './checkpoint';
import { type AuditEntry, type AuditRow, rowHash } from './row';

export interface AuditStore {
  /** the account's last row (highest seq), or null */
  lastRow(account: string): Promise<AuditRow | null>;
  lastCheckpoint(account: string): Promise<Checkpoint | null>;
  /** stores a row; must throw if (account, seq) already exists */
  insertRow(row: AuditRow): Promise<void>;
  insertCheckpoint(checkpoint: Checkpoint): Promise<void>;
}

export interface CheckpointPolicy {
  rows: number;
  seconds: number;
}

export const DEFAULT_CHECKPOINTS: CheckpointPolicy = { rows: 1000, seconds: 3600 };

export interface AuditChainOptions {
  store: AuditStore;
  now: () => Date;
  /** the server's audit key; without one no checkpoints are made */
  signer?: SigningKey;
  checkpoints?: CheckpointPolicy;
}

export interface Appended {
  row: AuditRow;
  checkpoint: Checkpoint | null;
}

export class AuditChain {
  private readonly store: AuditStore;
  private readonly now: () => Date;
  private readonly signer: SigningKey | undefined;
  private readonly policy: CheckpointPolicy;
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: AuditChainOptions) {
    this.store = options.store;
    this.now = options.now;
    this.signer = options.signer;
    this.policy = options.checkpoints ?? DEFAULT_CHECKPOINTS;
  }

  /** Runs `fn` after every earlier operation on the same account. */
  private serial<T>(account: string, fn: () => Promise<T>): Promise<T> {
    const before = this.queues.get(account) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.catch(() => undefined);
    this.queues.set(account, settled);
    void settled.then(() => {
      if (this.queues.get(account) === settled) this.queues.delete(account);
    });
    return run;
  }

  append(entry: AuditEntry): Promise<Appended> {
    return this.serial(entry.account, async () => {
      const last = await this.store.lastRow(entry.account);
      const unhashed = {
        account: entry.account,
        seq: (last?.seq ?? 0) + 1,
        at: this.now().toISOString(),
        actor: entry.actor,
        action: entry.action,
        target: entry.target,
        // a copy through JSON: what is hashed is exactly what a JSON store gives back
        details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
        prevHash: last?.hash ?? GENESIS,
      };
      const row: AuditRow = { ...unhashed, hash: rowHash(unhashed) };
      await this.store.insertRow(row);
      const checkpoint = (await this.due(row)) ? await this.sign(row) : null;
      return { row, checkpoint };
    });
  }

  private async due(head: AuditRow): Promise<boolean> {
    if (!this.signer) return false;
    const last = await this.store.lastCheckpoint(head.account);
    if (!last) return true;
    if (last.seq >= head.seq) return false;
    if (head.seq - last.seq >= this.policy.rows) return true;
    return this.now().getTime() - Date.parse(last.at) >= this.policy.seconds * 1000;
  }

  private async sign(head: AuditRow): Promise<Checkpoint> {
    if (!this.signer) throw new Error('no audit signing key');
    const last = await this.store.lastCheckpoint(head.account);
    const checkpoint = signCheckpoint(
      {
        account: head.account,
        seq: head.seq,
        head: head.hash,
        at: this.now().toISOString(),
        prev: last ? checkpointHash(last) : GENESIS,
      },
      this.signer,
    );
    await this.store.insertCheckpoint(checkpoint);
    return checkpoint;
  }

  /** A checkpoint now if the hour (or row count) has passed and rows are uncovered: for the server's timer. */
  checkpointIfDue(account: string): Promise<Checkpoint | null> {
    return this.serial(account, async () => {
      const head = await this.store.lastRow(account);
      return head && (await this.due(head)) ? this.sign(head) : null;
    });
  }

  /** A checkpoint of the current head unless one covers it already (e.g. before an export). */
  checkpointNow(account: string): Promise<Checkpoint | null> {
    return this.serial(account, async () => {
      const head = await this.store.lastRow(account);
      if (!head || !this.signer) return null;
      const last = await this.store.lastCheckpoint(account);
      return last && last.seq >= head.seq ? last : this.sign(head);
    });
  }
}

/** Rows and checkpoints in memory, in order: for tests, tools and the benchmark. */
export class MemoryAuditStore implements AuditStore {
  readonly rows = new Map<string, AuditRow[]>();
  readonly checkpoints = new Map<string, Checkpoint[]>();
  private readonly seqs = new Map<string, Set<number>>();

  async lastRow(account: string): Promise<AuditRow | null> {
    return this.rows.get(account)?.at(-1) ?? null;
  }

  async lastCheckpoint(account: string): Promise<Checkpoint | null> {
    return this.checkpoints.get(account)?.at(-1) ?? null;
  }

  async insertRow(row: AuditRow): Promise<void> {
    const seqs = this.seqs.get(row.account) ?? new Set<number>();
    if (seqs.has(row.seq)) throw new Error(`audit row ${row.account}#${row.seq} exists`);
    seqs.add(row.seq);
    this.seqs.set(row.account, seqs);
    const list = this.rows.get(row.account) ?? [];
    list.push(row);
    this.rows.set(row.account, list);
  }

  async insertCheckpoint(checkpoint: Checkpoint): Promise<void> {
    const list = this.checkpoints.get(checkpoint.account) ?? [];
    list.push(checkpoint);
    this.checkpoints.set(checkpoint.account, list);
  }

  /** Every account's rows and checkpoints as an export (JSON lines). */
  exportJsonl(): string {
    const accounts = [...new Set([...this.rows.keys(), ...this.checkpoints.keys()])].sort();
    return accounts.map((a) => exportJsonl(this.rows.get(a) ?? [], this.checkpoints.get(a) ?? [])).join('');
  }
}

/**
 * The export format (JSON lines): one `{"kind":"row",…}` per row in seq order, each checkpoint right after the
 * row it covers as `{"kind":"checkpoint",…}`. Accounts may follow each other or interleave.
 */
export function exportJsonl(rows: readonly AuditRow[], checkpoints: readonly Checkpoint[]): string {
  const bySeq = new Map<number, Checkpoint[]>();
  for (const cp of checkpoints) bySeq.set(cp.seq, [...(bySeq.get(cp.seq) ?? []), cp]);
  const out: string[] = [];
  for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
    out.push(JSON.stringify({ kind: 'row', ...row }));
    for (const cp of bySeq.get(row.seq) ?? []) out.push(JSON.stringify({ kind: 'checkpoint', ...cp }));
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
}
