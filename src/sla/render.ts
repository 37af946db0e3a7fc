/** The human summary of a claim report (stdout), and the JSON of the issue's contract. */
import type { ClaimReport } from './claim';

export interface RenderExtras {
  /** Per claim key: files written under --out. */
  files?: Map<string, string[]>;
  /** Per claim key: the mailto: link, when short enough. */
  mailto?: Map<string, string>;
}

export function claimKey(environment: string, label: string): string {
  return `claim-${environment.replace(/[^A-Za-z0-9._-]/g, '_')}-${label}`;
}

function status(c: ClaimReport['claims'][number]): string {
  if (c.eligible) return 'ELIGIBLE';
  if (c.environmentType === 'shared') return 'not covered (shared)';
  if (c.deadlineStatus === 'passed' && c.creditPercent > 0) return 'not eligible (deadline passed)';
  return 'not eligible';
}

export function renderSummary(report: ClaimReport, extras: RenderExtras = {}): string {
  const out: string[] = [];
  out.push(
    `SLA claims for account ${report.account} (policy ${report.policy.name}, ` +
      `minute rule ${report.claims[0]?.minuteRule ?? report.policy.minuteRule})`,
  );
  if (report.claims.length === 0) out.push('', 'No billing cycle with incidents: nothing to claim.');
  for (const c of report.claims) {
    out.push('');
    out.push(
      `${c.environment} ${c.period.label} (${c.period.start} – ${c.period.end}), ${c.environmentType}: ${status(c)}`,
    );
    out.push(
      `  unavailable ${c.unavailableMinutes} of ${c.totalMinutes} minutes (app ${c.appMinutes}, db ${c.dbMinutes}, ` +
        `excluded ${c.excludedMinutes}): uptime ${c.uptimePercent}%`,
    );
    out.push(
      `  credit ${c.creditPercent}% of ${c.chargesBasis.basis} ${c.currency} = ${c.creditAmount} ${c.currency}` +
        `; deadline ${c.deadline}${c.deadlineStatus === 'open' ? '' : ` (${c.deadlineStatus})`}`,
    );
    if (c.incidents.length > 0) {
      out.push('  incidents (UTC):');
      for (const i of c.incidents) {
        out.push(
          `    ${i.start} → ${i.end}  ${String(i.minutes).padStart(5)} min  ${i.components.join(', ')}`,
        );
      }
    }
    if (c.reasons.length > 0) {
      out.push('  reasons:');
      for (const r of c.reasons) out.push(`    - ${r}`);
    }
    const key = claimKey(c.environment, c.period.label);
    for (const f of extras.files?.get(key) ?? []) out.push(`  wrote ${f}`);
    const link = extras.mailto?.get(key);
    if (link) out.push(`  mailto: ${link}`);
  }
  out.push('');
  const total =
    typeof report.totalCredit === 'string'
      ? `${report.totalCredit} ${report.currency ?? ''}`.trim()
      : Object.entries(report.totalCredit)
          .map(([cur, amount]) => `${amount} ${cur}`)
          .join(', ');
  const eligible = report.claims.filter((c) => c.eligible).length;
  out.push(`Total credit: ${total} (${eligible} eligible claim${eligible === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

/** Exactly the shape of the issue's contract. */
export function contractJson(report: ClaimReport) {
  return {
    account: report.account,
    policy: report.policy,
    claims: report.claims.map((c) => ({
      environment: c.environment,
      period: { start: c.period.start, end: c.period.end },
      totalMinutes: c.totalMinutes,
      unavailableMinutes: c.unavailableMinutes,
      excludedMinutes: c.excludedMinutes,
      uptimePercent: c.uptimePercent,
      creditPercent: c.creditPercent,
      creditAmount: c.creditAmount,
      currency: c.currency,
      eligible: c.eligible,
      reasons: c.reasons,
      deadline: c.deadline,
      incidents: c.incidents.map((i) => ({
        start: i.start,
        end: i.end,
        minutes: i.minutes,
        components: i.components,
      })),
    })),
    totalCredit: report.totalCredit,
  };
}
