import { createParser } from 'eventsource-parser';

/**
 * `text/event-stream` parsed by eventsource-parser (Node has no EventSource that can send an Authorization
 * header). Chunks may split a line, a CRLF or a UTF-8 sequence anywhere; comments (`:` lines) are keep-alives
 * and are dropped; several `data:` lines make one value joined by "\n". `retry:` is ignored: the client does
 * not reconnect on its own.
 */

export interface SseEvent {
  /** The `event:` field; "message" when the event had none. */
  event: string;
  data: string;
  /** The last `id:` seen on the stream, if any (it carries over to later events, as the standard says). */
  id?: string;
}

/**
 * The events of a byte stream, decoded as UTF-8. An event cut off by the end of the stream (no blank line
 * after it) is dropped, as the standard says; returning early cancels the stream, which closes the connection.
 */
export async function* readEvents(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  // eventsource-parser gives each event the id of its own block only; the standard's last event id persists.
  let lastId: string | undefined;
  let parsed: SseEvent[] = [];
  const parser = createParser({
    onId: (id) => {
      lastId = id;
    },
    onEvent: ({ event, data }) => {
      const message: SseEvent = { event: event ?? 'message', data };
      if (lastId !== undefined) message.id = lastId;
      parsed.push(message);
    },
  });
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    const ready = parsed;
    parsed = [];
    yield* ready;
  }
}
