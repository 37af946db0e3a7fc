/**
 * The rule model: what a rules file declares (docs/remediation.md), its validation, and the pure parts of
 * evaluation (matching an alert, picking targets, rendering params from alert fields). No store, no clock.
 */
import { Ajv } from 'ajv';
import type { NormalAlert } from '../ingest/normalise';

export interface FieldMatch {
  /** `name`, `host`, `severity`, `source`, `status` or `labels.<key>` */
  path: string;
  regex: string;
}

export interface RuleSpec {
  name: string;
  description?: string;
  enabled?: boolean;
  match: {
    source?: string[];
    /** glob: `*` any run of characters, `?` one */
    name?: string;
    severity?: string[];
    /** firing (the default), resolved or any */
    status?: 'firing' | 'resolved' | 'any';
    labels?: Record<string, string>;
    fields?: FieldMatch[];
  };
  targets: { alertHost?: boolean; hosts?: string[]; tags?: string[] };
  /** a pushed runbook; the version is pinned when the rule is applied */
  runbook: { name: string; version?: number };
  /** param name → template with `{{ path }}` placeholders (the same paths as fields) */
  params?: Record<string, string>;
  execution?: { mode: 'parallel' | 'rolling'; batchSize?: number };
  caps?: { max?: number; per?: string; cooldown?: string; breakerAfter?: number };
}

/** The caps a rule gets when it says nothing (the original service's CapLimit 3 / CapDuration 30 minutes). */
export const DEFAULT_CAPS = { max: 3, per: '30m', cooldown: '0s', breakerAfter: 3 } as const;

const DURATION = '^\\d+[smhd]$';
const NAME = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
const strings = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 253 }, maxItems: 100 };

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'match', 'targets', 'runbook'],
  properties: {
    name: { type: 'string', pattern: NAME },
    description: { type: 'string', maxLength: 1000 },
    enabled: { type: 'boolean' },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        source: { type: 'array', items: { type: 'string' }, maxItems: 10 },
        name: { type: 'string', minLength: 1, maxLength: 500 },
        severity: { type: 'array', items: { enum: ['critical', 'error', 'warning', 'info'] } },
        status: { enum: ['firing', 'resolved', 'any'] },
        labels: {
          type: 'object',
          additionalProperties: { type: 'string', maxLength: 1000 },
          maxProperties: 50,
        },
        fields: {
          type: 'array',
          maxItems: 20,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['path', 'regex'],
            properties: { path: { type: 'string' }, regex: { type: 'string', maxLength: 1000 } },
          },
        },
      },
    },
    targets: {
      type: 'object',
      additionalProperties: false,
      properties: { alertHost: { type: 'boolean' }, hosts: strings, tags: strings },
    },
    runbook: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        version: { type: 'integer', minimum: 1 },
      },
    },
    params: { type: 'object', additionalProperties: { type: 'string', maxLength: 1000 }, maxProperties: 50 },
    execution: {
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { enum: ['parallel', 'rolling'] },
        batchSize: { type: 'integer', minimum: 1, maximum: 10000 },
      },
    },
    caps: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max: { type: 'integer', minimum: 1, maximum: 100000 },
        per: { type: 'string', pattern: DURATION },
        cooldown: { type: 'string', pattern: DURATION },
        breakerAfter: { type: 'integer', minimum: 1, maximum: 1000 },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;

/** The problems of a rule definition (empty when it is valid), as one-line messages. */
export function ruleProblems(value: unknown): string[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
  if (!validator(value))
    return (validator.errors ?? []).map((e) => `${e.instancePath || '(rule)'} ${e.message ?? 'is invalid'}`);
  const spec = value as RuleSpec;
  const problems: string[] = [];
  const t = spec.targets;
  const kinds = [t.alertHost === true, (t.hosts?.length ?? 0) > 0, (t.tags?.length ?? 0) > 0].filter(Boolean);
  if (kinds.length !== 1) problems.push('/targets must name exactly one of alertHost: true, hosts or tags');
  for (const f of spec.match.fields ?? []) {
    if (!isPath(f.path)) problems.push(`/match/fields: unknown field ${f.path}`);
    try {
      new RegExp(f.regex, 'u');
    } catch {
      problems.push(`/match/fields: ${f.regex} is not a valid regular expression`);
    }
  }
  for (const [name, template] of Object.entries(spec.params ?? {}))
    for (const path of placeholders(template))
      if (!isPath(path)) problems.push(`/params/${name}: unknown field {{ ${path} }}`);
  return problems;
}

export function seconds(duration: string): number {
  const m = /^(\d+)([smhd])$/.exec(duration);
  if (!m) throw new Error(`bad duration ${duration}`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

export function capsOf(spec: RuleSpec) {
  const caps = { ...DEFAULT_CAPS, ...spec.caps };
  return {
    max: caps.max,
    perSeconds: seconds(caps.per),
    cooldownSeconds: seconds(caps.cooldown),
    breakerAfter: caps.breakerAfter,
  };
}

const PATHS = new Set(['name', 'host', 'severity', 'source', 'status', 'fingerprint']);
const isPath = (p: string) => PATHS.has(p) || /^labels\.[^\s{}]+$/.test(p);

function placeholders(template: string): string[] {
  return [...template.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]!);
}

export function fieldOf(alert: NormalAlert, path: string): string | undefined {
  if (path.startsWith('labels.')) {
    const key = path.slice('labels.'.length);
    return Object.hasOwn(alert.labels, key) ? alert.labels[key] : undefined;
  }
  const v = (alert as unknown as Record<string, unknown>)[path];
  return typeof v === 'string' ? v : undefined;
}

function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'su');
}

/** A rule's matcher, compiled once. */
export function compileMatcher(spec: RuleSpec): (alert: NormalAlert) => boolean {
  const m = spec.match;
  const name = m.name ? globRegex(m.name) : null;
  const fields = (m.fields ?? []).map((f) => ({ path: f.path, re: new RegExp(f.regex, 'u') }));
  const status = m.status ?? 'firing';
  return (alert) => {
    if (status !== 'any' && alert.status !== status) return false;
    if (m.source && !m.source.includes(alert.source)) return false;
    if (m.severity && !m.severity.includes(alert.severity)) return false;
    if (name && !name.test(alert.name)) return false;
    for (const [k, v] of Object.entries(m.labels ?? {})) if (alert.labels[k] !== v) return false;
    for (const f of fields) {
      const value = fieldOf(alert, f.path);
      if (value === undefined || !f.re.test(value)) return false;
    }
    return true;
  };
}

/** Renders the params; a placeholder whose field the alert lacks renders as the empty string. */
export function renderParams(spec: RuleSpec, alert: NormalAlert): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(spec.params ?? {}))
    out[name] = template.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, path: string) => fieldOf(alert, path) ?? '');
  return out;
}

/**
 * The hosts an alert's rule acts on, each its own cap key: the alert's host, the named hosts, or (tags) the
 * enrolled hosts carrying any of the tags, which the caller resolves (`tagged`), so caps count per host.
 */
export function targetsOf(
  spec: RuleSpec,
  alert: NormalAlert,
  tagged: string[] = [],
): { key: string; host: string }[] {
  const t = spec.targets;
  const hosts = t.alertHost ? (alert.host ? [alert.host] : []) : t.hosts?.length ? t.hosts : tagged;
  return [...new Set(hosts)].map((h) => ({ key: `host:${h}`, host: h }));
}
