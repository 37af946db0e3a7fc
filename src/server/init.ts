/**
 * `server init`: prepares a data directory (config, master key, TLS), applies the schema migrations, and creates an
 * account with its first admin and that admin's API key. Run again on the same directory (or PostgreSQL), it only
 * applies new migrations, keeps the existing TLS files and key, and adds another account.
 */
import { randomUUID } from 'node:crypto';
import { access, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { configError, inputMissing, usageError } from '../core/errors';
import { PRIVATE_FILE, writeFileAtomic } from '../core/fs';
import { createCertificateAuthority, fingerprintOf, issueServerCertificate } from '../core/x509';
import { readServerConfig, resolveIn, type ServerConfig, writeServerConfig } from './datadir';
import { issueKey } from './keys';
import { normalizeEmail } from './routes/users';
import { MASTER_KEY_FILE, newMasterKey } from './sealing';
import { openDatabase, parseTarget } from './store/db';
import { migrateToLatest } from './store/schema-version';
import { Store } from './store/store';

export const DEFAULT_HOSTNAMES = ['localhost', '127.0.0.1', '::1'];
const HANDLE = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface InitOptions {
  dataDir: string;
  databaseUrl?: string;
  account: string;
  adminEmail: string;
  hostnames?: string[];
  tlsCert?: string;
  tlsKey?: string;
  now?: Date;
  env?: NodeJS.ProcessEnv;
}

export interface InitResult {
  apiKey: string;
  caFile: string | null;
  caFingerprint: string | null;
  accountId: string;
  migrationsApplied: string[];
  engine: 'sqlite' | 'postgres';
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false,
  );
}

async function tlsSetup(
  options: InitOptions,
  previous: ServerConfig | undefined,
  now: Date,
): Promise<ServerConfig['tls']> {
  if (options.tlsCert || options.tlsKey) {
    if (!options.tlsCert || !options.tlsKey) {
      throw usageError('SERVER_TLS_PAIR', '--tls-cert and --tls-key go together', {
        hint: 'give both, or neither to let init make a private CA',
      });
    }
    for (const file of [options.tlsCert, options.tlsKey]) {
      if (!(await exists(file))) throw inputMissing('SERVER_TLS_FILE', `${file}: no such file`);
    }
    return { cert: path.resolve(options.tlsCert), key: path.resolve(options.tlsKey) };
  }
  if (previous && (await exists(resolveIn(options.dataDir, previous.tls.cert)))) return previous.tls;
  const hostnames = options.hostnames?.length ? options.hostnames : DEFAULT_HOSTNAMES;
  const ca = await createCertificateAuthority(`neptune private CA (${options.account})`, { now });
  const leaf = await issueServerCertificate(ca, hostnames, { now });
  const dir = path.join(options.dataDir, 'tls');
  await writeFileAtomic(path.join(dir, 'ca.pem'), ca.certPem, { mode: 0o644, dirMode: 0o700 });
  await writeFileAtomic(path.join(dir, 'ca.key'), ca.keyPem, { mode: PRIVATE_FILE });
  await writeFileAtomic(path.join(dir, 'server.pem'), leaf.chainPem, { mode: 0o644, dirMode: 0o700 });
  await writeFileAtomic(path.join(dir, 'server.key'), leaf.keyPem, { mode: PRIVATE_FILE });
  return { cert: 'tls/server.pem', key: 'tls/server.key', ca: 'tls/ca.pem' };
}

export async function initServer(options: InitOptions): Promise<InitResult> {
  const now = options.now ?? new Date();
  const env = options.env ?? process.env;
  if (!HANDLE.test(options.account)) {
    throw usageError('SERVER_BAD_HANDLE', `invalid account handle ${JSON.stringify(options.account)}`, {
      hint: 'use 1 to 40 lower-case letters, digits and dashes, starting and ending with a letter or digit',
    });
  }
  const email = normalizeEmail(options.adminEmail);
  if (!EMAIL.test(email) || email.length > 254) {
    throw usageError('SERVER_BAD_EMAIL', `invalid e-mail address ${JSON.stringify(options.adminEmail)}`);
  }
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const previous = await readServerConfig(dataDir);
  const databaseUrl = options.databaseUrl ?? previous?.databaseUrl;
  const target = parseTarget(databaseUrl, dataDir);

  const masterKey = path.join(dataDir, MASTER_KEY_FILE);
  if (!env.NEPTUNE_MASTER_KEY && !(await exists(masterKey))) {
    await writeFileAtomic(masterKey, newMasterKey(), { mode: PRIVATE_FILE });
  }
  const tls = await tlsSetup({ ...options, dataDir }, previous, now);

  const opened = await openDatabase(target);
  try {
    const migrationsApplied = await migrateToLatest(opened.db as never, opened.engine);
    const store = new Store(opened.db);
    const accountId = randomUUID();
    const created = await store.transaction(async (trx) => {
      if (await trx.accountByHandle(options.account)) {
        throw configError('SERVER_ACCOUNT_EXISTS', `the account ${options.account} already exists`, {
          hint: 'choose another --account; manage the existing one with neptune users and neptune apikeys',
        });
      }
      await trx.createAccount(accountId, options.account, now.toISOString());
      const userId = randomUUID();
      await trx.insertUser({
        id: userId,
        account_id: accountId,
        email,
        role: 'admin',
        status: 'active',
        invite_hash: null,
        invite_expires_at: null,
        created_at: now.toISOString(),
      });
      return issueKey(trx, {
        accountId,
        userId,
        userEmail: email,
        name: 'init',
        scopes: ['admin'],
        origin: 'init',
        now,
      });
    });
    await store.appendAudit({
      accountId,
      at: now.toISOString(),
      actor: email,
      action: 'account.create',
      target: options.account,
    });
    await writeServerConfig(dataDir, {
      version: 1,
      ...(databaseUrl ? { databaseUrl } : {}),
      tls,
      hostnames: options.hostnames?.length ? options.hostnames : (previous?.hostnames ?? DEFAULT_HOSTNAMES),
    });
    const caFile = tls.ca ? resolveIn(dataDir, tls.ca) : null;
    return {
      apiKey: created.secret,
      caFile,
      caFingerprint: caFile ? fingerprintOf(await readFile(caFile, 'utf8')) : null,
      accountId,
      migrationsApplied,
      engine: opened.engine,
    };
  } finally {
    await opened.close();
  }
}
