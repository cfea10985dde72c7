import { describe, expect, it } from 'vitest';
import {
  boolean,
  ConfigError,
  group,
  integer,
  listSettings,
  logLevel,
  oneOf,
  readConfig,
  text,
  url,
} from '../src/index.js';

const doc = 'a setting under test';
const table = {
  port: integer({ env: 'APP_PORT', default: 5000, min: 1, max: 65_535, doc }),
  name: text({ env: 'APP_NAME', required: true, doc }),
  note: text({ env: 'APP_NOTE', doc }),
  verbose: boolean({ env: 'APP_VERBOSE', default: false, doc }),
  mode: oneOf({ env: 'APP_MODE', values: ['fast', 'safe'], default: 'safe', doc }),
  database: url({ env: 'APP_DATABASE', pattern: '^postgres://', secret: true, doc }),
  limits: {
    low: integer({ env: 'APP_LOW', default: 1, min: 0, max: 100, doc }),
    high: integer({ env: 'APP_HIGH', default: 10, min: 0, max: 100, doc }),
  },
  span: group(
    {
      from: integer({ env: 'APP_FROM', default: 0, min: 0, max: 100, doc }),
      to: integer({ env: 'APP_TO', default: 100, min: 0, max: 100, doc }),
    },
    ({ from, to }) => to - from,
  ),
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    readConfig(table, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('readConfig', () => {
  it('fills defaults, reads nested tables and groups, and freezes the result deeply', () => {
    const config = readConfig(table, { APP_NAME: 'kiln', APP_VERBOSE: '1', APP_HIGH: '20', APP_FROM: '30' });
    expect(config).toEqual({
      port: 5000,
      name: 'kiln',
      note: undefined,
      verbose: true,
      mode: 'safe',
      database: undefined,
      limits: { low: 1, high: 20 },
      span: 70,
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits)).toBe(true);
  });

  it('trims every variable and treats an empty one as unset', () => {
    const config = readConfig(table, {
      APP_NAME: ' kiln ',
      APP_PORT: ' 8080 ',
      APP_NOTE: '   ',
      APP_MODE: '',
    });
    expect(config).toMatchObject({ name: 'kiln', port: 8080, note: undefined, mode: 'safe' });
    expect(problemsOf({ APP_NAME: '  ' })).toEqual(['APP_NAME is required']);
  });

  it('reports every problem at once, in table order, and never quotes a secret', () => {
    const env = {
      APP_PORT: 'http',
      APP_VERBOSE: 'yes',
      APP_MODE: 'slow',
      APP_DATABASE: 'mysql://root:hunter2@db',
      APP_HIGH: '101',
    };
    const problems = problemsOf(env);
    expect(problems).toEqual([
      'APP_PORT must be integer, got "http"',
      'APP_NAME is required',
      'APP_VERBOSE must be true, false, 1 or 0, got "yes"',
      'APP_MODE must be one of fast, safe, got "slow"',
      'APP_DATABASE must match pattern "^postgres://"',
      'APP_HIGH must be <= 100, got "101"',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
    expect(() => readConfig(table, env)).toThrow(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  });

  it('lets the service add the problems seen across settings, from what could be read', () => {
    const derive = (values: { limits: { low: number; high: number } }, problems: string[]) => {
      if (values.limits.low > values.limits.high) problems.push('APP_LOW is above APP_HIGH');
      return values.limits.high - values.limits.low;
    };
    expect(readConfig(table, { APP_NAME: 'kiln', APP_LOW: '5' }, derive)).toBe(5);
    // An out-of-range number is still what the check across settings sees.
    expect(() => readConfig(table, { APP_NAME: 'kiln', APP_LOW: '50', APP_HIGH: '-1' }, derive)).toThrow(
      'invalid configuration:\n  - APP_HIGH must be >= 0, got "-1"\n  - APP_LOW is above APP_HIGH',
    );
  });

  it('reads a former name only when the setting itself is unset, and names the variable it read', () => {
    const levels = { level: logLevel };
    expect(readConfig(levels, {}).level).toBe('info');
    expect(readConfig(levels, { LOG_LEVEL: 'warn' }).level).toBe('warn');
    expect(readConfig(levels, { KILN_LOG_LEVEL: 'debug', LOG_LEVEL: 'warn' }).level).toBe('debug');
    expect(readConfig(levels, { KILN_LOG_LEVEL: '', LOG_LEVEL: 'warn' }).level).toBe('warn');
    expect(() => readConfig(levels, { LOG_LEVEL: 'loud' })).toThrow(
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    );
  });

  it('refuses a table that reads a variable twice', () => {
    const twice = { a: text({ env: 'X', doc }), b: { c: text({ env: 'X', doc }) } };
    expect(() => readConfig(twice, {})).toThrow('a settings table reads X more than once');
  });

  it('lists every setting of a table, in order', () => {
    expect(listSettings(table).map((setting) => setting.env)).toEqual([
      'APP_PORT',
      'APP_NAME',
      'APP_NOTE',
      'APP_VERBOSE',
      'APP_MODE',
      'APP_DATABASE',
      'APP_LOW',
      'APP_HIGH',
      'APP_FROM',
      'APP_TO',
    ]);
  });
});

describe('ConfigError', () => {
  it('is one class with a stable code, its problems listed', () => {
    const error = new ConfigError(['A is required', 'B must be integer, got "x"']);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ConfigError', code: 'CONFIG_INVALID' });
    expect(error.message).toBe('invalid configuration:\n  - A is required\n  - B must be integer, got "x"');
  });
});
