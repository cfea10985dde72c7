import fc from 'fast-check';
import { deepJson, json, malformedJson } from './fuzz-arbitraries.js';

/**
 * Invalid request bodies made from valid ones by exactly one mistake, so that the answer each must get is
 * known: a wrong value in one field, an unknown field, a missing one, deep nesting, or text that is not JSON.
 */

export type Path = ReadonlyArray<string | number>;

/** A field of a request body and values the API must refuse there. */
export interface FieldRule {
  path: Path;
  bad: fc.Arbitrary<unknown>;
  /** 400 unless said (413 for a size cap). */
  status?: number;
}

export interface BodyShape {
  required: Path[];
  /** Objects whose keys are a closed set, where an unknown field is added. */
  closed: Array<{ path: Path; keys: readonly string[] }>;
  fields: FieldRule[];
}

export interface BodyMutation {
  what: string;
  text: string;
  status: number;
}

type Container = Record<string | number, unknown>;

// defineProperty, not assignment: a key such as "__proto__" must become a field, not a prototype.
const define = (target: Container, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

/** A copy of `body` with `value` at `path`, objects made on the way where missing. */
export function setAt(body: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(body) as Container;
  let target = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof target[key] !== 'object' || target[key] === null) define(target, key, {});
    target = target[key] as Container;
  }
  const last = path.at(-1);
  if (last !== undefined) define(target, last, value);
  return copy;
}

function deleteAt(body: unknown, path: Path): unknown {
  const copy = structuredClone(body) as Container;
  let target: Container | undefined = copy;
  for (const key of path.slice(0, -1)) target = target?.[key] as Container | undefined;
  const last = path.at(-1);
  if (target && last !== undefined) delete target[last];
  return copy;
}

const name = (path: Path) => path.join('.') || 'body';
const preview = (value: unknown) => (JSON.stringify(value) ?? String(value)).slice(0, 60);
const DEEP = '@@deep@@';

export function bodyMutations(valid: fc.Arbitrary<unknown>, shape: BodyShape): fc.Arbitrary<BodyMutation> {
  const wrongValue = fc.tuple(valid, fc.constantFrom(...shape.fields)).chain(([body, rule]) =>
    rule.bad.map((value) => ({
      what: `${name(rule.path)} = ${preview(value)}`,
      text: JSON.stringify(setAt(body, rule.path, value)),
      status: rule.status ?? 400,
    })),
  );
  const unknownField = fc
    .tuple(valid, fc.constantFrom(...shape.closed), fc.string({ maxLength: 12 }), json)
    .filter(([, closed, key]) => !closed.keys.includes(key))
    .map(([body, closed, key, value]) => ({
      what: `unknown field ${name([...closed.path, key])}`,
      text: JSON.stringify(setAt(body, [...closed.path, key], value)),
      status: 400,
    }));
  const missing = fc.tuple(valid, fc.constantFrom(...shape.required)).map(([body, path]) => ({
    what: `without ${name(path)}`,
    text: JSON.stringify(deleteAt(body, path)),
    status: 400,
  }));
  const deep = fc
    .tuple(valid, fc.constantFrom<Path>([], ...shape.fields.map((rule) => rule.path)), deepJson)
    .map(([body, path, nested]) => ({
      what: `${name(path)} as nested JSON of ${nested.length} characters`,
      text:
        path.length === 0
          ? nested
          : JSON.stringify(setAt(body, path, DEEP)).replace(`"${DEEP}"`, () => nested),
      status: 400,
    }));
  const malformed = valid.chain((body) =>
    malformedJson(JSON.stringify(body)).map((text) => ({ what: 'not JSON', text, status: 400 })),
  );
  const notAnObject = json
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
    .map((value) => ({ what: 'not an object', text: JSON.stringify(value), status: 400 }));
  const randomObject = fc
    .dictionary(fc.string({ maxLength: 12 }), json, { maxKeys: 6 })
    .map((value) => ({ what: 'a random object', text: JSON.stringify(value), status: 400 }));
  return fc.oneof(wrongValue, unknownField, missing, deep, malformed, notAnObject, randomObject);
}
