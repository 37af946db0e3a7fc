/**
 * `.neptune/runbook-lint.yaml`: found by searching upward from the working directory (or named with --config),
 * validated against CONFIG_SCHEMA. A bad file is a configuration error (exit 78), never a silent default.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parseDocument } from 'yaml';
import { configError, fromFsError } from '../core/errors';
import { AJV_OPTIONS } from './schema';

export interface LintConfig {
  profile?: string;
  enable?: string[];
  disable?: string[];
  /** Severity changes by rule id. */
  severity?: Record<string, 'error' | 'warning' | 'info'>;
  'fail-on'?: 'error' | 'warning' | 'info' | 'never';
  'max-warnings'?: number;
  shellcheck?: string;
  'param-prefix'?: string;
  'max-timeout'?: number;
  shell?: 'sh' | 'bash';
  /** Paths (globs relative to the config's directory) that are never linted. */
  ignore?: string[];
  baseline?: string;
}

export const CONFIG_FILE = path.join('.neptune', 'runbook-lint.yaml');

const ids = { type: 'array', items: { type: 'string', minLength: 1 } } as const;
export const CONFIG_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'neptune runbook lint configuration (.neptune/runbook-lint.yaml)',
  type: 'object',
  additionalProperties: false,
  properties: {
    profile: { enum: ['min', 'basic', 'safety', 'production'] },
    enable: ids,
    disable: ids,
    severity: {
      type: 'object',
      additionalProperties: { enum: ['error', 'warning', 'info'] },
    },
    'fail-on': { enum: ['error', 'warning', 'info', 'never'] },
    'max-warnings': { type: 'integer', minimum: 0 },
    shellcheck: { type: 'string', minLength: 1 },
    'param-prefix': { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    'max-timeout': { type: 'integer', minimum: 1 },
    shell: { enum: ['sh', 'bash'] },
    ignore: ids,
    baseline: { type: 'string', minLength: 1 },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | null = null;

/** Parses and validates a configuration file's text. */
export function parseConfig(text: string, file: string): LintConfig {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw configError('RUNBOOK_LINT_CONFIG_YAML', `${file}: ${doc.errors[0]!.message.split('\n')[0]}`, {
      hint: 'fix the YAML syntax, or run with --no-config',
    });
  }
  const value = (doc.toJS() as unknown) ?? {};
  validator ??= new Ajv(AJV_OPTIONS).compile(CONFIG_SCHEMA);
  if (!validator(value)) {
    const e = validator.errors![0]!;
    const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : 'the file';
    const extra =
      e.keyword === 'additionalProperties'
        ? `unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : `${where} ${e.message ?? 'is invalid'}`;
    throw configError('RUNBOOK_LINT_CONFIG_INVALID', `${file}: ${extra}`, {
      hint: 'see docs/lint-rules.md#configuration for the keys',
    });
  }
  return value as LintConfig;
}

/** The nearest `.neptune/runbook-lint.yaml` at or above `from`, or null. */
export async function findConfig(from: string): Promise<string | null> {
  let dir = path.resolve(from);
  for (;;) {
    const candidate = path.join(dir, CONFIG_FILE);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not here (missing, or a file named .neptune on the way)
    }
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export interface LoadedConfig {
  config: LintConfig;
  /** The file it came from; null when none was found or --no-config. */
  file: string | null;
}

export async function loadConfig(options: {
  cwd: string;
  explicit?: string | undefined;
  disabled?: boolean;
}): Promise<LoadedConfig> {
  if (options.disabled) return { config: {}, file: null };
  let file: string | null;
  if (options.explicit) {
    file = path.resolve(options.cwd, options.explicit);
  } else {
    file = await findConfig(options.cwd);
    if (!file) return { config: {}, file: null };
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw fromFsError(error, options.explicit ?? file);
  }
  return { config: parseConfig(text, path.relative(options.cwd, file) || file), file };
}
