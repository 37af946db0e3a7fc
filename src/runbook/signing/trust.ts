/**
 * The trust check the agent runs before anything else: given the keys it trusts, a runbook's signature file,
 * the script bytes it received, the params, the host it is on, the user it was asked to run as and the clock, it
 * either allows the run (with the params to pass, defaults applied) or refuses with a stable reason code.
 *
 * Pure: no IO, no clock of its own. The checks run in a fixed order, and the first that fails is the answer:
 *
 *   unsigned → bad_signature (unreadable file) → unknown_key → bad_signature → wrong_runbook → not_yet_valid /
 *   expired → script_changed → run_as_not_allowed → host_out_of_scope → param_out_of_schema → cap_exceeded
 */
import { runAsPermitted } from '../../core/run-as';
import { type EnvelopeCheck, verifyPayload } from './envelope';
import type { TrustedKey } from './keys';
import {
  parseSignatureFile,
  type RunbookStatement,
  type SignatureFile,
  STATEMENT_TYP,
  sha256Hex,
  signatureFileOf,
  statementProblem,
} from './statement';

/** Where an agent finds the keys it trusts, unless told otherwise (--trust-file). */
export const DEFAULT_TRUST_FILE = '/etc/neptune/trust.jwks';

export const REFUSAL_CODES = [
  'unsigned',
  'bad_signature',
  'unknown_key',
  'wrong_runbook',
  'not_yet_valid',
  'expired',
  'script_changed',
  'run_as_not_allowed',
  'host_out_of_scope',
  'param_out_of_schema',
  'cap_exceeded',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  ok: false;
  code: RefusalCode;
  reason: string;
}

export interface HostFacts {
  /** the host's name as the agent knows it */
  hostname: string;
  /** other names it answers to (assigned hostname, FQDN) */
  aliases?: readonly string[];
  tags?: Readonly<Record<string, string>>;
}

export interface TrustPolicy {
  /** The host's allow-run-as list (src/core/run-as.ts, the one run_as policy). Default: none. */
  allowRunAs?: readonly string[];
  /** The user the agent runs as; it may run runbooks as itself without a listing (not root). Default `neptune`. */
  agentUser?: string;
  /** Tolerance for the host's clock, in seconds, on both ends of the validity window. Default 60. */
  skewSeconds?: number;
}

export interface TrustInput {
  keys: readonly TrustedKey[];
  /** the signature file's text, or its parsed JSON; null or '' when the server sent none */
  signature: string | SignatureFile | null | undefined;
  script: Uint8Array | string;
  params: Readonly<Record<string, unknown>>;
  host: HostFacts;
  runAs: string;
  now: Date;
  policy?: TrustPolicy;
  /** what the server says it is sending; checked against the statement when given */
  expect?: { name?: string; version?: string };
  /** start times of earlier runs of this runbook on this host, from the agent's own ledger */
  history?: readonly Date[];
}

export interface Allowed {
  ok: true;
  statement: RunbookStatement;
  kid: string;
  /** the params to pass: validated, with signed defaults filled in */
  params: Record<string, string>;
}

export type TrustDecision = Allowed | Refusal;

const refuse = (code: RefusalCode, reason: string): Refusal => ({ ok: false, code, reason });

/** The signature and statement shape: the first three gates. */
export function checkSignature(
  keys: readonly TrustedKey[],
  signature: string | SignatureFile | null | undefined,
): { ok: true; statement: RunbookStatement; kid: string } | Refusal {
  if (signature === null || signature === undefined || signature === '')
    return refuse('unsigned', 'the runbook has no signature');
  const parsed = typeof signature === 'string' ? parseSignatureFile(signature) : signatureFileOf(signature);
  if (!parsed.ok) return refuse('bad_signature', parsed.reason);
  const file = parsed.file;
  const check: EnvelopeCheck = verifyPayload(file.statement, file, STATEMENT_TYP, keys);
  if (!check.ok) return refuse(check.code, check.reason);
  const problem = statementProblem(file.statement);
  if (problem) return refuse('bad_signature', `signed, but not a valid statement: ${problem}`);
  return { ok: true, statement: file.statement, kid: check.key.kid };
}

/** The validity window, with `skewSeconds` of tolerance for the host's clock. */
export function checkWindow(statement: RunbookStatement, now: Date, skewSeconds = 60): Refusal | null {
  const t = now.getTime();
  const skew = skewSeconds * 1000;
  if (t + skew < Date.parse(statement.not_before))
    return refuse('not_yet_valid', `the statement is valid from ${statement.not_before}`);
  if (t - skew >= Date.parse(statement.expires_at))
    return refuse('expired', `the statement expired at ${statement.expires_at}`);
  return null;
}

export function checkScript(statement: RunbookStatement, script: Uint8Array | string): Refusal | null {
  const actual = sha256Hex(script);
  return actual === statement.script_sha256
    ? null
    : refuse(
        'script_changed',
        `the script's SHA-256 is ${actual}, the statement signs ${statement.script_sha256}`,
      );
}

