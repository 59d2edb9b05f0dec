/**
 * Path rules for files inside an image or rootfs. Every path Bulwark keeps is relative to the
 * image root, '/'-separated, without '.', '..' or empty components. Symlinks are resolved the
 * way the kernel does inside a container (chroot semantics): '..' at the root stays at the root
 * and absolute targets start at the image root, never at the host's.
 */
import { BulwarkError } from '../model/errors.js';

/** Maximum symlinks followed while resolving one path (Linux uses 40 for ELOOP). */
export const MAX_SYMLINK_HOPS = 40;

/**
 * Normalise a tar entry name to an image-relative path. Leading '/' and './' are dropped (docker
 * extracts absolute names under the root). Returns undefined for the root itself. Throws
 * PATH_ESCAPE when '..' would climb above the root: such an entry is hostile.
 */
export function normalizeEntryPath(name: string, input: string): string | undefined {
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) {
        throw new BulwarkError('PATH_ESCAPE', input, `entry '${name}' escapes the image root with '..'`);
      }
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.length === 0 ? undefined : parts.join('/');
}

/** Join a symlink target onto the directory holding the link, clamped at the root. */
export function joinLinkTarget(linkPath: string, target: string): { path: string; escaped: boolean } {
  const base = target.startsWith('/') ? [] : linkPath.split('/').slice(0, -1);
  let escaped = false;
  for (const part of target.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (base.length === 0) escaped = true;
      else base.pop();
      continue;
    }
    base.push(part);
  }
  return { path: base.join('/'), escaped };
}

export function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Lookup used by the resolver: what kind of entry sits at an exact path (no link following). */
export interface EntryLookup {
  lookup(path: string): { type: 'file' | 'dir' | 'symlink' | 'other'; linkTarget?: string } | undefined;
}

export interface ResolvedPath {
  path: string;
  /** A symlink on the way pointed above the root and was clamped there. */
  escaped: boolean;
}

/**
 * Resolve every symlink in `path` (intermediate directories and the last component) inside the
 * root described by `fs`. Throws SYMLINK_LOOP after MAX_SYMLINK_HOPS links.
 */
export function resolveInRoot(fs: EntryLookup, path: string, input: string): ResolvedPath {
  let pending = path.split('/').filter((p) => p !== '' && p !== '.');
  const done: string[] = [];
  let hops = 0;
  let escaped = false;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '..') {
      if (done.length === 0) escaped = true;
      else done.pop();
      continue;
    }
    const candidate = done.length === 0 ? part : `${done.join('/')}/${part}`;
    const entry = fs.lookup(candidate);
    if (entry?.type === 'symlink' && entry.linkTarget !== undefined) {
      hops += 1;
      if (hops > MAX_SYMLINK_HOPS) {
        throw new BulwarkError('SYMLINK_LOOP', input, `too many levels of symbolic links resolving '/${path}'`);
      }
      const target = entry.linkTarget;
      const targetParts = target.split('/').filter((p) => p !== '' && p !== '.');
      if (target.startsWith('/')) done.length = 0;
      pending = [...targetParts, ...pending];
      continue;
    }
    done.push(part);
  }
  return { path: done.join('/'), escaped };
}
