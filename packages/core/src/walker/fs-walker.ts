/**
 * Walks an unpacked root filesystem (`bulwark rootfs DIR`) into the same LayerAnalysis a
 * layer produces. Symlinks are recorded, never followed; wanted files are opened with
 * O_NOFOLLOW so a link swapped in during the walk cannot redirect a read outside the root.
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { describeCause } from '../model/errors.js';
import type { Problem } from '../model/problem.js';
import type { FileAnalyzer } from '../analyze/analyzer.js';
import type { ScanLimits } from '../util/limits.js';
import type { AnalyzerOutput, EntryMeta, LayerAnalysis } from './layer-analysis.js';
import { sniffAccepts } from './layer-walker.js';
import type { ContentScanner } from '../content/content-scanner.js';
import type { LayerContent } from '../content/content-types.js';
import { ContentCollector } from './content-collector.js';

/** Directories that hold kernel state, not files, when the root is a live system. */
const SKIP_DIRS = new Set(['proc', 'sys', 'dev']);

export interface FsWalkOptions {
  analyzers: readonly FileAnalyzer[];
  /** Directory names skipped at any depth (`.git` for project checkouts). */
  skipDirNames?: ReadonlySet<string>;
  limits: ScanLimits;
  capture?: ReadonlySet<string>;
  /** Reads every regular file for the secret and malware scanners. */
  content?: ContentScanner;
}

function readNoFollow(path: string, size: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  try {
    const buf = Buffer.alloc(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return buf.subarray(0, off);
  } finally {
    closeSync(fd);
  }
}

export interface DirectoryWalk {
  analysis: LayerAnalysis;
  captured: Map<string, Buffer>;
  content?: LayerContent;
}

export async function walkDirectory(root: string, input: string, options: FsWalkOptions): Promise<DirectoryWalk> {
  const { analyzers, limits } = options;
  const entries: EntryMeta[] = [];
  const results: AnalyzerOutput[] = [];
  const problems: Problem[] = [];
  const captured = new Map<string, Buffer>();
  let total = 0;
  const stack: string[] = [''];
  const contents = options.content ? new ContentCollector(options.content, input, problems) : undefined;
  const done = async (): Promise<DirectoryWalk> => {
    const analysis: LayerAnalysis = { diffId: '', size: total, compression: 'none', entries, whiteouts: [], opaqueDirs: [], results, problems };
    return contents ? { analysis, captured, content: await contents.finish() } : { analysis, captured };
  };
  while (stack.length > 0) {
    const rel = stack.pop() as string;
    let dirents: Dirent[];
    try {
      // Synchronous metadata calls: tens of thousands of tiny lstat()s run far faster inline
      // than through the thread pool one await at a time.
      dirents = readdirSync(rel ? join(root, rel) : root, { withFileTypes: true });
    } catch (err) {
      problems.push({ level: 'warning', code: 'UNREADABLE_FILE', input: `${input}: /${rel}`, message: `cannot list directory: ${describeCause(err)}` });
      continue;
    }
    for (const dirent of dirents) {
      const path = rel ? `${rel}/${dirent.name}` : dirent.name;
      const full = join(root, path);
      if (entries.length >= limits.maxEntriesPerLayer) {
        problems.push({ level: 'error', code: 'TOO_MANY_ENTRIES', input, message: `more than ${limits.maxEntriesPerLayer} entries; the rest were not scanned` });
        return done();
      }
      if (dirent.isDirectory()) {
        entries.push({ p: path, t: 'd' });
        if (!(rel === '' && SKIP_DIRS.has(dirent.name)) && !options.skipDirNames?.has(dirent.name)) stack.push(path);
        continue;
      }
      let st;
      try {
        st = lstatSync(full);
      } catch {
        continue; // vanished while walking
      }
      const meta: EntryMeta = { p: path, t: st.isFile() ? 'f' : st.isSymbolicLink() ? 'l' : 'o', m: st.mode & 0o7777 };
      if (st.uid) meta.u = st.uid;
      if (st.gid) meta.g = st.gid;
      if (meta.t === 'f') {
        meta.s = st.size;
        total += st.size;
      }
      if (meta.t === 'l') {
        try {
          meta.l = readlinkSync(full);
        } catch {
          meta.l = '';
        }
      }
      entries.push(meta);
      if (meta.t !== 'f') continue;
      let wanting = analyzers.filter((a) => a.wants(path, meta.m));
      const capture = options.capture?.has(path) ?? false;
      let scanContent = contents?.wants(path, st.size) === true;
      if (wanting.length === 0 && !capture && !scanContent) continue;
      const limit = Math.min(limits.maxAnalyzedFileSize, ...wanting.map((a) => a.maxFileSize ?? Infinity));
      if ((wanting.length > 0 || capture) && st.size > limit) {
        problems.push({ level: 'warning', code: 'SKIPPED_FILE', input: `${input}: /${path}`, message: `skipped: ${st.size} bytes is over the ${limit}-byte limit for this file` });
        wanting = [];
        if (!scanContent) continue;
      }
      let content: Buffer;
      try {
        if (!capture && (wanting.some((a) => a.sniff) || scanContent)) {
          const head = readNoFollow(full, Math.min(64, st.size));
          const forAnalyzers = wanting.length > 0 && sniffAccepts(wanting, head);
          const forContent = scanContent && (contents as ContentCollector).sniff(head);
          if (!forAnalyzers && !forContent) continue;
          if (!forContent) scanContent = false;
        }
        content = readNoFollow(full, st.size);
      } catch (err) {
        problems.push({ level: 'warning', code: 'UNREADABLE_FILE', input: `${input}: /${path}`, message: describeCause(err) });
        continue;
      }
      if (scanContent) await contents?.scan(path, content);
      if (capture && st.size <= limit) captured.set(path, content);
      const head = content.subarray(0, 64);
      wanting = wanting.filter((a) => !a.sniff || a.sniff(head));
      for (const analyzer of wanting) {
        try {
          const data = await analyzer.analyze({ path, content, describe: `${input}: /${path}` });
          if (data !== undefined) results.push({ analyzer: analyzer.name, path, data });
        } catch (err) {
          problems.push({ level: 'warning', code: 'UNREADABLE_FILE', input: `${input}: /${path}`, message: `${analyzer.name} could not parse it: ${describeCause(err)}` });
        }
      }
    }
  }
  return done();
}
