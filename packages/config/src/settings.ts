/**
 * How a setting is declared: its environment variable, once, with its default, its parser and a one-line
 * doc. A service's settings are a table of these (plain objects nest; `group` derives one value from
 * several), read by `readConfig`.
 */

/** What a parser makes of a variable's text: its value, or a problem (and still a value, when it has one). */
export type Parsed<V> = { readonly value: V } | { readonly problem: string; readonly value?: V };

/** One environment variable. `T` is what reading it gives: `undefined` too when it has no default. */
export interface Setting<T> {
  readonly kind: 'setting';
  readonly env: string;
  readonly doc: string;
  /** The value when the variable is unset or empty. */
  readonly default: T | undefined;
  /** Unset is a problem (it has no default). */
  readonly required: boolean;
  /** Never quoted in a problem: a password, or a URL that may hold one. */
  readonly secret: boolean;
  /** Set by an image, compose or the tests, not by whoever runs Kiln: not in the README's table. */
  readonly internal: boolean;
  /** The variable's former name, read only when `env` is unset. */
  readonly formerly: string | undefined;
  parse(text: string): Parsed<NonNullable<T>>;
}

/** Several settings read together into one value (e.g. a connection from a URL and a password file). */
export interface Group<T extends Table, R> {
  readonly kind: 'group';
  readonly settings: T;
  /** Runs even when a setting of the group had a problem (that setting then has its default). */
  finish(values: ConfigOf<T>, problems: string[]): R;
}

export interface Table {
  readonly [key: string]: Setting<unknown> | Group<Table, unknown> | Table;
}

/** The typed, read configuration of a table. */
export type ConfigOf<T extends Table> = { readonly [K in keyof T]: ValueOf<T[K]> };
type ValueOf<E> =
  E extends Setting<infer V>
    ? V
    : E extends Group<Table, infer R>
      ? R
      : E extends Table
        ? ConfigOf<E>
        : never;

interface Options<V> {
  readonly env: string;
  readonly doc: string;
  readonly default?: V;
  readonly required?: true;
  readonly secret?: true;
  readonly internal?: true;
  readonly formerly?: string;
}

/** A setting with a default (written as `D`), or required, is never undefined once read. */
type Read<O, V, D = V> = O extends { readonly default: D } | { readonly required: true } ? V : V | undefined;

function setting<V, O extends Options<unknown>, D = V>(
  options: O,
  parse: (text: string) => Parsed<V>,
  fallback: V | undefined = options.default as V | undefined,
): Setting<Read<O, V, D>> {
  return {
    kind: 'setting',
    env: options.env,
    doc: options.doc,
    default: fallback,
    required: options.required ?? false,
    secret: options.secret ?? false,
    internal: options.internal ?? false,
    formerly: options.formerly,
    parse,
  } as Setting<Read<O, V, D>>;
}

/**
 * A whole number from min to max, written as plain decimal digits only: "1.5", "1e3" or "0x10" are refused
 * rather than read as something else, as a misread setting is worse than a refused one.
 */
export function integer<const O extends Options<number> & { readonly min: number; readonly max: number }>(
  options: O,
) {
  const { default: fallback, min, max } = options;
  if (fallback !== undefined && !(Number.isInteger(fallback) && fallback >= min && fallback <= max)) {
    throw new Error(`${options.env}: its default is not an integer from ${min} to ${max}`);
  }
  return setting<number, O>(options, (text) => {
    if (!/^-?\d+$/.test(text)) return { problem: 'must be integer' };
    const value = Number(text);
    // Out of range, the value is kept: checks across settings can still say what they make of it.
    if (value < options.min) return { problem: `must be >= ${options.min}`, value };
    if (value > options.max) return { problem: `must be <= ${options.max}`, value };
    return { value };
  });
}

/** Every service's booleans: `true` or `1`, `false` or `0`, in any case. */
export function boolean<const O extends Options<boolean>>(options: O) {
  return setting<boolean, O>(options, (text) => {
    const value = text.toLowerCase();
    if (value === 'true' || value === '1') return { value: true };
    if (value === 'false' || value === '0') return { value: false };
    return { problem: 'must be true, false, 1 or 0' };
  });
}

/** Any text (trimmed, as every variable is). */
export function text<const O extends Options<string>>(options: O) {
  return setting<string, O>(options, (value) => ({ value }));
}

/** One of a fixed list of words, as written. */
export function oneOf<const O extends Options<string> & { readonly values: readonly string[] }>(options: O) {
  type Word = O['values'][number];
  if (options.default !== undefined && !options.values.includes(options.default)) {
    throw new Error(`${options.env}: its default is not one of its values`);
  }
  return setting<Word, O>(options, (value) =>
    options.values.includes(value) ? { value } : { problem: `must be one of ${options.values.join(', ')}` },
  );
}

/** A URL; `pattern` (a regular expression's source) restricts it further, e.g. to its schemes. */
export function url<const O extends Options<string> & { readonly pattern?: string }>(options: O) {
  const pattern = options.pattern === undefined ? undefined : new RegExp(options.pattern);
  return setting<string, O>(options, (value) => {
    if (pattern && !pattern.test(value)) return { problem: `must match pattern "${options.pattern}"` };
    return URL.canParse(value) ? { value } : { problem: 'must be a URL' };
  });
}

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** `host:port`, with a port from 1 to 65535. */
export function hostPort<const O extends Options<string>>(options: O) {
  const parse = (text: string): Parsed<HostPort> => {
    const match = /^([^:\s]+):(\d{1,5})$/.exec(text);
    const port = Number(match?.[2]);
    return match && port >= 1 && port <= 65_535
      ? { value: { host: match[1]!, port } }
      : { problem: 'must be host:port' };
  };
  // The default is written as the variable would be, and must read as one.
  const fallback = options.default === undefined ? undefined : parse(options.default).value;
  if (options.default !== undefined && !fallback)
    throw new Error(`${options.env}: its default is not host:port`);
  return setting<HostPort, O, string>(options, parse, fallback);
}

/** A list of words separated by `separator`; empty items are dropped. */
export function list<const O extends Options<readonly string[]> & { readonly separator: string }>(
  options: O,
) {
  return setting<readonly string[], O>(options, (text) => ({
    value: text
      .split(options.separator)
      .map((item) => item.trim())
      .filter(Boolean),
  }));
}

/** Read `settings` together, then `finish` makes their one value (adding the problems it finds). */
export function group<T extends Table, R>(
  settings: T,
  finish: (values: ConfigOf<T>, problems: string[]) => R,
): Group<T, R> {
  return { kind: 'group', settings, finish };
}
