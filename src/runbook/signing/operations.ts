/**
 * What `neptune runbook keygen | sign | verify` do, as plain functions over files and a clock. The commands only
 * parse flags and render the results.
 */
import { access, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { configError, dataError, fromFsError, usageError } from '../../core/errors';
import { PRIVATE_FILE, writeFileAtomic } from '../../core/fs';
import { canonicalize } from '../../core/jcs';
import { parseDuration } from './duration';
import { generateSigningKey, parseJwks, parsePrivateKey, type SigningKey, type TrustedKey } from './keys';
import { type ResolvedTrust, resolveTrust, signRotation } from './rotation';
import { durationSeconds, manifestOf, readRunbook } from './runbook-file';
import { buildStatement, type RunbookStatement, type SignatureFile, signStatement } from './statement';
import {
  checkHost,
  checkParams,
  checkRunAs,
  checkScript,
  checkSignature,
  checkWindow,
  DEFAULT_TRUST_FILE,
  type HostFacts,
} from './trust';

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw fromFsError(error, file);
  }
}

/** Loads a private signing key, refusing one that others can read (as ssh does). */
export async function loadSigningKey(file: string): Promise<SigningKey> {
  const key = parsePrivateKey(await readText(file), file);
  if (process.platform !== 'win32') {
    const { mode } = await stat(file);
    if ((mode & 0o077) !== 0)
      throw configError(
        'SIGNING_KEY_PERMISSIONS',
        `${file}: the private key is readable by others (mode ${(mode & 0o777).toString(8)})`,
        {
          hint: `chmod 600 ${file}`,
        },
      );
  }
  return key;
}

export async function loadJwks(file: string): Promise<TrustedKey[]> {
  return parseJwks(await readText(file), file);
}

/**
 * The agent's trust file (default /etc/neptune/trust.jwks). Whoever can write it decides what runs, so a file
 * (or its directory) that group or others can write is refused: a local user must not be able to add a key.
 */
export async function loadTrustFile(file: string = DEFAULT_TRUST_FILE): Promise<TrustedKey[]> {
  const keys = await loadJwks(file);
  if (process.platform !== 'win32') {
    for (const target of [file, path.dirname(path.resolve(file))]) {
      const { mode } = await stat(target);
      if ((mode & 0o022) !== 0)
        throw configError(
          'TRUST_FILE_WRITABLE',
          `${target} can be written by group or others (mode ${(mode & 0o777).toString(8)})`,
          {
            hint: `chmod go-w ${target}: whoever can write the trust file decides what the agent runs`,
          },
        );
    }
  }
  if (keys.length === 0)
    throw configError('TRUST_FILE_EMPTY', `${file} trusts no key`, {
      hint: 'put the public KEY.jwks from neptune runbook keygen there',
    });
  return keys;
}

export interface KeygenOptions {
  out: string;
  force?: boolean;
  /** an old private key: also write OUT.rotation.sig, which makes agents that trust the old key trust the new */
  rotateFrom?: string;
  /** with rotateFrom: revoke the old key in the same rotation */
  revokeOld?: boolean;
  now: Date;
}

export interface KeygenResult {
  key: string;
  jwks: string;
  kid: string;
  rotation?: string;
}

export async function keygen(options: KeygenOptions): Promise<KeygenResult> {
  const { out } = options;
  const jwksFile = `${out}.jwks`;
  const rotationFile = `${out}.rotation.sig`;
  const targets = [out, jwksFile, ...(options.rotateFrom ? [rotationFile] : [])];
  if (!options.force) {
    for (const target of targets)
      if (await exists(target))
        throw usageError('SIGNING_KEY_EXISTS', `${target} exists; refusing to overwrite a key`, {
          hint: 'choose another --out, or pass --force to replace it (the old key is then lost)',
        });
  }
  const old = options.rotateFrom ? await loadSigningKey(options.rotateFrom) : null;
  const { privatePem, jwks, kid } = generateSigningKey();
  await writeFileAtomic(out, privatePem, { mode: PRIVATE_FILE });
  await writeFileAtomic(jwksFile, `${JSON.stringify(jwks, null, 2)}\n`);
  const result: KeygenResult = { key: out, jwks: jwksFile, kid };
  if (old) {
    const at = options.now.toISOString();
    const rotation = signRotation(
      { add: jwks.keys, revoke: options.revokeOld ? [old.kid] : [], issued_at: at, not_before: at },
      old,
    );
    await writeFileAtomic(rotationFile, `${JSON.stringify(rotation, null, 2)}\n`);
    result.rotation = rotationFile;
  }
  return result;
}

