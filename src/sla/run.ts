/**
 * `neptune sla claim` from end to end, without a terminal: read and check every input, compute the claims, go
 * through the logs for evidence, and (with `--out`) write one .eml per eligible claim with its redacted logs.
 * All IO comes in as arguments; the command builds the real ones.
 */
import path from 'node:path';
import { usageError } from '../core/errors';
import type { AtomicWriter } from '../core/fs';
import { type ClaimReport, computeClaims } from './claim';
import { parseDecimal } from './credit';
import { buildEml, type ClaimAttachment, mailtoLink } from './email';
import { collectEvidence, type EvidenceResult, type LogSource } from './evidence';
import type { ImportContext, ImportedIncident } from './importers/common';
import { importIncidents, SOURCES, type Source } from './importers/index';
import { inferInventory, parseExclusions, parseInventory, resolveIncidents } from './inputs';
import { MINUTE_RULES, type MinuteRule } from './intervals';
import type { Exclusion, Inventory } from './model';
import { cycleForLabel } from './periods';
import { DEFAULT_POLICY, type Policy, parsePolicy, withThreshold } from './policy';
import { emptyCounts, type RedactionCounts } from './redact';
import { claimKey } from './render';
import { checkZone, type Disambiguation, parseInstant, TimeError } from './time';

export interface ClaimInput {
  incidents: string[];
  from?: Source | undefined;
  tz?: string | undefined;
  ambiguous?: Disambiguation | undefined;
  ongoing?: boolean | undefined;
  inventory?: string | undefined;
  environment?: string | undefined;
  component?: string | undefined;
  account?: string | undefined;
  charges?: string | undefined;
  oneTimeCharges?: string | undefined;
  currency?: string | undefined;
  exclusions?: string[] | undefined;
  months?: string[] | undefined;
  billingAnchorDay?: number | undefined;
  minuteRule?: string | undefined;
  now?: string | undefined;
  policy?: string | undefined;
  threshold?: string | undefined;
  logs?: string[] | undefined;
  logMargin?: string | undefined;
  keepIps?: boolean | undefined;
  out?: string | undefined;
  to?: string | undefined;
  mailFrom?: string | undefined;
}

export interface ClaimIo {
  /** Reads a whole input file (small inputs); missing files become exit 66. */
  readText(file: string): Promise<string>;
  /** Checks that a file can be read, before anything is written. */
  checkReadable(file: string): Promise<void>;
  /** Streams a log. */
  openLog(file: string): AsyncIterable<Uint8Array>;
  writeFile(file: string, data: string | Uint8Array): Promise<void>;
  openWriter(file: string): Promise<AtomicWriter>;
  clock: () => number;
}

export interface ClaimRun {
  report: ClaimReport;
  policy: Policy;
  warnings: string[];
  files: Map<string, string[]>;
  mailto: Map<string, string>;
  redaction?: { counts: RedactionCounts; linesRead: number; logs: number } | undefined;
}

/** Evidence larger than this is written beside the .eml but not attached (helpdesks drop big mails). */
export const ATTACH_LIMIT = 10 * 1024 * 1024;

const ADDRESS = /^(?:[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+|[^<>]*<[^<>@\s]+@[^<>@\s]+\.[^<>@\s]+>)$/;

/** "5m", "30s", "1h", "90" (seconds) → ms. */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return undefined;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] ?? 's']!;
  return Number(m[1]) * unit;
}

function usage(code: string, message: string, hint: string): never {
  throw usageError(code, message, { hint });
}

