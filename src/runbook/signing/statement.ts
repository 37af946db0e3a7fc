/**
 * The signed statement of one runbook version and the signature file that carries it (docs/signing.md).
 *
 * A statement says exactly what its owner allows: this script (by SHA-256), under this name and version, with
 * params that fit this schema, on hosts that match these selectors, as this user, with these sudo commands, for at
 * most this long, at most this often, between not_before and expires_at.
 */
import { createHash } from 'node:crypto';
import type { Manifest, ParamSpec } from '../manifest';
import { type SignatureHeader, signPayload } from './envelope';
import type { SigningKey } from './keys';

export const STATEMENT_TYPE = 'neptune.runbook-statement/v1';
/** The JWS `typ` of a runbook signature. */
export const STATEMENT_TYP = 'neptune-runbook-statement+jcs';
export const SIGNATURE_FORMAT = 'neptune-signature/v1';
/** The user a runbook runs as when its manifest names none. */
export const DEFAULT_RUN_AS = 'neptune';

export interface StatementCaps {
  /** at most `max` runs per `per` seconds, per host */
  max?: number;
  per?: number;
  /** seconds between two runs on one host */
  cooldown?: number;
}

export interface RunbookStatement {
  type: typeof STATEMENT_TYPE;
  name: string;
  version: string;
  /** lower-case hex SHA-256 of the script file's exact bytes */
  script_sha256: string;
  /** the manifest's params, as written (pattern, enum, maxLength, required, default, description) */
  params: Record<string, ParamSpec>;
  /** host selectors: names or globs (`web-*`), or `tag=value`; `*` is any host */
  hosts: string[];
  run_as: string;
  sudo: string[];
  /** seconds */
  timeout: number;
  caps: StatementCaps | null;
  idempotent: boolean;
  destructive: boolean;
  issued_at: string;
  not_before: string;
  expires_at: string;
}

/** The signature file (`FILE.sig`): the statement in clear, and a detached JWS-style signature over it. */
export interface SignatureFile extends SignatureHeader {
  format: typeof SIGNATURE_FORMAT;
  statement: RunbookStatement;
  sig: string;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface StatementInput {
  script: Uint8Array;
  manifest: Manifest;
  version: string;
  issuedAt: Date;
  notBefore: Date;
  expiresAt: Date;
  /** manifest durations in seconds (the manifest module's parser) */
  seconds: (value: unknown) => number | null;
}

/** The statement for a runbook and its (already validated) manifest. */
export function buildStatement(input: StatementInput): RunbookStatement {
  const { manifest, seconds } = input;
  const timeout = seconds(manifest.timeout);
  if (!manifest.name || timeout === null) throw new Error('buildStatement needs a valid manifest');
  const caps: StatementCaps = {};
  if (manifest.caps?.max !== undefined) caps.max = manifest.caps.max;
  const per = manifest.caps?.per === undefined ? null : seconds(manifest.caps.per);
  if (per !== null) caps.per = per;
  const cooldown = manifest.caps?.cooldown === undefined ? null : seconds(manifest.caps.cooldown);
  if (cooldown !== null) caps.cooldown = cooldown;
  return {
    type: STATEMENT_TYPE,
    name: manifest.name,
    version: input.version,
    script_sha256: sha256Hex(input.script),
    params: structuredClone(manifest.params ?? {}),
    hosts: manifest.hosts && manifest.hosts.length > 0 ? [...manifest.hosts] : ['*'],
    run_as: manifest.run_as ?? DEFAULT_RUN_AS,
    sudo: [...(manifest.sudo ?? [])],
    timeout,
    caps: Object.keys(caps).length > 0 ? caps : null,
    idempotent: manifest.idempotent ?? false,
    destructive: manifest.destructive ?? false,
    issued_at: input.issuedAt.toISOString(),
    not_before: input.notBefore.toISOString(),
    expires_at: input.expiresAt.toISOString(),
  };
}

export function signStatement(statement: RunbookStatement, key: SigningKey): SignatureFile {
  const { alg, kid, typ, sig } = signPayload(statement, STATEMENT_TYP, key);
  return { format: SIGNATURE_FORMAT, alg, kid, typ, statement, sig };
}

const HEX64 = /^[0-9a-f]{64}$/;
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === 'string');
const isTime = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
const isSeconds = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;

