/** The runbook registry: pushes are linted under the account's profile and stored as immutable versions. */
import { lintText } from '../../runbook/engine';
import { profile } from '../../runbook/profiles';
import { manifestOf } from '../../runbook/signing/runbook-file';
import { parseSignatureFile, sha256Hex } from '../../runbook/signing/statement';
import { callerOf } from '../context';
import { ApiError } from '../errors';
import type { RemedHandler } from './remed-context';
import { lintProfileOf } from './settings';

interface PushBody {
  filename: string;
  script: string;
  sidecar?: string;
  signature?: string;
  force?: boolean;
}

export const pushRunbook: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const body = input.body as PushBody;
  const found = manifestOf(body.script, body.sidecar ?? null);
  if ('problem' in found)
    throw new ApiError(422, 'RUNBOOK_MANIFEST_INVALID', `${body.filename}: ${found.problem}`);
  const manifest = found.manifest;
  const name = manifest.name!;
  const prof = profile((await lintProfileOf(ctx, caller.accountId)).profile);
  const result = await lintText(body.filename, body.script, body.sidecar ?? null, {
    settings: { paramPrefix: 'NP_', maxTimeout: 3600, shell: 'sh', profile: prof.name },
    rules: prof.rules,
    severity: prof.severity,
    requireReason: prof.requireReason,
  });
  const active = result.findings.filter((f) => !f.suppression);
  const errors = active.filter((f) => f.severity === 'error');
  const lint = {
    profile: prof.name,
    errors: errors.length,
    warnings: active.filter((f) => f.severity === 'warning').length,
    findings: active.slice(0, 50).map((f) => ({
      rule: f.ruleId,
      severity: f.severity,
      line: f.range.startLine,
      message: f.message,
    })),
    forced: errors.length > 0 && body.force === true,
  };
  if (errors.length > 0 && !body.force) {
    const first = errors[0]!;
    throw new ApiError(
      422,
      'RUNBOOK_LINT_ERRORS',
      `${body.filename}: ${errors.length} lint error(s) under the ${prof.name} profile, e.g. line ${first.range.startLine} ${first.ruleId}: ${first.message} (fix them, or push with --force)`,
    );
  }
  const sha256 = sha256Hex(body.script);
  if (body.signature !== undefined) {
    const parsed = parseSignatureFile(body.signature);
    if (!parsed.ok)
      throw new ApiError(422, 'RUNBOOK_SIGNATURE_INVALID', `${body.filename}.sig: ${parsed.reason}`);
    if (parsed.file.statement.script_sha256 !== sha256)
      throw new ApiError(422, 'RUNBOOK_SIGNATURE_MISMATCH', `${body.filename}.sig signs another script`);
  }
  const latest = await ctx.remed.latestRunbook(caller.accountId, name);
  if (latest && latest.sha256 === sha256 && (latest.signature ?? null) === (body.signature ?? null))
    return { name, version: latest.version, sha256, created: false, lint };
  const version = (latest?.version ?? 0) + 1;
  await ctx.remed.insertRunbook({
    account_id: caller.accountId,
    name,
    version,
    sha256,
    filename: body.filename,
    script: body.script,
    sidecar: body.sidecar ?? null,
    manifest: JSON.stringify(manifest),
    signature: body.signature ?? null,
    lint: JSON.stringify(lint),
    pushed_by: caller.email,
    pushed_at: ctx.now().toISOString(),
  });
  await ctx.auditService.record({
    accountId: caller.accountId,
    actor: caller.email,
    action: 'runbook.pushed',
    target: `runbook:${name}@${version}`,
    details: { sha256, signed: body.signature !== undefined, lintErrors: lint.errors, forced: lint.forced },
  });
  return { name, version, sha256, created: true, lint };
};

export const listRunbooks: RemedHandler = async (input, ctx) => {
  const caller = callerOf(input);
  const rows = await ctx.remed.runbooksOf(caller.accountId);
  return {
    runbooks: rows.map((r) => ({
      name: r.name,
      version: r.version,
      sha256: r.sha256,
      filename: r.filename,
      signed: r.signature !== null,
      params: Object.keys((JSON.parse(r.manifest) as { params?: object }).params ?? {}),
      pushedBy: r.pushed_by,
      pushedAt: r.pushed_at,
    })),
  };
};
