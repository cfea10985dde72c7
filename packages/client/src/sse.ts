/**
 * A parser for `text/event-stream` (the WHATWG "event stream interpretation"), written by hand because Node has
 * no EventSource that can send an Authorization header. Chunks may split a line, a CRLF or a UTF-8 sequence
 * anywhere; comments (`:` lines) are keep-alives and are dropped; several `data:` lines make one value joined
 * by "\n". `retry:` is ignored: the client does not reconnect on its own.
 */

export interface SseEvent {
  /** The `event:` field; "message" when the event had none. */
  event: string;
  data: string;
  /** The last `id:` seen on the stream, if any (it carries over to later events, as the standard says). */
  id?: string;
}

const LINE_END = /[\r\n]/g;

export class SseParser {
  private buffer = '';
  /** Where to resume looking for a line end: the buffer before it holds none. */
  private scanned = 0;
  /** The last chunk ended in CR; a LF opening the next one belongs to the same line end. */
  private skipLf = false;
  private started = false;
  private eventName = '';
  private data: string[] = [];
  private lastId: string | undefined;

  /** Feed decoded text; returns the events it completed, in order. */
  push(chunk: string): SseEvent[] {
    let text = chunk;
    if (this.skipLf && text !== '') {
      if (text.startsWith('\n')) text = text.slice(1);
      this.skipLf = false;
    }
    if (!this.started && text !== '') {
      this.started = true;
      if (text.startsWith('\uFEFF')) text = text.slice(1);
    }
    this.buffer += text;

    const events: SseEvent[] = [];
    let start = 0;
    LINE_END.lastIndex = this.scanned;
    for (let match = LINE_END.exec(this.buffer); match; match = LINE_END.exec(this.buffer)) {
      const end = match.index;
      let next = end + 1;
      if (this.buffer[end] === '\r') {
        if (next < this.buffer.length) {
          if (this.buffer[next] === '\n') next++;
        } else {
          this.skipLf = true;
        }
      }
      this.line(this.buffer.slice(start, end), events);
      start = next;
      LINE_END.lastIndex = next;
    }
    this.buffer = this.buffer.slice(start);
    this.scanned = this.buffer.length;
    return events;
  }

  private line(line: string, events: SseEvent[]): void {
    if (line === '') {
      this.dispatch(events);
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.eventName = value;
    else if (field === 'data') this.data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
  }

  private dispatch(events: SseEvent[]): void {
    // A blank line with no data ends nothing, but still forgets the event name (the standard's rule).
    if (this.data.length > 0) {
      const event: SseEvent = { event: this.eventName || 'message', data: this.data.join('\n') };
      if (this.lastId !== undefined) event.id = this.lastId;
      events.push(event);
    }
    this.eventName = '';
    this.data = [];
  }
}

/**
 * The events of a byte stream, decoded as UTF-8. An event cut off by the end of the stream (no blank line
 * after it) is dropped, as the standard says; returning early cancels the stream, which closes the connection.
 */
export async function* readEvents(stream: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    yield* parser.push(decoder.decode(chunk, { stream: true }));
  }
  parser.push(decoder.decode());
}
