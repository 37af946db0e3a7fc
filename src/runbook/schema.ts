/**
 * The JSON schema of the runbook manifest: the one definition, used to validate manifests and printed by
 * `neptune runbook lint --print-schema`.
 */

/**
 * How the lint compiles its schemas (this one and the config's). `validateSchema: false`: Ajv would first compile
 * the JSON Schema meta-schema to check our own constant schemas, ~45 ms of any run that validates a manifest or a
 * config file; schema.test.ts checks them against the meta-schema instead (decision 0212).
 */
export const AJV_OPTIONS = { allErrors: true, strict: false, validateSchema: false } as const;

const duration = {
  description: 'A duration: seconds as an integer, or e.g. "90s", "2m", "1h30m".',
  oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^(?:\\d+h)?(?:\\d+m)?(?:\\d+s)?$', minLength: 2 }],
};

export const MANIFEST_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'neptune-runbook-manifest-v1',
  title: 'neptune runbook manifest',
  description:
    'Metadata of a runbook: a YAML block in comments right after the shebang, opened by a "# neptune:" line, or a sidecar <file>.neptune.yaml.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'mode', 'timeout'],
  properties: {
    name: {
      description: 'Stable runbook name: lower case letters, digits, ".", "_" and "-".',
      type: 'string',
      pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
    },
    description: { description: 'What the runbook does, in one sentence.', type: 'string', minLength: 1 },
    mode: {
      description: 'diagnose: reads only; remediate: changes state.',
      enum: ['diagnose', 'remediate'],
    },
    timeout: { ...duration, description: 'The agent kills the runbook after this long.' },
    run_as: { description: 'The user the agent runs the runbook as.', type: 'string', minLength: 1 },
    sudo: {
      description:
        'The exact commands the runbook may run with sudo (a command, or a command with its leading words).',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    hosts: {
      description: 'Host selectors the runbook may run on (names, globs, or tag=value).',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
    params: {
      description:
        'Alert values the runbook reads. A param "host" arrives as $NP_HOST; a name that already has the prefix is used as is.',
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          description: { type: 'string' },
          pattern: { type: 'string', minLength: 1 },
          enum: { type: 'array', items: { type: 'string' }, minItems: 1 },
          maxLength: { type: 'integer', minimum: 1 },
          required: { type: 'boolean' },
          default: { type: 'string' },
        },
      },
    },
    caps: {
      description:
        'How often the runbook may run: at most `max` runs per `per`, and `cooldown` between runs.',
      type: 'object',
      additionalProperties: false,
      properties: {
        max: { type: 'integer', minimum: 1 },
        per: duration,
        cooldown: duration,
      },
    },
    destructive: { description: 'The runbook deletes, resets, stops or destroys things.', type: 'boolean' },
    idempotent: { description: 'Running it twice has the same effect as once.', type: 'boolean' },
    requires: {
      description: 'Commands the runbook needs on the host.',
      type: 'array',
      items: { type: 'string', minLength: 1 },
    },
  },
} as const;

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
const nonEmptyStrings = (v: unknown) => Array.isArray(v) && v.every(nonEmpty);
const DURATION = /^(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;
const isDuration = (v: unknown) =>
  isInteger(v) || (typeof v === 'string' && v.length >= 2 && DURATION.test(v));
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const MANIFEST_KEYS: Record<string, (v: unknown) => boolean> = {
  name: (v) => typeof v === 'string' && NAME.test(v),
  description: nonEmpty,
  mode: (v) => v === 'diagnose' || v === 'remediate',
  timeout: isDuration,
  run_as: nonEmpty,
  sudo: nonEmptyStrings,
  hosts: nonEmptyStrings,
  params: (v) => isObject(v) && Object.keys(v).every((name) => PARAM_NAME.test(name) && validParam(v[name])),
  caps: (v) => isObject(v) && everyKey(v, CAPS_KEYS),
  destructive: (v) => typeof v === 'boolean',
  idempotent: (v) => typeof v === 'boolean',
  requires: nonEmptyStrings,
};

const PARAM_KEYS: Record<string, (v: unknown) => boolean> = {
  description: (v) => typeof v === 'string',
  pattern: nonEmpty,
  enum: (v) => Array.isArray(v) && v.length > 0 && v.every((e) => typeof e === 'string'),
  maxLength: (v) => isInteger(v) && v >= 1,
  required: (v) => typeof v === 'boolean',
  default: (v) => typeof v === 'string',
};

const CAPS_KEYS: Record<string, (v: unknown) => boolean> = {
  max: (v) => isInteger(v) && v >= 1,
  per: isDuration,
  cooldown: isDuration,
};

function everyKey(value: Obj, keys: Record<string, (v: unknown) => boolean>): boolean {
  for (const key of Object.keys(value))
    if (!Object.hasOwn(keys, key) || !keys[key]!(value[key])) return false;
  return true;
}

function validParam(value: unknown): boolean {
  return isObject(value) && everyKey(value, PARAM_KEYS);
}

/**
 * MANIFEST_SCHEMA's answer for a value, without Ajv: compiling the schema cost ~0.1 s of every run's start-up
 * (decision 0209). Only the fast path of the manifest parser asks this; problems and their messages still come
 * from Ajv. A property test holds the two to the same answer.
 */
export function isValidManifest(value: unknown): boolean {
  if (!isObject(value)) return false;
  for (const key of ['name', 'description', 'mode', 'timeout']) if (!Object.hasOwn(value, key)) return false;
  return everyKey(value, MANIFEST_KEYS);
}

/**
 * The part of a manifest that has the schema's shape, for the rules: a key of the wrong shape is dropped (META002
 * reports it once; every other rule treats it as absent), as are the wrongly-shaped entries of a list, of params
 * and of caps. Not an object: null.
 */
export function wellShaped(value: unknown): Obj | null {
  if (!isObject(value)) return null;
  const out: Obj = {};
  for (const key of Object.keys(value)) {
    if (!Object.hasOwn(MANIFEST_KEYS, key)) continue;
    const v = value[key];
    if (MANIFEST_KEYS[key]!(v)) out[key] = v;
    else if ((key === 'sudo' || key === 'hosts' || key === 'requires') && Array.isArray(v))
      out[key] = v.filter(nonEmpty);
    else if (key === 'params' && isObject(v))
      out[key] = Object.fromEntries(
        Object.entries(v).filter(([name, spec]) => PARAM_NAME.test(name) && validParam(spec)),
      );
    else if (key === 'caps' && isObject(v))
      out[key] = Object.fromEntries(
        Object.entries(v).filter(([k, c]) => Object.hasOwn(CAPS_KEYS, k) && CAPS_KEYS[k]!(c)),
      );
  }
  return out;
}
