import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useGateway } from './support/gateway.js';

/**
 * The OpenAPI document is generated from the route schemas; the copy committed at the repository's root
 * (openapi.json, for users of other languages to generate clients from) must be that document exactly.
 * `pnpm --filter @kiln/gateway openapi` writes it again after a route changes.
 */
const COMMITTED = new URL('../../../openapi.json', import.meta.url);

const kiln = useGateway();

interface Operation {
  operationId?: string;
  tags?: string[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
}
type Document = {
  tags: Array<{ name: string }>;
  paths: Record<string, Record<string, Operation>>;
};

async function generated(): Promise<Document> {
  const res = await kiln.app.inject({ method: 'GET', url: '/openapi.json' });
  expect(res.statusCode).toBe(200);
  return res.json() as Document;
}

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      at: `${method.toUpperCase()} ${path}`,
      operation,
    })),
  );

describe('the OpenAPI document', () => {
  it('is the committed openapi.json', async () => {
    const text = `${JSON.stringify(await generated(), null, 2)}\n`;
    if (process.env.KILN_WRITE_OPENAPI === '1') writeFileSync(COMMITTED, text);
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(JSON.parse(text));
  });

  it('names every operation once, and declares every tag it uses', async () => {
    const document = await generated();
    const all = operations(document);
    expect(all.length).toBeGreaterThan(10);
    const ids = all.map(({ at, operation }) => operation.operationId ?? `none at ${at}`);
    expect(ids.filter((id) => id.startsWith('none'))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const declared = document.tags.map((tag) => tag.name);
    for (const { at, operation } of all)
      for (const tag of operation.tags ?? []) expect(declared, `${at} uses tag ${tag}`).toContain(tag);
  });

  it('says which answers are event streams and which may be CSV', async () => {
    const document = await generated();
    const media = (path: string, method = 'get') =>
      Object.keys(document.paths[path]?.[method]?.responses?.['200']?.content ?? {});
    expect(media('/api/v1/submissions/{id}/events')).toEqual(['text/event-stream']);
    expect(media('/api/v1/batches/{id}/events')).toEqual(['text/event-stream']);
    expect(media('/api/v1/batches/{id}/results')).toEqual(['application/json', 'text/csv']);
  });
});
