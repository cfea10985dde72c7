import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, renameSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Compiled binaries, keyed by a hash of compiler version, compile command and source, in a bounded LRU
 * (entries and bytes). Files are root's, 0755, in a directory the slots cannot list, and are copied into a
 * run's work dir, never executed in place, so no run can touch another's binary.
 */
export class CompileCache {
  private readonly entries = new Map<string, number>(); // key -> size, oldest first
  private bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true, mode: 0o711 });
  }

  static key(compilerVersion: string, command: readonly string[], source: string): string {
    return createHash('sha256')
      .update(compilerVersion)
      .update('\0')
      .update(command.join('\0'))
      .update('\0')
      .update(source)
      .digest('hex');
  }

  /** Copy a cached binary to `target` (root's, 0755). False on a miss. */
  copyOut(key: string, target: string): boolean {
    const size = this.entries.get(key);
    if (size === undefined) return false;
    this.entries.delete(key);
    this.entries.set(key, size);
    copyFileSync(join(this.dir, key), target);
    return true;
  }

  /** Store a binary the agent already owns. */
  store(key: string, binary: string): void {
    if (this.maxEntries === 0 || this.entries.has(key)) return;
    const size = statSync(binary).size;
    if (size > this.maxBytes) return;
    const temporary = join(this.dir, `${key}.partial`);
    copyFileSync(binary, temporary);
    renameSync(temporary, join(this.dir, key));
    this.entries.set(key, size);
    this.bytes += size;
    for (const [oldest, oldestSize] of this.entries) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.bytes -= oldestSize;
      unlinkSync(join(this.dir, oldest));
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
