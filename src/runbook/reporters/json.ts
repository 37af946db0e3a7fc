/** json: the versioned machine format; suppressed findings are included with their `suppression`. */
import { tally } from '../lint';
import type { Finding } from '../types';
import { type Reporter, TOOL_NAME } from './types';

export const JSON_FORMAT_VERSION = 1;

function head({ report, version, profile }: Parameters<Reporter>[0]) {
  return {
    version: JSON_FORMAT_VERSION,
    tool: { name: TOOL_NAME, version },
    profile,
    files: report.files,
    summary: { files: report.files.length, ...tally(report.findings) },
  };
}

export function jsonDocument(input: Parameters<Reporter>[0]) {
  return { ...head(input), findings: input.report.findings.map(jsonFinding) };
}

function jsonFinding(f: Finding) {
  return {
    ruleId: f.ruleId,
    ruleName: f.ruleName,
    severity: f.severity,
    message: f.message,
    file: f.file,
    range: f.range,
    ...(f.fix ? { fix: { description: f.fix.description, safe: f.fix.safe, edits: f.fix.edits } } : {}),
    fingerprint: f.fingerprint,
    source: f.source,
    ...(f.suppression ? { suppression: f.suppression } : {}),
  };
}

/**
 * The document in pieces, byte for byte what JSON.stringify(jsonDocument(input), null, 2) gives: the head, then
 * the findings in batches, so 10,000 files never become one document and one string (decision 0206).
 */
export function* jsonChunks(input: Parameters<Reporter>[0]): Generator<string> {
  const findings = input.report.findings;
  const top = JSON.stringify({ ...head(input), findings: [] }, null, 2);
  if (findings.length === 0) {
    yield `${top}\n`;
    return;
  }
  // `findings` is the last key: open its array instead of the empty one
  yield `${top.slice(0, top.length - '[]\n}'.length)}[\n`;
  // ~16 Ki characters a batch: small enough to die young (see batched in ../cli.ts)
  const BATCH = 32;
  for (let i = 0; i < findings.length; i += BATCH) {
    const part: string[] = [];
    for (let j = i; j < Math.min(i + BATCH, findings.length); j++) part.push(findingText(findings[j]!));
    yield part.join(',\n') + (i + BATCH < findings.length ? ',\n' : '\n');
  }
  yield '  ]\n}\n';
}

const q = JSON.stringify;

/** A nested value as JSON.stringify(…, null, 2) writes it at the depth of a finding's keys. */
const nested = (value: unknown) => q(value, null, 2).replace(/\n/g, '\n      ');

/**
 * One finding of the findings array, byte for byte what JSON.stringify(jsonFinding(f), null, 2) indented by four
 * spaces gives, written directly: stringifying an object per finding was ~40 % of the report's time (decision 0209).
 */
function findingText(f: Finding): string {
  const r = f.range;
  let out = `    {
      "ruleId": ${q(f.ruleId)},
      "ruleName": ${q(f.ruleName)},
      "severity": ${q(f.severity)},
      "message": ${q(f.message)},
      "file": ${q(f.file)},
      "range": {
        "startLine": ${q(r.startLine)},
        "startColumn": ${q(r.startColumn)},
        "endLine": ${q(r.endLine)},
        "endColumn": ${q(r.endColumn)}
      },
`;
  if (f.fix)
    out += `      "fix": ${nested({ description: f.fix.description, safe: f.fix.safe, edits: f.fix.edits })},\n`;
  out += `      "fingerprint": ${q(f.fingerprint)},\n      "source": ${q(f.source)}`;
  if (f.suppression) out += `,\n      "suppression": ${nested(f.suppression)}`;
  return `${out}\n    }`;
}

export const json: Reporter = (input) => [...jsonChunks(input)].join('');