export interface SignOptions {
  file: string;
  key: string;
  version?: string;
  notBefore?: string;
  expiresIn?: string;
  out?: string;
  now: Date;
}

export interface SignResult {
  signature: string;
  kid: string;
  statement: RunbookStatement;
  /** notes for the user (e.g. a runbook that may run on any host) */
  warnings: string[];
}

const VERSION = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
export const DEFAULT_EXPIRES_IN = '90d';

export async function signRunbook(options: SignOptions): Promise<SignResult> {
  const expiresIn = parseDuration(options.expiresIn ?? DEFAULT_EXPIRES_IN);
  if (expiresIn === null)
    throw usageError('SIGN_EXPIRES_IN', `--expires-in ${options.expiresIn}: not a duration`, {
      hint: 'e.g. --expires-in 90d, 12h, 2w or 1h30m',
    });
  let notBefore = options.now;
  if (options.notBefore !== undefined) {
    notBefore = new Date(options.notBefore);
    if (!/^\d{4}-\d{2}-\d{2}/.test(options.notBefore) || Number.isNaN(notBefore.getTime()))
      throw usageError('SIGN_NOT_BEFORE', `--not-before ${options.notBefore}: not a date and time`, {
        hint: 'give an ISO 8601 time, e.g. --not-before 2026-12-24T00:00:00Z',
      });
  }
  if (options.version !== undefined && !VERSION.test(options.version))
    throw usageError('SIGN_VERSION', `--version ${options.version}: not a version`, {
      hint: 'letters, digits, ".", "_", "+" and "-", at most 64, e.g. --version 1.4.0',
    });
  const key = await loadSigningKey(options.key);
  const runbook = await readRunbook(options.file);
  const statement = buildStatement({
    script: runbook.bytes,
    manifest: runbook.manifest,
    version: options.version ?? '',
    issuedAt: options.now,
    notBefore,
    expiresAt: new Date(notBefore.getTime() + expiresIn * 1000),
    seconds: durationSeconds,
  });
  // Without --version, the version is the script's content: 12 hex digits of its SHA-256.
  if (!options.version) statement.version = statement.script_sha256.slice(0, 12);
  for (const [name, spec] of Object.entries(statement.params)) {
    if (spec.pattern === undefined) continue;
    try {
      new RegExp(spec.pattern, 'u');
    } catch {
      throw dataError(
        'RUNBOOK_PARAM_PATTERN',
        `${options.file}: param ${name}: pattern ${spec.pattern} is not a valid regular expression`,
        {
          hint: 'patterns are ECMAScript regular expressions (with the u flag), matched against the whole value',
        },
      );
    }
  }
  const warnings: string[] = [];
  if (statement.hosts.includes('*'))
    warnings.push(
      'the manifest names no hosts: the signature lets it run on every host that trusts this key',
    );
  if (statement.run_as === 'root')
    warnings.push('run_as root: agents refuse it unless their config allows root');
  const file = signStatement(statement, key);
  const out = options.out ?? `${options.file}.sig`;
  await writeFileAtomic(out, `${JSON.stringify(file, null, 2)}\n`);
  return { signature: out, kid: key.kid, statement, warnings };
}

export interface VerifyOptions {
  file: string;
  pubkey: string;
  sig?: string;
  rotations?: string[];
  now: Date;
  /** also run the agent's checks for this run: host, params, user (what an agent with default policy decides) */
  run?: { host?: HostFacts; params?: Record<string, string>; runAs?: string };
}

