import { describe, expect, it } from 'vitest';
import { KilnApiError, KilnClient } from '../src/index.js';
import { publishPresence, useGateway } from './support/gateway.js';

const gateway = useGateway({ flush: true, listen: true });
const baseUrl = () => `http://127.0.0.1:${gateway.port}`;

const kiln = () => new KilnClient({ baseUrl: `${baseUrl()}/` });

describe('languages', () => {
  it('lists the languages with a live executor, from the presence in Redis', async () => {
    await publishPresence(gateway.client, 'python', 'executor-python-1:7070', { version: 'Python 3.11.2' });
    await publishPresence(gateway.client, 'python', 'executor-python-2:7070', { version: 'Python 3.11.2' });
    expect(await kiln().languages()).toEqual({
      languages: [{ language: 'python', versions: ['Python 3.11.2'], replicas: 2, slots: 4, busy: 0 }],
    });
  });

  it('is an empty list when no executor is connected', async () => {
    expect(await kiln().languages()).toEqual({ languages: [] });
  });
});

describe('health and ready', () => {
  it('health answers ok', async () => {
    expect(await kiln().health()).toEqual({ status: 'ok' });
  });

  it('ready lists every language once each has a live executor', async () => {
    for (const language of ['python', 'javascript', 'cpp'] as const) {
      await publishPresence(gateway.client, language, `executor-${language}:7070`);
    }
    expect(await kiln().ready()).toEqual({ status: 'ready', languages: ['python', 'javascript', 'cpp'] });
  });

  it('ready throws NOT_READY (503) naming the languages without an executor', async () => {
    await publishPresence(gateway.client, 'python', 'executor-python:7070');
    const err = await kiln()
      .ready()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnApiError);
    expect(err).toMatchObject({
      status: 503,
      code: 'NOT_READY',
      message: 'Not ready: no live executor for javascript, cpp',
    });
  });
});

describe('options', () => {
  it('sends the API key as a bearer token through the fetch it was given', async () => {
    const seen: Headers[] = [];
    const kilnClient = new KilnClient({
      baseUrl: baseUrl(),
      apiKey: 'kiln_test_key',
      fetch: (input, init) => {
        seen.push(new Headers(init?.headers));
        return fetch(input, init);
      },
    });
    expect(await kilnClient.health()).toEqual({ status: 'ok' });
    expect(seen.map((headers) => headers.get('authorization'))).toEqual(['Bearer kiln_test_key']);
  });

  it('refuses a baseUrl that is not an http(s) URL', () => {
    expect(() => new KilnClient({ baseUrl: 'localhost:5000' })).toThrow(TypeError);
    expect(() => new KilnClient({ baseUrl: 'not a url' })).toThrow(TypeError);
  });
});
