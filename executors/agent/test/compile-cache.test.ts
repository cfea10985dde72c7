import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompileCache } from '../src/compile-cache.js';

describe('CompileCache', () => {
  let root: string;
  let cacheDir: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kiln-cache-test-'));
    cacheDir = join(root, 'cache');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A "binary" of `size` bytes whose content names it, and the key it is stored under. */
  const binary = (name: string, size = 100) => {
    const path = join(root, `${name}.bin`);
    writeFileSync(path, name.padEnd(size, '.'));
    return { key: CompileCache.key('g++ 12', ['g++', '-O2'], name), path };
  };
  const has = (cache: CompileCache, key: string) => cache.copyOut(key, join(root, 'out'));

  it('keys by compiler version, command and source', () => {
    const key = CompileCache.key('g++ 12', ['g++', '-O2'], 'int main() {}');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(CompileCache.key('g++ 12', ['g++', '-O2'], 'int main() {}')).toBe(key);
    expect(CompileCache.key('g++ 13', ['g++', '-O2'], 'int main() {}')).not.toBe(key);
    expect(CompileCache.key('g++ 12', ['g++', '-O0'], 'int main() {}')).not.toBe(key);
    expect(CompileCache.key('g++ 12', ['g++', '-O2'], 'int main() { }')).not.toBe(key);
  });

  it('starts empty, removing whatever an earlier agent left in its dir', () => {
    mkdirSync(cacheDir);
    writeFileSync(join(cacheDir, 'stale'), 'x');
    const cache = new CompileCache(cacheDir, 10, 1000);
    expect(cache.size).toBe(0);
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o711);
  });

  it('copies out exactly the binary it stored, and misses an unknown key', () => {
    const cache = new CompileCache(cacheDir, 10, 1000);
    const a = binary('a');
    cache.store(a.key, a.path);
    const target = join(root, 'copy');
    expect(cache.copyOut(a.key, target)).toBe(true);
    expect(readFileSync(target)).toEqual(readFileSync(a.path));
    expect(cache.copyOut(binary('unknown').key, join(root, 'none'))).toBe(false);
    expect(existsSync(join(root, 'none'))).toBe(false);
  });

  it('evicts the least recently used entry past the entry limit', () => {
    const cache = new CompileCache(cacheDir, 2, 10_000);
    const [a, b, c] = [binary('a'), binary('b'), binary('c')];
    cache.store(a.key, a.path);
    cache.store(b.key, b.path);
    expect(has(cache, a.key)).toBe(true); // a is now more recent than b
    cache.store(c.key, c.path);
    expect(cache.size).toBe(2);
    expect([has(cache, a.key), has(cache, b.key), has(cache, c.key)]).toEqual([true, false, true]);
    expect(readdirSync(cacheDir).sort()).toEqual([a.key, c.key].sort());
  });

  it('evicts the oldest entries past the byte limit', () => {
    const cache = new CompileCache(cacheDir, 100, 250);
    const [a, b, c] = [binary('a', 100), binary('b', 100), binary('c', 120)];
    cache.store(a.key, a.path);
    cache.store(b.key, b.path);
    cache.store(c.key, c.path);
    expect([has(cache, a.key), has(cache, b.key), has(cache, c.key)]).toEqual([false, true, true]);
    const d = binary('d', 200);
    cache.store(d.key, d.path);
    expect([has(cache, b.key), has(cache, c.key), has(cache, d.key)]).toEqual([false, false, true]);
    expect(readdirSync(cacheDir)).toEqual([d.key]);
  });

  it('does not store a binary larger than the whole cache', () => {
    const cache = new CompileCache(cacheDir, 10, 250);
    const [small, huge] = [binary('small', 100), binary('huge', 300)];
    cache.store(small.key, small.path);
    cache.store(huge.key, huge.path);
    expect([has(cache, small.key), has(cache, huge.key)]).toEqual([true, false]);
  });

  it('stores nothing when it may hold no entries', () => {
    const cache = new CompileCache(cacheDir, 0, 10_000);
    const a = binary('a');
    cache.store(a.key, a.path);
    expect(has(cache, a.key)).toBe(false);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it('keeps one copy when the same key is stored twice', () => {
    const cache = new CompileCache(cacheDir, 2, 250);
    const [a, b] = [binary('a', 100), binary('b', 100)];
    cache.store(a.key, a.path);
    cache.store(a.key, a.path);
    cache.store(b.key, b.path);
    expect(cache.size).toBe(2);
    expect([has(cache, a.key), has(cache, b.key)]).toEqual([true, true]);
  });
});