/** The checks on flags that need no file. */
function checkFlags(input: ClaimInput) {
  if (input.incidents.length === 0 && !input.months?.length) {
    usage(
      'SLA_NO_INCIDENTS',
      'no incidents given',
      'give --incidents FILE (CSV or JSON, repeatable), or --month YYYY-MM for a cycle without incidents',
    );
  }
  if (input.tz) {
    try {
      checkZone(input.tz);
    } catch (error) {
      usage('SLA_BAD_TZ', (error as TimeError).message, (error as TimeError).hint);
    }
  }
  const anchor = input.billingAnchorDay ?? 1;
  if (!Number.isInteger(anchor) || anchor < 1 || anchor > 31) {
    usage(
      'SLA_BAD_ANCHOR',
      `--billing-anchor-day must be 1..31, not ${anchor}`,
      'e.g. --billing-anchor-day 15',
    );
  }
  for (const m of input.months ?? []) {
    if (!cycleForLabel(m, anchor))
      usage('SLA_BAD_MONTH', `--month "${m}" is not YYYY-MM`, 'e.g. --month 2024-03');
  }
  if (input.minuteRule !== undefined && !MINUTE_RULES.includes(input.minuteRule as MinuteRule)) {
    usage('SLA_BAD_MINUTE_RULE', `unknown minute rule "${input.minuteRule}"`, 'use bucket, exact or floor');
  }
  let now = input.now === undefined ? undefined : Number.NaN;
  if (input.now !== undefined) {
    try {
      now = parseInstant(input.now);
    } catch (error) {
      usage(
        'SLA_BAD_NOW',
        `--now: ${error instanceof TimeError ? error.message : String(error)}`,
        'give an RFC 3339 time with an offset, e.g. --now 2024-05-10T00:00:00Z',
      );
    }
  }
  const threshold = input.threshold === undefined ? undefined : parseDecimal(input.threshold);
  if (input.threshold !== undefined && (!threshold || threshold.num > 100n * threshold.den)) {
    usage(
      'SLA_BAD_THRESHOLD',
      `--threshold "${input.threshold}" is not a percentage`,
      'e.g. --threshold 99.95',
    );
  }
  const margin = parseDuration(input.logMargin ?? '5m');
  if (margin === undefined)
    usage('SLA_BAD_MARGIN', `--log-margin "${input.logMargin}" is not a duration`, 'e.g. 5m, 30s, 1h');
  if (input.inventory && (input.charges !== undefined || input.oneTimeCharges !== undefined)) {
    usage(
      'SLA_CHARGES_WITH_INVENTORY',
      '--charges and --one-time-charges are for runs without an inventory',
      'put the charges in the inventory file, or leave out --inventory',
    );
  }
  if (!input.inventory && input.charges === undefined) {
    usage(
      'SLA_CHARGES_REQUIRED',
      'no inventory and no charges: the credit cannot be computed',
      'give --inventory FILE, or --environment NAME --charges 1450.00',
    );
  }
  if (input.out) {
    if (!input.mailFrom) {
      usage('SLA_FROM_REQUIRED', '--out writes e-mails, which need a sender', 'add --from you@example.com');
    }
  }
  for (const [flag, value] of [
    ['--from', input.mailFrom],
    ['--to', input.to],
  ] as const) {
    if (value !== undefined && !ADDRESS.test(value.trim())) {
      usage(
        'SLA_BAD_ADDRESS',
        `${flag} "${value}" is not an e-mail address`,
        'e.g. --to support@vendor.example',
      );
    }
  }
  return { anchor, now, threshold, margin: margin! };
}

