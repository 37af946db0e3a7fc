/**
 * The inventory (YAML or JSON), the exclusions file, and the step that ties imported incidents to environments and
 * components: `--environment` and `--component` fill what an export does not say, and the inventory decides
 * which components count as apps or databases.
 */
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import { dataError, usageError } from '../core/errors';
import { parseMoney } from './credit';
import {
  type ImportContext,
  type ImportedIncident,
  inputError,
  readCsv,
  timeAt,
  withJsonLines,
} from './importers/common';
import { importStatuspage } from './importers/statuspage';
import {
  type Environment,
  EXCLUSION_REASONS,
  type Exclusion,
  type ExclusionReason,
  type Incident,
  type Inventory,
} from './model';

type Path = (string | number)[];

/** Reads the inventory; errors name the file, line and field. */
export function parseInventory(text: string, file: string): Inventory {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  // The line of a field, or of the nearest enclosing node when the field is missing.
  const lineOf = (path: Path): number => {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      const offset = (node as { range?: [number, number] } | undefined)?.range?.[0];
      if (offset !== undefined) return lineCounter.linePos(offset).line;
    }
    return 1;
  };
  function fail(path: Path, message: string): never {
    const where = path.length
      ? `${path
          .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
          .join('')
          .slice(1)}: `
      : '';
    throw inputError(file, lineOf(path), `${where}${message}`, 'see docs/sla.md for the inventory format');
  }
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw inputError(file, lineCounter.linePos(e.pos[0]).line, `not valid YAML or JSON (${e.code})`);
  }
  if (!isMap(doc.contents)) fail([], 'expected a mapping with account and environments');
  const data = doc.toJS() as Record<string, unknown>;
  // Amounts are read from the source text, never through a float.
  const amountAt = (path: Path): bigint | Record<string, bigint> | undefined => {
    const node = doc.getIn(path, true);
    if (node === undefined) return undefined;
    if (isMap(node)) {
      const out: Record<string, bigint> = {};
      for (const pair of node.items) {
        const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(key)) fail([...path, key], 'keys must be billing cycles YYYY-MM');
        const value = isScalar(pair.value) ? (pair.value.source ?? String(pair.value.value)) : '';
        const cents = parseMoney(String(value));
        if (cents === undefined) fail([...path, key], 'must be an amount such as "1450.00"');
        out[key] = cents;
      }
      return out;
    }
    const text = isScalar(node) ? (node.source ?? String(node.value)) : '';
    const cents = parseMoney(String(text));
    if (cents === undefined) fail(path, 'must be an amount such as "1450.00"');
    return cents;
  };
  if (typeof data.account !== 'string' || data.account.trim() === '')
    fail(['account'], 'account handle is missing');
  if (!Array.isArray(data.environments) || data.environments.length === 0) {
    fail(['environments'], 'expected a non-empty list of environments');
  }
  const names = new Set<string>();
  const environments = (data.environments as unknown[]).map((raw, i): Environment => {
    const at = (...p: Path): Path => ['environments', i, ...p];
    if (!raw || typeof raw !== 'object') fail(at(), 'expected a mapping');
    const e = raw as Record<string, unknown>;
    if (typeof e.name !== 'string' || e.name === '') fail(at('name'), 'name is missing');
    const name = e.name as string;
    if (names.has(name)) fail(at('name'), `environment "${name}" is listed twice`);
    names.add(name);
    const type = e.type ?? 'dedicated';
    if (type !== 'dedicated' && type !== 'shared') fail(at('type'), 'type must be dedicated or shared');
    const list = (key: string): string[] => {
      const v = e[key] ?? [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
        fail(at(key), 'expected a list of names');
      return v as string[];
    };
    const apps = list('apps');
    const databases = list('databases');
    if (apps.length + databases.length === 0) fail(at(), 'lists no apps and no databases');
    const charges = amountAt(at('charges'));
    if (charges === undefined) fail(at('charges'), 'charges of the billing cycle are missing');
    const oneTimeCharges = amountAt(at('oneTimeCharges')) ?? 0n;
    if (typeof charges === 'bigint' && typeof oneTimeCharges === 'bigint' && oneTimeCharges > charges) {
      fail(at('oneTimeCharges'), 'one-time charges are more than the charges they are part of');
    }
    const currency = e.currency ?? 'USD';
    if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency))
      fail(at('currency'), 'currency must be an ISO 4217 code such as USD');
    return {
      name,
      type,
      apps,
      databases,
      charges: charges!,
      oneTimeCharges,
      currency: currency as string,
    } as Environment;
  });
  return { account: (data.account as string).trim(), environments };
}

function exclusionReason(text: string): ExclusionReason | undefined {
  const value = text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
  return (EXCLUSION_REASONS as readonly string[]).includes(value) ? (value as ExclusionReason) : undefined;
}

