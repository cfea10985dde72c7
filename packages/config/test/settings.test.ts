import { describe, expect, it } from 'vitest';
import { boolean, hostPort, integer, list, oneOf, text, url } from '../src/index.js';

const doc = 'a setting under test';

describe('the parsers', () => {
  it('reads integers written as plain digits, within their bounds, and keeps the number out of bounds', () => {
    const port = integer({ env: 'PORT', default: 5000, min: 1, max: 65_535, doc });
    expect(port.parse('8080')).toEqual({ value: 8080 });
    for (const text of ['1.5', '1e3', '0x10', 'http', '+1']) {
      expect(port.parse(text)).toEqual({ problem: 'must be integer' });
    }
    expect(port.parse('0')).toEqual({ problem: 'must be >= 1', value: 0 });
    expect(port.parse('70000')).toEqual({ problem: 'must be <= 65535', value: 70_000 });
    expect(port.default).toBe(5000);
    expect(() => integer({ env: 'PORT', default: 0, min: 1, max: 65_535, doc })).toThrow(
      'PORT: its default is not an integer from 1 to 65535',
    );
  });

  it('reads booleans one way everywhere: true or 1, false or 0, in any case', () => {
    const flag = boolean({ env: 'FLAG', default: false, doc });
    for (const text of ['true', 'TRUE', 'True', '1']) expect(flag.parse(text)).toEqual({ value: true });
    for (const text of ['false', 'FALSE', 'False', '0']) expect(flag.parse(text)).toEqual({ value: false });
    for (const text of ['yes', 'on', '2', 'truthy']) {
      expect(flag.parse(text)).toEqual({ problem: 'must be true, false, 1 or 0' });
    }
  });

  it('reads one of a list of words, as written', () => {
    const level = oneOf({ env: 'LEVEL', values: ['info', 'debug'], default: 'info', doc });
    expect(level.parse('debug')).toEqual({ value: 'debug' });
    expect(level.parse('DEBUG')).toEqual({ problem: 'must be one of info, debug' });
    expect(() => oneOf({ env: 'LEVEL', values: ['info'], default: 'loud', doc })).toThrow(
      'LEVEL: its default is not one of its values',
    );
  });

  it('reads URLs, restricted by a pattern', () => {
    const redis = url({ env: 'URL', pattern: '^rediss?://', doc });
    expect(redis.parse('rediss://cache:6380/2')).toEqual({ value: 'rediss://cache:6380/2' });
    expect(redis.parse('http://cache')).toEqual({ problem: 'must match pattern "^rediss?://"' });
    expect(url({ env: 'URL', doc }).parse('not a url')).toEqual({ problem: 'must be a URL' });
  });

  it('reads host:port, its default too', () => {
    const executor = hostPort({ env: 'EXECUTOR', default: 'executor-python:8765', doc });
    expect(executor.default).toEqual({ host: 'executor-python', port: 8765 });
    expect(executor.parse('127.0.0.1:9000')).toEqual({ value: { host: '127.0.0.1', port: 9000 } });
    for (const text of ['executor', 'executor:', ':80', 'executor:0', 'executor:70000', 'a b:80']) {
      expect(executor.parse(text)).toEqual({ problem: 'must be host:port' });
    }
    expect(() => hostPort({ env: 'EXECUTOR', default: 'nowhere', doc })).toThrow(
      'its default is not host:port',
    );
  });

  it('reads lists, dropping empty items', () => {
    const dirs = list({ env: 'DIRS', separator: ':', default: ['/tmp'], doc });
    expect(dirs.parse('/tmp::/dev/shm: ')).toEqual({ value: ['/tmp', '/dev/shm'] });
  });

  it('marks what a setting is: required, secret, internal, its former name', () => {
    expect(text({ env: 'A', doc })).toMatchObject({
      env: 'A',
      doc,
      default: undefined,
      required: false,
      secret: false,
      internal: false,
      formerly: undefined,
    });
    expect(
      text({ env: 'B', required: true, secret: true, internal: true, formerly: 'OLD_B', doc }),
    ).toMatchObject({ required: true, secret: true, internal: true, formerly: 'OLD_B' });
  });
});