export type VerifyCode =
  | 'unsigned'
  | 'bad_signature'
  | 'unknown_key'
  | 'not_yet_valid'
  | 'expired'
  | 'script_changed'
  | 'manifest_changed'
  | 'run_as_not_allowed'
  | 'host_out_of_scope'
  | 'param_out_of_schema';

export type VerifyResult =
  | {
      valid: true;
      file: string;
      signature: string;
      kid: string;
      statement: RunbookStatement;
      trust: ResolvedTrust;
      /** with a run: the params an agent would pass, defaults filled in */
      params?: Record<string, string>;
    }
  | { valid: false; file: string; signature: string; code: VerifyCode; reason: string };

const SIGNED_FROM_MANIFEST = [
  'name',
  'params',
  'hosts',
  'run_as',
  'sudo',
  'timeout',
  'caps',
  'idempotent',
  'destructive',
] as const;

export async function verifyRunbook(options: VerifyOptions): Promise<VerifyResult> {
  const sigPath = options.sig ?? `${options.file}.sig`;
  const base = { file: options.file, signature: sigPath };
  const keys = await loadJwks(options.pubkey);
  const rotations: unknown[] = [];
  for (const r of options.rotations ?? []) {
    try {
      rotations.push(JSON.parse(await readText(r)));
    } catch (error) {
      if (error instanceof SyntaxError) throw dataError('ROTATION_INVALID', `${r}: not JSON`);
      throw error;
    }
  }
  const trust = resolveTrust(keys, rotations, options.now);
  let script: Buffer;
  try {
    script = await readFile(options.file);
  } catch (error) {
    throw fromFsError(error, options.file);
  }
  let sigText: string;
  try {
    sigText = await readFile(sigPath, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { ...base, valid: false, code: 'unsigned', reason: `no signature: ${sigPath} does not exist` };
    throw fromFsError(error, sigPath);
  }
  const sig = checkSignature(trust.keys, sigText);
  if (!sig.ok) return { ...base, valid: false, code: sig.code as VerifyCode, reason: sig.reason };
  const { statement } = sig;
  const refusal = checkWindow(statement, options.now, 0) ?? checkScript(statement, script);
  if (refusal) return { ...base, valid: false, code: refusal.code as VerifyCode, reason: refusal.reason };
  // The script's bytes cover an inline manifest; a sidecar is checked field by field.
  let sidecar: string | null = null;
  try {
    sidecar = await readFile(`${options.file}.neptune.yaml`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw fromFsError(error, `${options.file}.neptune.yaml`);
  }
  const found = manifestOf(script.toString('utf8'), sidecar);
  if ('problem' in found)
    return {
      ...base,
      valid: false,
      code: 'manifest_changed',
      reason: `the manifest no longer reads: ${found.problem}`,
    };
  const now = buildStatement({
    script,
    manifest: found.manifest,
    version: statement.version,
    issuedAt: options.now,
    notBefore: options.now,
    expiresAt: options.now,
    seconds: durationSeconds,
  });
  for (const field of SIGNED_FROM_MANIFEST) {
    if (canonicalize(now[field]) !== canonicalize(statement[field]))
      return {
        ...base,
        valid: false,
        code: 'manifest_changed',
        reason: `the manifest's ${field} differs from the signed one`,
      };
  }
  if (!options.run) return { ...base, valid: true, kid: sig.kid, statement, trust };
  const { host, runAs } = options.run;
  const runRefusal =
    (runAs === undefined ? null : checkRunAs(statement, runAs)) ?? (host ? checkHost(statement, host) : null);
  if (runRefusal)
    return { ...base, valid: false, code: runRefusal.code as VerifyCode, reason: runRefusal.reason };
  const params = checkParams(statement, options.run.params ?? {});
  if (!params.ok) return { ...base, valid: false, code: 'param_out_of_schema', reason: params.reason };
  return { ...base, valid: true, kid: sig.kid, statement, trust, params: params.params };
}

export type { SignatureFile };
