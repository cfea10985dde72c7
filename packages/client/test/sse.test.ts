import { describe, expect, it } from 'vitest';
import { readEvents, type SseEvent } from '../src/sse.js';

function byteStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of readEvents(stream)) events.push(event);
  return events;
}

/** Parse a stream given as text chunks, in order, each sent as its own UTF-8 chunk. */
function parse(...chunks: string[]): Promise<SseEvent[]> {
  const encoder = new TextEncoder();
  return collect(byteStream(chunks.map((chunk) => encoder.encode(chunk))));
}

const sample = [
  ': connected',
  'event: progress',
  'data: {"done":1,"total":3}',
  '',
  'event: progress',
  'data: {"done":2,',
  'data: "total":3}',
  '',
  ': keep-alive',
  '',
  'event: finished',
  'data: {"id":"s-1"}',
  '',
  '',
].join('\n');

const sampleEvents: SseEvent[] = [
  { event: 'progress', data: '{"done":1,"total":3}' },
  { event: 'progress', data: '{"done":2,\n"total":3}' },
  { event: 'finished', data: '{"id":"s-1"}' },
];

describe('readEvents: parsing', () => {
  it('gives named events, joins multi-line data with "\\n" and drops comments', async () => {
    expect(await parse(sample)).toEqual(sampleEvents);
  });

  it('gives the same events wherever the chunks split the text', async () => {
    for (let at = 0; at <= sample.length; at++) {
      expect(await parse(sample.slice(0, at), sample.slice(at))).toEqual(sampleEvents);
    }
    expect(await parse(...sample)).toEqual(sampleEvents);
  });

  it('accepts CRLF and lone CR line ends, a CRLF split across chunks included', async () => {
    const crlf = sample.replaceAll('\n', '\r\n');
    for (let at = 0; at <= crlf.length; at++) {
      expect(await parse(crlf.slice(0, at), crlf.slice(at))).toEqual(sampleEvents);
    }
    expect(await parse(...crlf)).toEqual(sampleEvents);
    expect(await parse(sample.replaceAll('\n', '\r'))).toEqual(sampleEvents);
    // The LF after a chunk's final CR ends no second line, so "a" and "b" stay one event.
    expect(await parse('data: a\r', '\ndata: b\r', '', '\n\r\n')).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
  });

  it('names an event "message" when it has no event field', async () => {
    expect(await parse('data: hi\n\n')).toEqual([{ event: 'message', data: 'hi' }]);
  });

  it('strips one space after the colon only, and reads a bare field name as an empty value', async () => {
    expect(await parse('data:x\n\ndata:  two\n\ndata\n\n')).toEqual([
      { event: 'message', data: 'x' },
      { event: 'message', data: ' two' },
      { event: 'message', data: '' },
    ]);
  });

  it('keeps colons inside the value', async () => {
    expect(await parse('data: {"a":"b:c"}\n\n')).toEqual([{ event: 'message', data: '{"a":"b:c"}' }]);
  });

  it('dispatches nothing for a block without data, and forgets its event name', async () => {
    expect(await parse('event: progress\n\ndata: x\n\n', ':only a comment\n\n')).toEqual([
      { event: 'message', data: 'x' },
    ]);
  });

  it('ignores unknown fields and retry', async () => {
    expect(await parse('retry: 1000\nfoo: bar\nevent: e\ndata: d\n\n')).toEqual([{ event: 'e', data: 'd' }]);
  });

  it('carries the last id over to later events', async () => {
    expect(await parse('id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n')).toEqual([
      { event: 'message', data: 'a', id: '7' },
      { event: 'message', data: 'b', id: '7' },
      { event: 'message', data: 'c', id: '' },
    ]);
  });

  it('skips a byte order mark at the start of the stream only', async () => {
    expect(await parse('\uFEFF', 'data: a\n\n')).toEqual([{ event: 'message', data: 'a' }]);
    expect(await parse('data: \uFEFFa\n\n')).toEqual([{ event: 'message', data: '\uFEFFa' }]);
  });

  it('holds an unfinished event until its blank line comes', async () => {
    const chunks = ['event: finished\ndata: {}', '\n', '\n'];
    let sent = 0;
    // highWaterMark 0: a chunk is read only when the parser asks for it, so `sent` is what it had seen.
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (sent === chunks.length) controller.close();
          else controller.enqueue(new TextEncoder().encode(chunks[sent++]));
        },
      },
      { highWaterMark: 0 },
    );
    const seen: { event: SseEvent; sent: number }[] = [];
    for await (const event of readEvents(stream)) seen.push({ event, sent });
    expect(seen).toEqual([{ event: { event: 'finished', data: '{}' }, sent: 3 }]);
  });
});

describe('readEvents: the byte stream', () => {
  it('decodes UTF-8 split between chunks', async () => {
    const bytes = new TextEncoder().encode('data: café 🔥\n\n');
    const chunks = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await collect(byteStream(chunks))).toEqual([{ event: 'message', data: 'café 🔥' }]);
  });

  it('drops an event the end of the stream cut off', async () => {
    const bytes = new TextEncoder().encode('data: whole\n\ndata: cut off\n');
    expect(await collect(byteStream([bytes]))).toEqual([{ event: 'message', data: 'whole' }]);
  });

  it('cancels the stream when the reader stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('data: 1\n\ndata: 2\n\n'));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const event of readEvents(stream)) {
      expect(event.data).toBe('1');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
