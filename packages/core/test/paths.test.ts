import { describe, expect, it } from 'vitest';
import { joinLinkTarget, normalizeEntryPath, resolveInRoot, type EntryLookup } from '../src/util/paths.js';

describe('normalizeEntryPath', () => {
  it.each([
    ['./etc/os-release', 'etc/os-release'],
    ['/home/app/Gemfile', 'home/app/Gemfile'],
    ['a//b/./c/', 'a/b/c'],
    ['a/../b', 'b'],
    ['./', undefined],
  ])('%s -> %s', (input, want) => {
    expect(normalizeEntryPath(input, 'layer 0')).toBe(want);
  });

  it.each(['../etc/passwd', 'a/../../etc/passwd', '/../x'])('rejects %s', (input) => {
    expect(() => normalizeEntryPath(input, 'layer 3')).toThrow(/layer 3: entry .* escapes the image root/);
  });
});

describe('joinLinkTarget', () => {
  it('clamps .. at the root and reports it', () => {
    expect(joinLinkTarget('etc/os-release', '../usr/lib/os-release')).toEqual({ path: 'usr/lib/os-release', escaped: false });
    expect(joinLinkTarget('etc/os-release', '../../../usr/lib/os-release')).toEqual({ path: 'usr/lib/os-release', escaped: true });
    expect(joinLinkTarget('a/b', '/abs/target')).toEqual({ path: 'abs/target', escaped: false });
  });
});

function fs(entries: Record<string, string | null>): EntryLookup {
  return {
    lookup(path) {
      if (!(path in entries)) return undefined;
      const target = entries[path];
      return target === null || target === undefined ? { type: 'file' } : { type: 'symlink', linkTarget: target };
    },
  };
}

describe('resolveInRoot', () => {
  it('follows relative, absolute and directory links inside the root', () => {
    const root = fs({ 'etc/os-release': '../usr/lib/os-release', 'usr/lib/os-release': null, lib: 'usr/lib', 'usr/lib/x': null, abs: '/usr/lib/x' });
    expect(resolveInRoot(root, 'etc/os-release', 'img').path).toBe('usr/lib/os-release');
    expect(resolveInRoot(root, 'lib/os-release', 'img').path).toBe('usr/lib/os-release');
    expect(resolveInRoot(root, 'abs', 'img').path).toBe('usr/lib/x');
  });

  it('clamps escapes at the image root (never the host)', () => {
    const r = resolveInRoot(fs({ 'etc/passwd-link': '../../../../../etc/passwd', 'etc/passwd': null }), 'etc/passwd-link', 'img');
    expect(r).toEqual({ path: 'etc/passwd', escaped: true });
  });

  it('stops on loops with a typed error', () => {
    expect(() => resolveInRoot(fs({ a: 'b', b: 'a' }), 'a', 'img')).toThrow(/img: too many levels of symbolic links resolving '\/a'/);
  });
});
