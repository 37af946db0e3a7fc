/**
 * The server's audit: every AuditSink entry (keys, users, logins, alerts, rule decisions, maintenance) becomes a
 * row of the account's hash chain (src/audit), with signed checkpoints every 1,000 rows or hour made with the
 * server's audit key (`audit.key` in the data directory, 0600; its public half in `audit.jwks`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AuditChain, type AuditStore, type CheckpointPolicy, exportJsonl } from '../audit/chain';
import type { Checkpoint } from '../audit/checkpoint';
import type { AuditRow } from '../audit/row';
import { PRIVATE_FILE, writeFileAtomic } from '../core/fs';
import { generateSigningKey, type Jwks, parsePrivateKey, type SigningKey } from '../runbook/signing/keys';
import type { AuditEntry, AuditSink } from './context';
import type { RemedStore } from './store/remed-store';
import type { Store } from './store/store';

export const AUDIT_KEY_FILE = 'audit.key';
export const AUDIT_JWKS_FILE = 'audit.jwks';

/** Loads the data directory's audit key, making it on first use. */
export async function loadAuditKey(dataDir: string): Promise<{ signer: SigningKey; jwks: Jwks }> {
  const keyFile = path.join(dataDir, AUDIT_KEY_FILE);
  let pem: string;
  try {
    pem = await readFile(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const made = generateSigningKey();
    await writeFileAtomic(keyFile, made.privatePem, { mode: PRIVATE_FILE });
    await writeFileAtomic(path.join(dataDir, AUDIT_JWKS_FILE), `${JSON.stringify(made.jwks, null, 2)}\n`);
    pem = made.privatePem;
  }
  const signer = parsePrivateKey(pem, keyFile);
  return { signer, jwks: { keys: [signer.publicJwk] } };
}

const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return e.code === '23505' || /UNIQUE constraint/i.test(e.message ?? '');
};

/**
 * The chain's store with each account's head row remembered in this process: an append then costs one read
 * (the last checkpoint) and an insert instead of two reads and an insert. Another replica's append makes the next insert here fail
 * on (account, seq); the failure forgets the account's heads, and the retry reads them from the database.
 */
class HeadCache implements AuditStore {
  private readonly rows = new Map<string, AuditRow | null>();

  constructor(private readonly store: RemedStore) {}

  async lastRow(account: string): Promise<AuditRow | null> {
    if (this.rows.has(account)) return this.rows.get(account) ?? null;
    const row = await this.store.lastRow(account);
    this.rows.set(account, row);
    return row;
  }

  /** Not cached: a checkpoint another replica made must be the `prev` of the next one signed here. */
  lastCheckpoint(account: string): Promise<Checkpoint | null> {
    return this.store.lastCheckpoint(account);
  }

  async insertRow(row: AuditRow): Promise<void> {
    try {
      await this.store.insertRow(row);
      this.rows.set(row.account, row);
    } catch (error) {
      this.forget(row.account);
      throw error;
    }
  }

  insertCheckpoint(cp: Checkpoint): Promise<void> {
    return this.store.insertCheckpoint(cp);
  }

  forget(account: string): void {
    this.rows.delete(account);
  }
}

export class AuditService implements AuditSink {
  readonly chain: AuditChain;
  private readonly heads: HeadCache;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RemedStore,
    private readonly legacy: Store,
    private readonly now: () => Date,
    readonly signer?: SigningKey,
    checkpoints?: CheckpointPolicy,
  ) {
    this.heads = new HeadCache(store);
    this.chain = new AuditChain({ store: this.heads, now, signer, ...(checkpoints ? { checkpoints } : {}) });
  }

  get jwks(): Jwks {
    return { keys: this.signer ? [this.signer.publicJwk] : [] };
  }

  /** Appends a chained row; another replica appending the same seq first makes this one retry on the new head. */
  async record(entry: AuditEntry): Promise<void> {
    const chained = {
      account: entry.accountId,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.chain.append({ ...chained, ...(entry.details ? { details: entry.details } : {}) });
        break;
      } catch (error) {
        this.heads.forget(entry.accountId);
        if (!isUniqueViolation(error) || attempt >= 20) throw error;
      }
    }
    // The original append-only table stays written (the user API's tests and tools read it).
    await this.legacy.appendAudit({ ...entry, at: this.now().toISOString() });
  }

  /** Every account's checkpoint if due (the hourly rule): run by a timer. */
  async checkpointDue(): Promise<void> {
    for (const account of await this.store.auditAccounts()) {
      this.heads.forget(account);
      await this.chain.checkpointIfDue(account).catch(() => {});
    }
  }

  startTimer(everyMs = 60_000): void {
    this.timer = setInterval(() => void this.checkpointDue(), everyMs);
    this.timer.unref();
  }

  stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The account's export (JSON lines), with a checkpoint of the current head first. */
  async exportAccount(account: string): Promise<string> {
    this.heads.forget(account);
    await this.chain.checkpointNow(account).catch((error) => {
      if (!isUniqueViolation(error)) throw error;
    });
    const rows = await this.store.auditRows(account);
    return exportJsonl(rows, await this.store.checkpoints(account));
  }
}
