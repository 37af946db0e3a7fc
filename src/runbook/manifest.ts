/**
 * The runbook manifest: found in the comment block right after the shebang (opened by `# neptune:`) or in a
 * sidecar `<file>.neptune.yaml`, parsed with `yaml` and validated against MANIFEST_SCHEMA.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { AJV_OPTIONS, isValidManifest, MANIFEST_SCHEMA, wellShaped } from './schema';
import { parseSimpleYaml } from './simple-yaml';
import type { ManifestProblem } from './types';

export interface ParamSpec {
  description?: string;
  pattern?: string;
  enum?: string[];
  maxLength?: number;
  required?: boolean;
  default?: string;
}

export interface Manifest {
  name?: string;
  description?: string;
  mode?: 'diagnose' | 'remediate';
  timeout?: number | string;
  run_as?: string;
  sudo?: string[];
  hosts?: string[];
  params?: Record<string, ParamSpec>;
  caps?: { max?: number; per?: number | string; cooldown?: number | string };
  destructive?: boolean;
  idempotent?: boolean;
  requires?: string[];
}

export interface ManifestResult {
  manifest: Manifest | null;
  /** The span of the inline block in the runbook; null for a sidecar or no manifest. */
  span: { start: number; end: number } | null;
  problems: ManifestProblem[];
}

const OPENER = /^#\s*neptune:\s*$/;

/**
 * Finds the inline block: among the leading comment lines (after the shebang), a `# neptune:` line, then every
 * following comment line indented by at least two spaces after the `#`.
 */
export function findInlineBlock(text: string): { start: number; end: number; yaml: string } | null {
  let offset = 0;
  let lineNo = 0;
  let start = -1;
  let end = -1;
  while (offset < text.length) {
    const nl = text.indexOf('\n', offset);
    const lineEnd = nl === -1 ? text.length : nl;
    const line = text.slice(offset, lineEnd).replace(/\r$/, '');
    if (start === -1) {
      if (lineNo === 0 && line.startsWith('#!')) {
        // the shebang
      } else if (OPENER.test(line)) {
        start = offset;
        end = lineEnd;
      } else if (!(line.startsWith('#') || line.trim() === '')) {
        return null;
      }
    } else if (/^#(?: {2,}|\t)\S/.test(line)) {
      end = lineEnd;
    } else {
      break;
    }
    lineNo++;
    offset = lineEnd + 1;
  }
  if (start === -1) return null;
  // The `#` of every line becomes a space: offsets and columns in the YAML text equal those in the runbook.
  const yaml = text
    .slice(start, end)
    .split('\n')
    .map((l) => ` ${l.slice(1)}`)
    .join('\n');
  return { start, end, yaml };
}

let validator: ReturnType<Ajv['compile']> | null = null;
function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv(AJV_OPTIONS).compile(MANIFEST_SCHEMA);
  return validator(value) ? [] : (validator.errors ?? []);
}

/** Parses manifest YAML. `base` is the offset of the YAML text in the runbook (0 for a sidecar). */
export function parseManifest(yamlText: string, base: number, inline: boolean): ManifestResult {
  // the fast path: plain nested mappings that validate need no YAML document (positions only matter for problems)
  const simple = parseSimpleYaml(yamlText);
  if (simple !== undefined) {
    const value = (inline ? simple.neptune : simple) ?? {};
    if (isValidManifest(value))
      return {
        manifest: value as Manifest,
        span: inline ? { start: base, end: base + yamlText.length } : null,
        problems: [],
      };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const span = inline ? { start: base, end: base + yamlText.length } : null;
  const at = (range: readonly number[] | null | undefined) =>
    inline && range
      ? { start: base + (range[0] ?? 0), end: base + (range[1] ?? range[0] ?? 0) }
      : { start: 0, end: 0 };
  if (doc.errors.length > 0) {
    return {
      manifest: null,
      span,
      problems: doc.errors.map((e) => ({
        message: `manifest YAML: ${e.message.split('\n')[0]}`,
        ...at(e.pos),
      })),
    };
  }
  let value = doc.toJS() as unknown;
  let prefix: (string | number)[] = [];
  if (inline) {
    value = (value as { neptune?: unknown } | null)?.neptune;
    prefix = ['neptune'];
  }
  if (value === null || value === undefined) value = {};
  // YAML the fast path does not read (a flow sequence such as `requires: [a, b]`) that validates: Ajv is only
  // compiled when there are problems to name
  if (isValidManifest(value)) return { manifest: value as Manifest, span, problems: [] };
  const problems: ManifestProblem[] = [];
  for (let errorIndex = 0, errorList = validate(value); errorIndex < errorList.length; errorIndex++) {
    const error = errorList[errorIndex]!;
    const path = [
      ...prefix,
      ...error.instancePath
        .split('/')
        .slice(1)
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')),
    ];
    const node = doc.getIn(path, true);
    const where = at(isNode(node) ? node.range : undefined);
    const key = error.instancePath === '' ? 'manifest' : error.instancePath.slice(1).replace(/\//g, '.');
    const topKey = path[prefix.length];
    const about = typeof topKey === 'string' ? { key: topKey } : {};
    if (error.keyword === 'required') {
      const missing = String((error.params as { missingProperty: string }).missingProperty);
      problems.push({ message: `manifest is missing "${missing}"`, missingKey: missing, ...where });
    } else if (error.keyword === 'additionalProperties') {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const extraNode = doc.getIn([...path, extra], true);
      problems.push({
        message: `manifest has an unknown key "${key === 'manifest' ? '' : `${key}.`}${extra}"`,
        ...(isNode(extraNode) ? at(extraNode.range) : where),
      });
    } else if (error.keyword === 'oneOf' || error.keyword === 'if') {
      // the branch errors say more
    } else {
      problems.push({ message: `manifest ${key} ${error.message ?? 'is invalid'}`, ...about, ...where });
    }
  }
  // rules read only what has the schema's shape: META002 reports the rest once (issue 27)
  const manifest = wellShaped(value) as Manifest | null;
  return { manifest, span, problems: dedupe(problems) };
}

function dedupe(problems: ManifestProblem[]): ManifestProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.start}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The inline manifest of a runbook, or the sidecar's text if one was read. */
export function readManifest(text: string, sidecar: string | null): ManifestResult {
  if (sidecar !== null) return parseManifest(sidecar, 0, false);
  const block = findInlineBlock(text);
  if (!block) return { manifest: null, span: null, problems: [] };
  return parseManifest(block.yaml, block.start, true);
}

/** Seconds in a manifest duration, or null if it is not one. */
export function durationSeconds(value: unknown): number | null {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value !== 'string') return null;
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(value);
  if (!m || value === '') return null;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

/** The environment variable a declared param arrives in. */
export function paramEnvName(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name : `${prefix}${name.toUpperCase()}`;
}