export async function runClaim(given: ClaimInput, io: ClaimIo): Promise<ClaimRun> {
  // A log named twice is read once.
  const input = { ...given, logs: given.logs ? [...new Set(given.logs)] : undefined };
  const flags = checkFlags(input);
  const now = flags.now ?? io.clock();
  for (const log of input.logs ?? []) await io.checkReadable(log);

  let policy = DEFAULT_POLICY;
  if (input.policy) policy = parsePolicy(await io.readText(input.policy), input.policy);
  if (flags.threshold) policy = withThreshold(policy, flags.threshold);
  const minuteRule = (input.minuteRule as MinuteRule | undefined) ?? policy.minuteRule;

  const context = (file: string): ImportContext => ({
    file,
    time: { tz: input.tz, ambiguous: input.ambiguous },
    ongoing: input.ongoing ?? false,
    now,
  });

  const imported: ImportedIncident[] = [];
  const exclusions: Exclusion[] = [];
  for (const file of input.incidents) {
    const result = importIncidents(await io.readText(file), context(file), input.from);
    imported.push(...result.incidents);
    exclusions.push(...result.exclusions);
  }
  for (const file of input.exclusions ?? []) {
    exclusions.push(...parseExclusions(await io.readText(file), context(file)));
  }

  const defaults = { environment: input.environment, component: input.component };
  let inventory: Inventory;
  if (input.inventory) {
    inventory = parseInventory(await io.readText(input.inventory), input.inventory);
    if (input.account) inventory = { ...inventory, account: input.account };
  } else {
    inventory = inferInventory(imported, defaults, input.account, {
      charges: input.charges!,
      oneTimeCharges: input.oneTimeCharges,
      currency: input.currency,
    });
  }
  const { incidents, warnings } = resolveIncidents(imported, inventory, defaults);

  const report = computeClaims(inventory, incidents, exclusions, {
    policy,
    months: input.months,
    anchorDay: flags.anchor,
    minuteRule,
    now,
  });

  const files = new Map<string, string[]>();
  const mailto = new Map<string, string>();
  const written = (key: string, file: string) => files.set(key, [...(files.get(key) ?? []), file]);

  // Evidence: every claim with incidents is checked for log lines; only eligible claims get files.
  let evidence: EvidenceResult | undefined;
  const attachments = new Map<string, ClaimAttachment[]>();
  const writers: AtomicWriter[] = [];
  if (input.logs?.length) {
    const eligible = new Set(
      report.claims.filter((c) => c.eligible).map((c) => claimKey(c.environment, c.period.label)),
    );
    const names = attachmentNames(input.logs);
    try {
      evidence = await collectEvidence({
        claims: report.claims.map((c) => ({
          key: claimKey(c.environment, c.period.label),
          incidents: c.incidents.map((i) => ({ start: Date.parse(i.start), end: Date.parse(i.end) })),
        })),
        logs: input.logs.map((file): LogSource => ({ file, open: () => io.openLog(file) })),
        marginMs: flags.margin,
        tz: input.tz,
        redact: { keepIps: input.keepIps ?? false },
        sink:
          input.out === undefined
            ? undefined
            : async (key, log) => {
                if (!eligible.has(key)) return { write: async () => {} };
                const filename = names.get(log.file)!;
                const target = path.join(input.out!, `${key}.${filename}`);
                const writer = await io.openWriter(target);
                writers.push(writer);
                const list = attachments.get(key) ?? [];
                list.push({ filename, path: target, lines: 0, bytes: 0 });
                attachments.set(key, list);
                return writer;
              },
      });
      for (const w of writers) await w.commit();
    } catch (error) {
      for (const w of writers) await w.abort();
      throw error;
    }
    for (const c of report.claims) {
      const key = claimKey(c.environment, c.period.label);
      for (const index of evidence.uncovered.get(key) ?? []) {
        const i = c.incidents[index]!;
        c.reasons.push(`no log line documents the incident ${i.start} – ${i.end} (the SLA asks for logs)`);
      }
      const stats = evidence.attachments.get(key) ?? [];
      for (const a of attachments.get(key) ?? []) {
        const s = stats.find((x) => names.get(x.log) === a.filename);
        if (s) Object.assign(a, { lines: s.lines, bytes: s.bytes });
      }
    }
    for (const file of evidence.unterminatedKeys) {
      warnings.push(`${file}: a private key begins and never ends; everything after it was masked`);
    }
  }

  if (input.out) {
    for (const c of report.claims) {
      if (!c.eligible) continue;
      const key = claimKey(c.environment, c.period.label);
      const all = attachments.get(key) ?? [];
      for (const a of all) written(key, a.path);
      const total = all.reduce((n, a) => n + a.bytes, 0);
      const attach = total <= ATTACH_LIMIT ? all : [];
      if (total > ATTACH_LIMIT) {
        warnings.push(
          `${key}: the redacted logs are ${(total / 1048576).toFixed(1)} MiB, too large to attach; they are written ` +
            'beside the .eml (a smaller --log-margin keeps fewer lines)',
        );
      }
      const email = {
        account: report.account,
        claim: c,
        policy,
        from: input.mailFrom!,
        to: input.to ?? policy.claimTo,
        date: new Date(now),
        attachments: attach,
        notAttached: total > ATTACH_LIMIT ? all.map((a) => a.filename) : [],
      };
      const eml = path.join(input.out, `${key}.eml`);
      await io.writeFile(eml, await buildEml(email));
      written(key, eml);
      const link = mailtoLink(email);
      if (link) {
        mailto.set(key, link);
        const file = path.join(input.out, `${key}.mailto.txt`);
        await io.writeFile(file, `${link}\n`);
        written(key, file);
      }
    }
    if (!input.to && !policy.claimTo)
      warnings.push('no --to given: the .eml has no recipient; add one before sending');
  }

  return {
    report,
    policy,
    warnings,
    files,
    mailto,
    redaction: evidence
      ? { counts: evidence.counts, linesRead: evidence.linesRead, logs: input.logs?.length ?? 0 }
      : input.logs?.length
        ? { counts: emptyCounts(), linesRead: 0, logs: input.logs.length }
        : undefined,
  };
}

/** `app.log` → `app.redacted.log`; the same name twice gets a number. */
function attachmentNames(logs: string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>();
  for (const file of logs) {
    const base = path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_');
    const ext = path.extname(base);
    const stem = ext ? base.slice(0, -ext.length) : base;
    let name = `${stem}.redacted${ext || '.log'}`;
    for (let n = 2; used.has(name); n++) name = `${stem}-${n}.redacted${ext || '.log'}`;
    used.add(name);
    names.set(file, name);
  }
  return names;
}

export { SOURCES };