/** `--exclusions`: CSV `environment,start,end,reason,announced_at`, or a Statuspage scheduled-maintenances export. */
export function parseExclusions(text: string, context: ImportContext): Exclusion[] {
  if (/^\s*\{/.test(text))
    return withJsonLines(text, context.file, () => importStatuspage(text, context).exclusions);
  return readCsv(text, context.file, ['environment', 'start', 'end', 'reason']).map(({ line, record }) => {
    const start = timeAt(record.start, context, line, 'start');
    const end = timeAt(record.end, context, line, 'end');
    if (end <= start) throw inputError(context.file, line, 'end is not after start');
    const reason = exclusionReason(record.reason ?? '');
    if (!reason) {
      throw inputError(
        context.file,
        line,
        `unknown reason "${record.reason}"`,
        `use one of ${EXCLUSION_REASONS.join(', ')}`,
      );
    }
    return {
      environment: record.environment || '*',
      start,
      end,
      reason,
      announcedAt: record.announced_at
        ? timeAt(record.announced_at, context, line, 'announced_at')
        : undefined,
      source: `${context.file}:${line}`,
    };
  });
}

export interface Defaults {
  /** `--environment` */
  environment?: string | undefined;
  /** `--component` */
  component?: string | undefined;
}

/** The component name an incident gets when nothing names one and there is no inventory. */
const WHOLE = '*';

/** Without an inventory: one dedicated environment with the components seen in the incidents. */
export function inferInventory(
  incidents: readonly ImportedIncident[],
  defaults: Defaults,
  account: string | undefined,
  charges: { charges: string; oneTimeCharges?: string | undefined; currency?: string | undefined },
): Inventory {
  const named = new Set(incidents.map((i) => i.environment).filter((e): e is string => Boolean(e)));
  const name = defaults.environment ?? (named.size === 1 ? [...named][0] : undefined);
  if (!name) {
    throw usageError(
      'SLA_ENVIRONMENT_REQUIRED',
      'no inventory, and the incidents do not name a single environment',
      {
        hint: 'give --environment NAME (and --charges), or an --inventory file',
      },
    );
  }
  const cents = parseMoney(charges.charges);
  const oneTime = parseMoney(charges.oneTimeCharges ?? '0');
  if (cents === undefined || oneTime === undefined || oneTime > cents) {
    throw usageError(
      'SLA_CHARGES_INVALID',
      'charges must be amounts such as 1450.00, one-time charges not above them',
      {
        hint: 'e.g. --charges 1450.00 --one-time-charges 250.00',
      },
    );
  }
  const apps = new Set<string>();
  const databases = new Set<string>();
  for (const i of incidents) {
    const component = i.component ?? defaults.component;
    if (!component) continue;
    (i.kind === 'db' ? databases : apps).add(component);
  }
  if (apps.size + databases.size === 0) apps.add(name);
  return {
    account: account ?? name,
    environments: [
      {
        name,
        type: 'dedicated',
        apps: [...apps],
        databases: [...databases],
        charges: cents,
        oneTimeCharges: oneTime,
        currency: charges.currency ?? 'USD',
      },
    ],
  };
}

/**
 * Ties imported incidents to the inventory. An incident that names no component concerns the whole environment
 * (every app and database down). Components the inventory does not list are left out, with a warning.
 */
export function resolveIncidents(
  imported: readonly ImportedIncident[],
  inventory: Inventory,
  defaults: Defaults,
): { incidents: Incident[]; warnings: string[] } {
  const incidents: Incident[] = [];
  const warnings = new Set<string>();
  const single = inventory.environments.length === 1 ? inventory.environments[0]!.name : undefined;
  for (const i of imported) {
    const envName = i.environment ?? defaults.environment ?? single;
    if (!envName) {
      throw dataError('SLA_ENVIRONMENT_REQUIRED', `${i.source}: the incident names no environment`, {
        hint: 'add an environment column, or give --environment NAME',
      });
    }
    const env = inventory.environments.find((e) => e.name === envName);
    if (!env) {
      throw dataError(
        'SLA_UNKNOWN_ENVIRONMENT',
        `${i.source}: environment "${envName}" is not in the inventory`,
        {
          hint: `the inventory lists ${inventory.environments.map((e) => e.name).join(', ')}`,
        },
      );
    }
    const component = i.component ?? defaults.component ?? WHOLE;
    const components = component === WHOLE ? [...env.apps, ...env.databases] : [component];
    for (const c of components) {
      const kind = env.apps.includes(c) ? 'app' : env.databases.includes(c) ? 'db' : undefined;
      if (!kind) {
        warnings.add(`component "${c}" is not in the inventory of ${env.name}: its incidents are left out`);
        continue;
      }
      if (i.kind && i.kind !== kind) {
        throw dataError(
          'SLA_KIND_MISMATCH',
          `${i.source}: "${c}" is a ${kind} in the inventory, not a ${i.kind}`,
          {
            hint: 'fix the kind column or the inventory',
          },
        );
      }
      incidents.push({
        environment: env.name,
        component: c,
        kind,
        start: i.start,
        end: i.end,
        source: i.source,
      });
    }
  }
  return { incidents, warnings: [...warnings] };
}
