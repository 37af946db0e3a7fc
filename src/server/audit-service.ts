/**
 * The server's audit: every AuditSink entry (keys, users, logins, alerts, rule decisions, maintenance) becomes a
 * row of the account's hash chain (src/audit), with signed checkpoints every 1,000 rows or hour made with the
 * server's audit key (`audit.key` in the data directory, 0600; its public half in `audit.jwks`).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { AuditChain, type CheckpointPolicy, exportJsonl } from '../audit/chain';
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

export class AuditService implements AuditSink {
  readonly chain: AuditChain;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RemedStore,
    private readonly legacy: Store,
    private readonly now: () => Date,
    readonly signer?: SigningKey,
    checkpoints?: CheckpointPolicy,
  ) {
    this.chain = new AuditChain({ store, now, signer, ...(checkpoints ? { checkpoints } : {}) });
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
        if (!isUniqueViolation(error) || attempt >= 20) throw error;
      }
    }
    // The original append-only table stays written (the user API's tests and tools read it).
    await this.legacy.appendAudit({ ...entry, at: this.now().toISOString() });
  }

  /** Every account's checkpoint if due (the hourly rule): run by a timer. */
  async checkpointDue(): Promise<void> {
    for (const account of await this.store.auditAccounts()) {
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
    await this.chain.checkpointNow(account).catch((error) => {
      if (!isUniqueViolation(error)) throw error;
    });
    const rows = await this.store.auditRows(account);
    return exportJsonl(rows, await this.store.checkpoints(account));
  }
}