export function checkRunAs(
  statement: RunbookStatement,
  runAs: string,
  policy: TrustPolicy = {},
): Refusal | null {
  if (runAs !== statement.run_as)
    return refuse('run_as_not_allowed', `asked to run as ${runAs}, the statement allows ${statement.run_as}`);
  const permitted = runAsPermitted(runAs, policy.allowRunAs, policy.agentUser);
  return permitted.ok ? null : refuse('run_as_not_allowed', permitted.reason);
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Whether one selector (`*`, a name or glob, or `tag=value` with a glob value) matches the host. */
export function selectorMatches(selector: string, host: HostFacts): boolean {
  if (selector === '*') return true;
  const eq = selector.indexOf('=');
  if (eq > 0) {
    const value = host.tags?.[selector.slice(0, eq)];
    return value !== undefined && new RegExp(globToRegExp(selector.slice(eq + 1)).source).test(value);
  }
  const re = globToRegExp(selector);
  return [host.hostname, ...(host.aliases ?? [])].some((name) => name !== '' && re.test(name));
}

export function checkHost(statement: RunbookStatement, host: HostFacts): Refusal | null {
  if (statement.hosts.some((s) => selectorMatches(s, host))) return null;
  return refuse(
    'host_out_of_scope',
    `${host.hostname} matches none of the signed hosts (${statement.hosts.join(', ')})`,
  );
}

/**
 * Params against the signed schema. Every param must be declared, be a string without NUL, fit maxLength (in
 * code points), be one of enum, and match pattern as a whole (a pattern is anchored at both ends: `[a-z]+` does
 * not accept `a; rm -rf /`). A required param that is missing is refused; a missing one with a default gets it.
 */
export function checkParams(
  statement: RunbookStatement,
  params: Readonly<Record<string, unknown>>,
): { ok: true; params: Record<string, string> } | Refusal {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const spec = Object.hasOwn(statement.params, name) ? statement.params[name] : undefined;
    if (!spec) return refuse('param_out_of_schema', `param ${name} is not in the signed schema`);
    if (typeof value !== 'string') return refuse('param_out_of_schema', `param ${name} is not a string`);
    if (value.includes('\0')) return refuse('param_out_of_schema', `param ${name} holds a NUL byte`);
    if (spec.maxLength !== undefined && [...value].length > spec.maxLength)
      return refuse('param_out_of_schema', `param ${name} is longer than ${spec.maxLength} characters`);
    if (spec.enum !== undefined && !spec.enum.includes(value))
      return refuse('param_out_of_schema', `param ${name} is not one of ${spec.enum.join(', ')}`);
    if (spec.pattern !== undefined) {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${spec.pattern})$`, 'u');
      } catch {
        return refuse(
          'param_out_of_schema',
          `param ${name}: the signed pattern is not a valid regular expression`,
        );
      }
      if (!re.test(value))
        return refuse('param_out_of_schema', `param ${name} does not match ${spec.pattern}`);
    }
    out[name] = value;
  }
  for (const [name, spec] of Object.entries(statement.params)) {
    if (Object.hasOwn(out, name)) continue;
    if (spec.default !== undefined) out[name] = spec.default;
    else if (spec.required) return refuse('param_out_of_schema', `param ${name} is required`);
  }
  return { ok: true, params: out };
}

/** A window of one hour when caps give `max` without `per`. */
export const DEFAULT_CAP_WINDOW_SECONDS = 3600;

/** The signed caps against the agent's own ledger of earlier runs (start times) of this runbook on this host. */
export function checkCaps(statement: RunbookStatement, history: readonly Date[], now: Date): Refusal | null {
  const caps = statement.caps;
  if (!caps) return null;
  const t = now.getTime();
  if (caps.cooldown !== undefined) {
    const last = Math.max(...history.map((d) => d.getTime()), Number.NEGATIVE_INFINITY);
    if (t - last < caps.cooldown * 1000)
      return refuse(
        'cap_exceeded',
        `cooldown: the last run was ${Math.round((t - last) / 1000)} s ago, the statement asks for ${caps.cooldown} s`,
      );
  }
  if (caps.max !== undefined) {
    const per = caps.per ?? DEFAULT_CAP_WINDOW_SECONDS;
    const recent = history.filter((d) => t - d.getTime() < per * 1000).length;
    if (recent >= caps.max)
      return refuse('cap_exceeded', `${recent} runs in the last ${per} s; the statement allows ${caps.max}`);
  }
  return null;
}

/** The whole check, in the documented order. */
export function checkTrust(input: TrustInput): TrustDecision {
  const sig = checkSignature(input.keys, input.signature);
  if (!sig.ok) return sig;
  const { statement } = sig;
  if (input.expect?.name !== undefined && input.expect.name !== statement.name)
    return refuse(
      'wrong_runbook',
      `expected runbook ${input.expect.name}, the statement is for ${statement.name}`,
    );
  if (input.expect?.version !== undefined && input.expect.version !== statement.version)
    return refuse(
      'wrong_runbook',
      `expected version ${input.expect.version}, the statement is for ${statement.version}`,
    );
  const refusal =
    checkWindow(statement, input.now, input.policy?.skewSeconds) ??
    checkScript(statement, input.script) ??
    checkRunAs(statement, input.runAs, input.policy) ??
    checkHost(statement, input.host);
  if (refusal) return refusal;
  const params = checkParams(statement, input.params);
  if (!params.ok) return params;
  const caps = input.history ? checkCaps(statement, input.history, input.now) : null;
  if (caps) return caps;
  return { ok: true, statement, kid: sig.kid, params: params.params };
}
