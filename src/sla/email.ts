/**
 * The claim as an e-mail (spec §4): an RFC 5322 message built with nodemailer's MailComposer (no SMTP involved),
 * and a `mailto:` link for short claims. The body follows the SLA's claim requirements in order: account handle,
 * environment, billing period, the incident table in UTC, totals and uptime, the amount asked for and its basis,
 * exclusions, attachments, and the note that confidential data was replaced with asterisks.
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { Claim } from './claim';
import type { Policy } from './policy';
import { MASK } from './redact';

export interface ClaimAttachment {
  /** File name in the message. */
  filename: string;
  /** Path of the redacted file to attach. */
  path: string;
  lines: number;
  bytes: number;
}

export interface EmailInput {
  account: string;
  claim: Claim;
  policy: Policy;
  from: string;
  to?: string | undefined;
  /** The Date header (the run's `now`). */
  date: Date;
  attachments: ClaimAttachment[];
  /** Evidence that was found but not attached (too large), by name. */
  notAttached?: string[];
}

const RULE_TEXT: Record<Claim['minuteRule'], string> = {
  bucket: 'a clock minute counts when any part of it was Unavailable',
  exact: 'Unavailable time in seconds / 60',
  floor: 'only whole clock minutes of Unavailability count',
};

export function claimSubject(account: string, claim: Claim, policy: Policy): string {
  return `${policy.subjectPhrase} – ${account} – ${claim.environment} – ${claim.period.label}`;
}

function table(claim: Claim): string[] {
  const rows = claim.incidents.map((i) => [i.start, i.end, String(i.minutes), i.components.join(', ')]);
  const head = ['Start (UTC)', 'End (UTC)', 'Minutes', 'Unavailable'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [fmt(head), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
}

function creditLine(claim: Claim): string {
  const b = claim.chargesBasis;
  const basis =
    b.oneTimeCharges === '0.00'
      ? `the billing cycle's charges of ${b.charges} ${claim.currency}`
      : `${b.basis} ${claim.currency}: the billing cycle's charges of ${b.charges} ${claim.currency} excluding ` +
        `one-time payments of ${b.oneTimeCharges} ${claim.currency}`;
  return `Credit requested: ${claim.creditPercent}% of ${basis} = ${claim.creditAmount} ${claim.currency}.`;
}

/** The plain-text body. */
export function claimBody(input: EmailInput): string {
  const { claim, account, policy } = input;
  const lines = [
    'Hello,',
    '',
    `This is an ${policy.subjectPhrase} under the ${policy.name} for the billing cycle ${claim.period.label}.`,
    '',
    `Account handle: ${account}`,
    `Environment: ${claim.environment} (${claim.environmentType === 'dedicated' ? 'Dedicated' : 'Shared'})`,
    `Billing period: ${claim.period.start} to ${claim.period.end} (UTC)`,
    '',
    'Unavailability incidents (all times UTC):',
    '',
    ...table(claim).map((l) => `  ${l}`),
    '',
    `Total minutes in the billing cycle: ${claim.totalMinutes}`,
    `Unavailable minutes: ${claim.unavailableMinutes} (app ${claim.appMinutes}, database ${claim.dbMinutes}; ` +
      `${RULE_TEXT[claim.minuteRule]})`,
  ];
  if (claim.excludedMinutes > 0) lines.push(`Minutes excluded under the SLA: ${claim.excludedMinutes}`);
  lines.push(`Monthly Uptime Percentage: ${claim.uptimePercent}%`, '', creditLine(claim));
  lines.push('Credits apply to future payments only.');
  const contested = claim.reasons.find((r) => r.startsWith('contested:'));
  if (contested) lines.push(`Note: ${contested}`);
  if (claim.exclusions.length > 0) {
    lines.push('', 'Exclusions already removed from the Unavailable time:');
    for (const e of claim.exclusions) lines.push(`  - ${e.reason} ${e.start} to ${e.end} (${e.source})`);
  }
  lines.push('');
  if (input.attachments.length > 0) {
    lines.push('Attached logs documenting the errors:');
    for (const a of input.attachments) lines.push(`  - ${a.filename} (${a.lines} lines)`);
    lines.push(
      `Confidential or sensitive information in the logs has been replaced with asterisks (${MASK}).`,
    );
  } else {
    lines.push('Logs documenting the errors are available on request.');
  }
  for (const name of input.notAttached ?? []) lines.push(`  (not attached, too large: ${name})`);
  lines.push('', 'Kind regards,', input.from, '');
  return lines.join('\n');
}

/** Builds the .eml. */
export async function buildEml(input: EmailInput): Promise<Buffer> {
  const composer = new MailComposer({
    from: input.from,
    ...(input.to ? { to: input.to } : {}),
    subject: claimSubject(input.account, input.claim, input.policy),
    date: input.date,
    text: claimBody(input),
    newline: 'win',
    xMailer: false,
    attachments: input.attachments.map((a) => ({
      filename: a.filename,
      path: a.path,
      contentType: 'text/plain; charset=utf-8',
    })),
  } as ConstructorParameters<typeof MailComposer>[0]);
  return composer.compile().build();
}

/** Browsers and mail clients break on long mailto: links (Gmail ≈1,600, Chrome ≈2,000 characters). */
export const MAILTO_LIMIT = 1800;

/** A mailto: link with subject and a summary (never logs), or undefined when even the summary is too long. */
export function mailtoLink(input: EmailInput): string | undefined {
  const { claim } = input;
  const subject = claimSubject(input.account, claim, input.policy);
  const summary = [
    `${input.policy.subjectPhrase} for account ${input.account}, environment ${claim.environment}, ` +
      `billing cycle ${claim.period.label} (${claim.period.start} to ${claim.period.end}).`,
    '',
    'Unavailability incidents (UTC):',
    ...claim.incidents.map((i) => `- ${i.start} to ${i.end}: ${i.minutes} min (${i.components.join(', ')})`),
    '',
    `Unavailable minutes: ${claim.unavailableMinutes} of ${claim.totalMinutes}; Monthly Uptime Percentage ${claim.uptimePercent}%.`,
    creditLine(claim),
    'Logs documenting the errors follow separately, with confidential data replaced by asterisks.',
  ];
  const short = [...summary.slice(0, 1), '', ...summary.slice(-3)];
  for (const body of [summary, short]) {
    const link = `mailto:${input.to ? encodeURIComponent(input.to).replace(/%40/g, '@') : ''}?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body.join('\n'))}`;
    if (link.length <= MAILTO_LIMIT) return link;
  }
  return undefined;
}
