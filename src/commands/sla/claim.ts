import { Flags } from '@oclif/core';
import { NeptuneCommand } from '../../core/command';
import { usageError } from '../../core/errors';

const SOURCES = ['canonical', 'uptimerobot', 'pingdom', 'betterstack', 'statuspage', 'pagerduty', 'datadog'];

export default class SlaClaim extends NeptuneCommand {
  static override summary = 'SLA credit request: uptime, tier, amount, deadline, redacted logs, .eml.';
  static override description =
    `Computes, per environment and billing cycle, the Unavailable minutes, the Monthly Uptime Percentage
(exact; shown rounded half-up to 4 decimals), the credit tier and amount, and the claim deadline, against the
Dedicated Environment SLA or a policy file. With --logs it keeps the log lines inside the incident windows,
redacted (secrets and personal data replaced with ********). With --out it writes one RFC 5322 .eml per eligible
claim (subject "SLA Credit Request – …", incident table in UTC, redacted logs attached) and a mailto: link when short.

A claim that is not eligible is a valid answer (exit 0). Bad input exits 65 naming the file, line and reason;
a missing file exits 66. A passed deadline is in the claim's reasons and flagged on stderr.`;
  static override examples = [
    '<%= config.bin %> sla claim --incidents incidents.csv --inventory inventory.yaml',
    '<%= config.bin %> sla claim --incidents uptimerobot.csv --from uptimerobot --tz Europe/Berlin --environment prod --charges 1450.00',
    '<%= config.bin %> sla claim --incidents incidents.csv --inventory inventory.yaml --logs nginx.log app.log --out claims --from ops@acme.example --to support@vendor.example',
    '<%= config.bin %> sla claim --incidents incidents.json --inventory inventory.yaml --month 2024-03 --json',
  ];
  static override enableJsonFlag = true;

  static override flags = {
    incidents: Flags.string({
      char: 'i',
      description: 'Incidents: canonical CSV/JSON or a vendor export (repeatable).',
      multiple: true,
      helpGroup: 'INPUT',
    }),
    from: Flags.string({
      description: `Importer of the incidents (${SOURCES.join('|')}; detected when left out), or the e-mail sender (an address with @). Give it twice for both.`,
      multiple: true,
      helpGroup: 'INPUT',
    }),
    tz: Flags.string({
      description: 'IANA zone of times without an offset (e.g. Europe/Berlin).',
      helpGroup: 'INPUT',
    }),
    ambiguous: Flags.string({
      description: 'Resolve local times in a DST gap or overlap: earlier or later (default: an error).',
      options: ['earlier', 'later'],
      helpGroup: 'INPUT',
    }),
    ongoing: Flags.boolean({
      description: 'Count incidents without an end until --now.',
      helpGroup: 'INPUT',
    }),
    inventory: Flags.string({
      description: 'Inventory (YAML or JSON): account, environments, apps, databases, charges.',
      helpGroup: 'INPUT',
    }),
    environment: Flags.string({
      char: 'e',
      description:
        'Environment of incidents that do not name one (and the one environment without an inventory).',
      helpGroup: 'INPUT',
    }),
    component: Flags.string({
      description: 'Component of incidents that do not name one.',
      helpGroup: 'INPUT',
    }),
    account: Flags.string({
      description: 'Account handle (default: from the inventory).',
      helpGroup: 'INPUT',
    }),
    charges: Flags.string({
      description: "The billing cycle's charges without an inventory, e.g. 1450.00.",
      helpGroup: 'INPUT',
    }),
    'one-time-charges': Flags.string({
      description: 'One-time payments included in --charges (left out of the basis).',
      helpGroup: 'INPUT',
    }),
    currency: Flags.string({
      description: 'Currency without an inventory (default USD).',
      helpGroup: 'INPUT',
    }),
    exclusions: Flags.string({
      description:
        'Exclusions CSV (environment,start,end,reason,announced_at) or a Statuspage export (repeatable).',
      multiple: true,
      helpGroup: 'INPUT',
    }),
    month: Flags.string({
      char: 'm',
      description: 'Billing cycle YYYY-MM (repeatable; default: every cycle with incidents).',
      multiple: true,
      helpGroup: 'CLAIM',
    }),
    'billing-anchor-day': Flags.integer({
      description: 'Day of the month billing cycles start (1-31; default 1 = calendar months).',
      helpGroup: 'CLAIM',
    }),
    'minute-rule': Flags.string({
      description:
        'How partial minutes count (default bucket: a clock minute counts if any part of it is down).',
      options: ['bucket', 'exact', 'floor'],
      helpGroup: 'CLAIM',
    }),
    now: Flags.string({
      description: 'The time for the deadline check (RFC 3339; default now).',
      helpGroup: 'CLAIM',
    }),
    policy: Flags.string({
      description: 'SLA policy file (YAML) instead of the default.',
      helpGroup: 'CLAIM',
    }),
    threshold: Flags.string({
      description: 'Move the first credit tier, e.g. 99.95 (an explicit, contested opt-in).',
      helpGroup: 'CLAIM',
    }),
    logs: Flags.string({
      description: 'Logs as evidence: lines inside incident windows are kept, redacted, attached.',
      multiple: true,
      helpGroup: 'EVIDENCE',
    }),
    'log-margin': Flags.string({
      description: 'Keep log lines this long before and after each incident (default 5m).',
      helpGroup: 'EVIDENCE',
    }),
    'keep-ips': Flags.boolean({ description: 'Do not mask IP addresses in logs.', helpGroup: 'EVIDENCE' }),
    'redaction-report': Flags.boolean({
      description: 'Print how many values each redaction rule masked (never the values), on stderr.',
      helpGroup: 'EVIDENCE',
    }),
    out: Flags.string({
      char: 'o',
      description: 'Directory for the .eml (and redacted logs, mailto link) of each eligible claim.',
      helpGroup: 'OUTPUT',
    }),
    to: Flags.string({ description: 'Recipient of the claim e-mails.', helpGroup: 'OUTPUT' }),
    'mail-from': Flags.string({
      description: 'Sender of the claim e-mails (same as --from ADDRESS).',
      helpGroup: 'OUTPUT',
    }),
  };

