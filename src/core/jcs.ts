/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte form of a JSON value that is signed and hashed.
 *
 * - Numbers: ECMAScript's Number-to-String (what JSON.stringify does); NaN and the infinities are refused.
 * - Strings: JSON.stringify's escaping (\b \t \n \f \r, other controls as lower-case \u00xx, `"` and `\`, the
 *   rest literal), which is exactly RFC 8785 §3.2.2.2; lone surrogates are refused (I-JSON, RFC 7493).
 * - Objects: members sorted by their names as arrays of UTF-16 code units (JavaScript's default string order),
 *   recursively; array order is kept.
 *
 * Only plain JSON values are accepted: no undefined inside arrays, functions, symbols, bigints, dates or class
 * instances. An object member whose value is `undefined` is left out (as JSON.stringify does), so an optional field
 * that is absent and one that is undefined sign the same.
 */

export class CanonicalizationError extends Error {
  override readonly name = 'CanonicalizationError';
  constructor(
    readonly reason: string,
    /** where in the value, built while unwinding: `$.a[2]` */
    readonly path = '',
  ) {
    super(`$${path}: ${reason}`);
  }
}

/** Re-throws a CanonicalizationError from inside `step` with `step` prepended to its path. */
function within(step: string, error: unknown): never {
  if (error instanceof CanonicalizationError)
    throw new CanonicalizationError(error.reason, step + error.path);
  throw error;
}

function str(value: string): string {
  if (!value.isWellFormed()) throw new CanonicalizationError('a string holds a lone surrogate');
  return JSON.stringify(value);
}

function write(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new CanonicalizationError(`${value} is not a JSON number`);
      // -0 serialises as 0 (ECMAScript Number::toString), as RFC 8785 requires.
      return JSON.stringify(value);
    case 'string':
      return str(value);
    case 'object': {
      if (Array.isArray(value)) {
        let out = '[';
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          try {
            if (item === undefined) throw new CanonicalizationError('undefined is not JSON');
            out += (i > 0 ? ',' : '') + write(item);
          } catch (error) {
            within(`[${i}]`, error);
          }
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        throw new CanonicalizationError(`a ${proto?.constructor?.name ?? 'non-plain'} object is not JSON`);
      // Default sort compares UTF-16 code units, which is what RFC 8785 §3.2.3 asks for.
      const keys = Object.keys(value).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        try {
          out += `${first ? '' : ','}${str(k)}:${write(v)}`;
        } catch (error) {
          within(`.${k}`, error);
        }
        first = false;
      }
      return `${out}}`;
    }
    default:
      throw new CanonicalizationError(`a ${typeof value} is not JSON`);
  }
}

/** The canonical JSON text of `value` (RFC 8785). Throws CanonicalizationError for what is not I-JSON. */
export function canonicalize(value: unknown): string {
  if (value === undefined) throw new CanonicalizationError('undefined is not JSON');
  return write(value);
}

/** The canonical form as UTF-8 bytes: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalize(value), 'utf8');
}
