import { describe, expect, it } from 'vitest';
import { api, baseUrl, until } from './support/http.js';

describe('the README example', () => {
  it('answers exactly the documented output', async () => {
    const response = await api('POST', '/api/code/execute', {
      code: 'name = input("Enter your name: ")\nprint(f"Hello, {name}!")',
      language: 'python',
      input: 'Alice',
    });
    expect(response.status).toBe(200);
    expect(response.json).toEqual({
      success: true,
      data: {
        output: 'Enter your name: Hello, Alice!',
        error: false,
        executionTime: expect.stringMatching(/^\d+ ms$/),
      },
    });
  });
});

const programs = {
  python: 'import sys\nwords = sys.stdin.read().split()\nprint(len(words), words[-1].upper())',
  javascript:
    'const words = require("fs").readFileSync(0, "utf8").split(/\\s+/).filter(Boolean);\nconsole.log(words.length, words.at(-1).toUpperCase());',
  cpp: '#include <bits/stdc++.h>\nint main() { std::string w, last; int n = 0; while (std::cin >> w) { ++n; last = w; }\n  for (auto &c : last) c = toupper(c); std::cout << n << " " << last << "\\n"; }',
};

describe.each(Object.entries(programs))('%s with stdin', (language, code) => {
  it('runs synchronously and returns the whole result', async () => {
    const response = await api('POST', '/api/v1/executions', {
      language,
      code,
      stdin: 'one two\nthree kiln\n',
    });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: expect.any(String), state: 'finished' });
    expect(response.json.result).toMatchObject({
      id: response.json.id,
      language,
      status: 'ok',
      exitCode: 0,
      signal: null,
      stdout: '4 KILN\n',
      stderr: '',
      stdoutTruncated: false,
      stderrTruncated: false,
    });
    expect(response.json.result.memoryKb).toBeGreaterThan(0);
  });
});

describe('asynchronous executions', () => {
  it('answers 202 at once and the result can be polled', async () => {
    const created = await api('POST', '/api/v1/executions?wait=false', {
      language: 'python',
      code: 'import time\ntime.sleep(0.5)\nprint("late")',
    });
    expect(created.status).toBe(202);
    expect(created.json).toEqual({
      id: expect.any(String),
      state: expect.stringMatching(/^(queued|running)$/),
    });
    const finished = await until(async () => {
      const polled = await api('GET', `/api/v1/executions/${created.json.id}`);
      expect(polled.status).toBe(200);
      return polled.json.state === 'finished' ? polled.json : undefined;
    });
    expect(finished.result).toMatchObject({ id: created.json.id, status: 'ok', stdout: 'late\n' });
  });

  it('answers 404 for an unknown execution', async () => {
    const response = await api('GET', '/api/v1/executions/00000000-0000-4000-8000-000000000000');
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('EXECUTION_NOT_FOUND');
  });

  it('reports a failing program as a normal result with its status', async () => {
    const response = await api('POST', '/api/v1/executions', {
      language: 'javascript',
      code: 'process.exit(3)',
    });
    expect(response.status).toBe(200);
    expect(response.json.result).toMatchObject({ status: 'runtime_error', exitCode: 3 });
  });
});

describe('discovery endpoints', () => {
  it('lists the three languages with the versions their executors report', async () => {
    const response = await api('GET', '/api/v1/languages');
    expect(response.status).toBe(200);
    const languages = JSON.stringify(response.json);
    for (const language of ['python', 'javascript', 'cpp']) expect(languages).toContain(`"${language}"`);
    expect(languages).toMatch(/Python 3\./);
  });

  it('is ready and healthy', async () => {
    expect((await api('GET', '/health')).status).toBe(200);
    expect((await api('GET', '/ready')).status).toBe(200);
  });

  it('serves the generated OpenAPI document and the docs UI', async () => {
    const openapi = await api('GET', '/openapi.json');
    expect(openapi.status).toBe(200);
    expect(Object.keys(openapi.json.paths)).toEqual(
      expect.arrayContaining([
        '/api/code/execute',
        '/api/v1/executions',
        '/api/v1/executions/{id}',
        '/api/v1/languages',
      ]),
    );
    const docs = await fetch(`${baseUrl()}/docs`);
    expect(docs.status).toBeLessThan(400);
  });
});

describe('bad requests', () => {
  it.each([
    ['an unknown language', { language: 'cobol', code: 'x' }, 400, 'UNKNOWN_LANGUAGE'],
    ['a missing code', { language: 'python' }, 400, 'VALIDATION_ERROR'],
    ['an unknown field', { language: 'python', code: 'x', priority: 9 }, 400, 'VALIDATION_ERROR'],
    [
      'a limit past the maximum',
      { language: 'python', code: 'x', limits: { timeMs: 999_999 } },
      400,
      'LIMIT_EXCEEDED',
    ],
    ['code past its size cap', { language: 'python', code: 'x'.repeat(70 * 1024) }, 413, 'PAYLOAD_TOO_LARGE'],
  ])('refuses %s with a clear code', async (_name, body, status, code) => {
    const response = await api('POST', '/api/v1/executions', body);
    expect(response.status).toBe(status);
    expect(response.json).toEqual({ error: { code, message: expect.any(String) } });
  });

  it('refuses malformed JSON', async () => {
    const response = await api('POST', '/api/v1/executions', '{"language": ');
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe('INVALID_JSON');
  });
});
