import { ConfigError } from './errors.js';
import type { ConfigOf, Group, Setting, Table } from './settings.js';

type Env = Readonly<Record<string, string | undefined>>;
type Entry = Table[string];

/**
 * Read a table of settings from an environment (process.env, or a test's object). Every variable is
 * trimmed, and an empty one counts as unset (compose passes `FOO: ${FOO:-}` through as ""). `derive` makes
 * the service's configuration from the values and adds the problems only seen across settings; it runs
 * even when a setting had a problem (that setting then has its default, or its out-of-range number), so
 * that every problem is reported in one ConfigError. The result is frozen, deeply.
 */
export function readConfig<T extends Table>(table: T, env: Env): ConfigOf<T>;
export function readConfig<T extends Table, R>(
  table: T,
  env: Env,
  derive: (values: ConfigOf<T>, problems: string[]) => R,
): R;
export function readConfig<T extends Table, R>(
  table: T,
  env: Env,
  derive?: (values: ConfigOf<T>, problems: string[]) => R,
): R | ConfigOf<T> {
  const names = listSettings(table).flatMap((setting) => [setting.env, setting.formerly ?? []].flat());
  const twice = names.filter((name, i) => names.indexOf(name) !== i);
  // A table that names a variable twice is a bug of the service, not of its environment.
  if (twice.length > 0) throw new Error(`a settings table reads ${twice.join(', ')} more than once`);
  const problems: string[] = [];
  const values = readTable(table, env, problems) as ConfigOf<T>;
  const config = derive ? derive(values, problems) : values;
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(config);
}

/** Every setting of a table, groups and nested tables included, in order. */
export function listSettings(table: Table): Setting<unknown>[] {
  return Object.values(table).flatMap((entry) => {
    if (isSetting(entry)) return [entry];
    return listSettings(isGroup(entry) ? entry.settings : (entry as Table));
  });
}

function readTable(table: Table, env: Env, problems: string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(table).map(([key, entry]) => [key, readEntry(entry, env, problems)]),
  );
}

function readEntry(entry: Entry, env: Env, problems: string[]): unknown {
  if (isSetting(entry)) return readSetting(entry, env, problems);
  if (isGroup(entry)) return entry.finish(readTable(entry.settings, env, problems), problems);
  return readTable(entry as Table, env, problems);
}

function readSetting(setting: Setting<unknown>, env: Env, problems: string[]): unknown {
  const given = [setting.env, setting.formerly]
    .map((name) => ({ name, text: name === undefined ? '' : (env[name]?.trim() ?? '') }))
    .find(({ text }) => text !== '');
  if (!given) {
    if (setting.required) problems.push(`${setting.env} is required`);
    return setting.default;
  }
  const parsed = setting.parse(given.text);
  if (!('problem' in parsed)) return parsed.value;
  // The text is quoted so the operator sees what was read, unless it may hold a secret.
  problems.push(`${given.name} ${parsed.problem}${setting.secret ? '' : `, got "${given.text}"`}`);
  return parsed.value ?? setting.default;
}

function isSetting(entry: Entry): entry is Setting<unknown> {
  return entry.kind === 'setting';
}

function isGroup(entry: Entry): entry is Group<Table, unknown> {
  return entry.kind === 'group';
}

function deepFreeze<V>(value: V): V {
  const plain =
    Array.isArray(value) ||
    (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype);
  if (!plain) return value;
  for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}