/** What is wrong with a (signed) statement's shape, or null. The signature is checked elsewhere. */
export function statementProblem(value: unknown): string | null {
  const s = value as Partial<Record<keyof RunbookStatement, unknown>> | null;
  if (!s || typeof s !== 'object' || Array.isArray(s)) return 'the statement is not an object';
  if (s.type !== STATEMENT_TYPE) return `the statement type is ${String(s.type)}, expected ${STATEMENT_TYPE}`;
  if (typeof s.name !== 'string' || s.name === '') return 'the statement has no name';
  if (typeof s.version !== 'string' || s.version === '') return 'the statement has no version';
  if (typeof s.script_sha256 !== 'string' || !HEX64.test(s.script_sha256))
    return 'script_sha256 is not a SHA-256 in hex';
  if (!s.params || typeof s.params !== 'object' || Array.isArray(s.params)) return 'params is not an object';
  for (const [name, spec] of Object.entries(s.params as Record<string, unknown>)) {
    const p = spec as Record<string, unknown> | null;
    if (!p || typeof p !== 'object') return `param ${name} is not an object`;
    if (p.pattern !== undefined && typeof p.pattern !== 'string')
      return `param ${name}: pattern is not a string`;
    if (p.enum !== undefined && !isStringArray(p.enum)) return `param ${name}: enum is not a list of strings`;
    if (p.maxLength !== undefined && !isSeconds(p.maxLength))
      return `param ${name}: maxLength is not a count`;
    if (p.required !== undefined && typeof p.required !== 'boolean')
      return `param ${name}: required is not a boolean`;
    if (p.default !== undefined && typeof p.default !== 'string')
      return `param ${name}: default is not a string`;
  }
  if (!isStringArray(s.hosts) || s.hosts.length === 0) return 'hosts is not a non-empty list of selectors';
  if (typeof s.run_as !== 'string' || s.run_as === '') return 'run_as is not a user name';
  if (!isStringArray(s.sudo)) return 'sudo is not a list of commands';
  if (!isSeconds(s.timeout)) return 'timeout is not a number of seconds';
  if (s.caps !== null) {
    const c = s.caps as Record<string, unknown> | undefined;
    if (!c || typeof c !== 'object') return 'caps is neither null nor an object';
    for (const k of ['max', 'per', 'cooldown'] as const)
      if (c[k] !== undefined && !isSeconds(c[k])) return `caps.${k} is not a positive integer`;
  }
  if (typeof s.idempotent !== 'boolean' || typeof s.destructive !== 'boolean')
    return 'idempotent and destructive must be booleans';
  for (const k of ['issued_at', 'not_before', 'expires_at'] as const)
    if (!isTime(s[k])) return `${k} is not a time`;
  if (Date.parse(s.expires_at as string) <= Date.parse(s.not_before as string))
    return 'expires_at is not after not_before';
  return null;
}

export type ParsedSignature = { ok: true; file: SignatureFile } | { ok: false; reason: string };

/** Reads a signature file's JSON. A file that is not one is an invalid signature, not a crash. */
export function parseSignatureFile(text: string): ParsedSignature {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the signature file is not JSON' };
  }
  return signatureFileOf(doc);
}

/** The same checks for a signature that arrived already parsed (e.g. inside an assignment from the server). */
export function signatureFileOf(doc: unknown): ParsedSignature {
  const f = doc as Partial<SignatureFile> | null;
  if (!f || typeof f !== 'object' || Array.isArray(f))
    return { ok: false, reason: 'the signature file is not an object' };
  if (f.format !== SIGNATURE_FORMAT)
    return {
      ok: false,
      reason: `the signature file's format is ${String(f.format)}, expected ${SIGNATURE_FORMAT}`,
    };
  if (!f.statement || typeof f.statement !== 'object' || Array.isArray(f.statement))
    return { ok: false, reason: 'the signature file holds no statement' };
  return { ok: true, file: f as SignatureFile };
}
