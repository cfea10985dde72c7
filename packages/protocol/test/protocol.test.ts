import { describe, expect, it } from 'vitest';
import { LimitExceededError, parseAgentFrame, parseWorkerFrame, resolveLimits } from '../src/index.js';

const defaults = { timeMs: 10_000, cpuTimeMs: 5_000, memoryMb: 128, outputKb: 64 };
const maximums = { timeMs: 30_000, cpuTimeMs: 20_000, memoryMb: 256, outputKb: 1024 };

describe('resolveLimits', () => {
  it('fills missing limits from the defaults', () => {
    expect(resolveLimits(undefined, defaults, maximums)).toEqual(defaults);
    expect(resolveLimits({ timeMs: 500 }, defaults, maximums)).toEqual({ ...defaults, timeMs: 500 });
  });

  it('lets a request raise a limit up to the maximum', () => {
    expect(resolveLimits({ timeMs: 30_000 }, defaults, maximums).timeMs).toBe(30_000);
  });

  it('refuses a limit past the maximum with a typed error naming it', () => {
    expect(() => resolveLimits({ memoryMb: 257 }, defaults, maximums)).toThrow(LimitExceededError);
    try {
      resolveLimits({ memoryMb: 257 }, defaults, maximums);
    } catch (err) {
      expect(err).toBeInstanceOf(LimitExceededError);
      expect((err as LimitExceededError).limit).toBe('memoryMb');
      expect((err as Error).message).toBe('limits.memoryMb is 257, above the server maximum of 256');
    }
  });
});

describe('frames', () => {
  it('accepts a run frame', () => {
    const parsed = parseWorkerFrame(
      JSON.stringify({ type: 'run', id: 'a', code: 'x', stdin: '', limits: {} }),
    );
    expect(parsed).toEqual({ ok: true, value: { type: 'run', id: 'a', code: 'x', stdin: '', limits: {} } });
  });

  it.each([
    ['not json', '{'],
    ['unknown type', JSON.stringify({ type: 'explode' })],
    ['missing code', JSON.stringify({ type: 'run', id: 'a', stdin: '', limits: {} })],
    ['unknown limit', JSON.stringify({ type: 'run', id: 'a', code: '', stdin: '', limits: { gpus: 1 } })],
    ['negative limit', JSON.stringify({ type: 'run', id: 'a', code: '', stdin: '', limits: { timeMs: -1 } })],
    ['empty id', JSON.stringify({ type: 'cancel', id: '' })],
  ])('rejects %s with a message', (_name, text) => {
    const parsed = parseWorkerFrame(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(/frame/);
  });

  it('parses a hello frame on the worker side', () => {
    const hello = { type: 'hello', language: 'cpp', version: 'g++ 12.2.0', slots: 2, agent: '0.1.0' };
    expect(parseAgentFrame(JSON.stringify(hello))).toEqual({ ok: true, value: hello });
  });
});
