/** Output kept up to a cap: what fits is kept, the rest is counted as truncation. */
export class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}

  /** Returns false once the cap is passed; what fits is kept. */
  push(chunk: Buffer): boolean {
    if (this.truncated) return false;
    const room = this.cap - this.size;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size = this.cap;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  /** What was kept; when cut at the cap, without a UTF-8 sequence the cut left incomplete. */
  get value(): Buffer {
    const all = Buffer.concat(this.chunks);
    return this.truncated ? withoutPartialUtf8(all) : all;
  }
}

function withoutPartialUtf8(buffer: Buffer): Buffer {
  // Look back at most 3 bytes for the lead byte of the last sequence and check it is complete.
  for (let back = 1; back <= Math.min(4, buffer.length); back++) {
    const byte = buffer[buffer.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? buffer.subarray(0, buffer.length - back) : buffer;
  }
  return buffer;
}