  async run(): Promise<unknown> {
    const { flags } = await this.parse(SlaClaim);
    const [{ runClaim }, { nodeClaimIo }, { contractJson, renderSummary }] = await Promise.all([
      import('../../sla/run'),
      import('../../sla/io'),
      import('../../sla/render'),
    ]);
    let source: string | undefined;
    let mailFrom = flags['mail-from'];
    for (const value of flags.from ?? []) {
      if (value.includes('@')) {
        if (mailFrom && mailFrom !== value)
          throw usageError('SLA_TWO_SENDERS', 'two different senders given', { hint: 'give one sender' });
        mailFrom = value;
      } else if (SOURCES.includes(value)) {
        if (source && source !== value)
          throw usageError('SLA_TWO_IMPORTERS', 'two importers given with --from', {
            hint: 'run once per format, or let it detect the format',
          });
        source = value;
      } else {
        throw usageError(
          'SLA_UNKNOWN_IMPORTER',
          `--from "${value}" is neither an importer nor an e-mail address`,
          {
            hint: `importers: ${SOURCES.join(', ')}; a sender looks like ops@example.com`,
          },
        );
      }
    }
    const result = await runClaim(
      {
        incidents: flags.incidents ?? [],
        from: source as never,
        tz: flags.tz,
        ambiguous: flags.ambiguous as 'earlier' | 'later' | undefined,
        ongoing: flags.ongoing,
        inventory: flags.inventory,
        environment: flags.environment,
        component: flags.component,
        account: flags.account,
        charges: flags.charges,
        oneTimeCharges: flags['one-time-charges'],
        currency: flags.currency,
        exclusions: flags.exclusions,
        months: flags.month,
        billingAnchorDay: flags['billing-anchor-day'],
        minuteRule: flags['minute-rule'],
        now: flags.now,
        policy: flags.policy,
        threshold: flags.threshold,
        logs: flags.logs,
        logMargin: flags['log-margin'],
        keepIps: flags['keep-ips'],
        out: flags.out,
        to: flags.to,
        mailFrom,
      },
      nodeClaimIo(),
    );
    const out = this.output;
    for (const w of result.warnings) out.warn(w);
    for (const c of result.report.claims) {
      if (c.deadlineStatus === 'passed') {
        out.warn(`${c.environment} ${c.period.label}: the claim deadline ${c.deadline} has passed`);
      } else if (c.deadlineStatus === 'closing' && c.eligible) {
        out.warn(
          `${c.environment} ${c.period.label}: the claim deadline ${c.deadline} is less than 7 days away`,
        );
      }
    }
    if (flags['redaction-report'] && !result.redaction)
      out.warn('--redaction-report needs --logs: nothing was redacted');
    if (flags['redaction-report'] && result.redaction) {
      const { counts, linesRead, logs } = result.redaction;
      const lines = Object.entries(counts).map(([rule, n]) => `  ${rule.padEnd(18)} ${n}`);
      out.stderr.write(
        `redaction: ${linesRead} lines read from ${logs} log(s); values masked per rule:\n${lines.join('\n')}\n`,
      );
    }
    for (const files of result.files.values()) for (const f of files) out.info(`wrote ${f}`);
    if (this.jsonEnabled()) return contractJson(result.report);
    out.write(renderSummary(result.report, { mailto: result.mailto }));
    return undefined;
  }
}
