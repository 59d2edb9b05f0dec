/**
 * Random and sequential access to the members of an image archive: an uncompressed tar
 * (members read by byte range, layers streamed in parallel), a directory (OCI layout), or a
 * whole-file gzip/zstd tar (streamed; metadata buffered on a first pass, layers on a second).
 * Nothing is extracted to disk. Member names are archive-relative; symlinked members
 * (skopeo's legacy layout) are followed inside the archive only.
 */
import { createReadStream, lstatSync } from 'node:fs';
import { open, readFile, stat, lstat, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { tarEntries } from '../walker/tar-entries.js';
import { BulwarkError, describeCause } from '../model/errors.js';
import { indexTar, type TarMember } from './tar-header.js';
import { AutoDecompressor } from './compression.js';
import { joinLinkTarget } from '../util/paths.js';

export type MemberConsumer = (name: string, stream: Readable, size: number) => Promise<void>;

export interface BlobStore {
  /** How the user named the input (for messages). */
  readonly input: string;
  readonly kind: 'tar' | 'compressed-tar' | 'directory';
  has(name: string): boolean;
  size(name: string): number | undefined;
  /** Read a member fully; refuses members larger than `maxSize`. */
  read(name: string, maxSize: number): Promise<Buffer>;
  /**
   * Stream each named member to `consume`, at most `concurrency` at a time where the store
   * allows random access. A consumer's rejection is collected per member, not fatal to others.
   */
  streamMembers(names: readonly string[], consume: MemberConsumer, concurrency: number): Promise<Map<string, unknown>>;
  close(): Promise<void>;
}

function normalizeMemberName(name: string): string {
  return name.replace(/^\.\//, '').replace(/\/+$/, '');
}

const MAX_LINK_HOPS = 16;

/** Follow symlink/hardlink members inside the archive. */
function resolveMember(members: Map<string, TarMember>, name: string, input: string): TarMember | undefined {
  let current = members.get(normalizeMemberName(name));
  for (let hops = 0; current && (current.type === 'symlink' || current.type === 'hardlink'); hops++) {
    if (hops > MAX_LINK_HOPS) throw new BulwarkError('SYMLINK_LOOP', input, `archive member '${name}' is a link loop`);
    const target =
      current.type === 'hardlink'
        ? normalizeMemberName(current.linkTarget ?? '')
        : joinLinkTarget(current.name, current.linkTarget ?? '').path;
    current = members.get(target);
  }
  return current;
}

async function runLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/** An uncompressed tar file: members are located once, then read by byte range. */
export class TarFileStore implements BlobStore {
  readonly kind = 'tar';
  private constructor(
    readonly input: string,
    private readonly path: string,
    private readonly members: Map<string, TarMember>,
  ) {}

  static async open(path: string, input: string): Promise<TarFileStore> {
    const fh = await open(path, 'r');
    try {
      const { size } = await fh.stat();
      const list = await indexTar(fh, size, input);
      const members = new Map<string, TarMember>();
      for (const m of list) members.set(normalizeMemberName(m.name), m);
      return new TarFileStore(input, path, members);
    } finally {
      await fh.close();
    }
  }

  has(name: string): boolean {
    return resolveMember(this.members, name, this.input)?.type === 'file';
  }

  size(name: string): number | undefined {
    return resolveMember(this.members, name, this.input)?.size;
  }

  private member(name: string): TarMember {
    const m = resolveMember(this.members, name, this.input);
    if (!m || m.type !== 'file') throw new BulwarkError('MISSING_BLOB', this.input, `archive member '${name}' is missing`);
    return m;
  }

  async read(name: string, maxSize: number): Promise<Buffer> {
    const m = this.member(name);
    if (m.size > maxSize) throw new BulwarkError('FILE_TOO_LARGE', this.input, `member '${name}' is ${m.size} bytes, over the ${maxSize}-byte limit`);
    const fh = await open(this.path, 'r');
    try {
      const buf = Buffer.alloc(m.size);
      await fh.read(buf, 0, m.size, m.offset);
      return buf;
    } finally {
      await fh.close();
    }
  }

  async streamMembers(names: readonly string[], consume: MemberConsumer, concurrency: number): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    await runLimited(names, concurrency, async (name) => {
      try {
        const m = this.member(name);
        const stream = m.size === 0 ? Readable.from([]) : createReadStream(this.path, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1024 * 1024 });
        await consume(name, stream, m.size);
      } catch (err) {
        failures.set(name, err);
      }
    });
    return failures;
  }

  async close(): Promise<void> {}
}

/** An OCI image layout directory. Member names are paths under it; symlinks may not leave it. */
export class DirectoryStore implements BlobStore {
  readonly kind = 'directory';
  constructor(
    readonly input: string,
    private readonly root: string,
  ) {}

  private async safePath(name: string): Promise<string> {
    const clean = normalizeMemberName(name);
    if (clean.split('/').some((p) => p === '..' || p === '')) {
      throw new BulwarkError('PATH_ESCAPE', this.input, `blob path '${name}' leaves the layout directory`);
    }
    // Refuse symlinks anywhere on the way: a blob must be a regular file inside the layout.
    let current = this.root;
    for (const part of clean.split('/')) {
      current = join(current, part);
      const st = await lstat(current).catch(() => undefined);
      if (!st) throw new BulwarkError('MISSING_BLOB', this.input, `'${clean}' is missing`);
      if (st.isSymbolicLink()) {
        const target = await readlink(current);
        throw new BulwarkError('SYMLINK_ESCAPE', this.input, `'${clean}' is a symlink (to '${target}'); blobs must be regular files`);
      }
    }
    return current;
  }

  has(name: string): boolean {
    const clean = normalizeMemberName(name);
    if (clean.split('/').some((p) => p === '..' || p === '')) return false;
    try {
      return lstatSync(join(this.root, clean)).isFile();
    } catch {
      return false;
    }
  }

  size(name: string): number | undefined {
    try {
      return lstatSync(join(this.root, normalizeMemberName(name))).size;
    } catch {
      return undefined;
    }
  }

  async read(name: string, maxSize: number): Promise<Buffer> {
    const path = await this.safePath(name);
    const st = await stat(path);
    if (!st.isFile()) throw new BulwarkError('MISSING_BLOB', this.input, `'${name}' is not a regular file`);
    if (st.size > maxSize) throw new BulwarkError('FILE_TOO_LARGE', this.input, `'${name}' is ${st.size} bytes, over the ${maxSize}-byte limit`);
    return readFile(path);
  }

  async streamMembers(names: readonly string[], consume: MemberConsumer, concurrency: number): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    await runLimited(names, concurrency, async (name) => {
      try {
        const path = await this.safePath(name);
        const st = await stat(path);
        await consume(name, createReadStream(path, { highWaterMark: 1024 * 1024 }), st.size);
      } catch (err) {
        failures.set(name, err);
      }
    });
    return failures;
  }

  async close(): Promise<void> {}
}

const SMALL_MEMBER = 1024 * 1024;
const MAX_BUFFERED_TOTAL = 64 * 1024 * 1024;

/**
 * A tar compressed as a whole (docker save | gzip). No random access: the first pass keeps
 * small members (manifests, configs, tiny layers) in memory and lists the rest; each later
 * streamMembers call is one more sequential pass.
 */
export class CompressedTarStore implements BlobStore {
  readonly kind = 'compressed-tar';
  private readonly members = new Map<string, TarMember>();
  private readonly buffered = new Map<string, Buffer>();

  private constructor(
    readonly input: string,
    private readonly path: string,
  ) {}

  static async open(path: string, input: string): Promise<CompressedTarStore> {
    const store = new CompressedTarStore(input, path);
    let total = 0;
    await store.pass(async (header, stream) => {
      store.members.set(normalizeMemberName(header.name), header);
      if (header.type === 'file' && header.size <= SMALL_MEMBER && total + header.size <= MAX_BUFFERED_TOTAL) {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        store.buffered.set(normalizeMemberName(header.name), Buffer.concat(chunks));
        total += header.size;
        return true;
      }
      return false;
    });
    return store;
  }

  /** One sequential pass over the archive; `visit` must consume or ignore each stream. */
  private async pass(visit: (header: TarMember, stream: AsyncIterable<unknown>) => Promise<boolean>): Promise<void> {
    let index = 0;
    const extract = tarEntries((header, stream) => {
      const type = header.type === 'file' || header.type === 'contiguous-file' ? 'file' : header.type === 'directory' ? 'dir' : header.type === 'symlink' ? 'symlink' : header.type === 'link' ? 'hardlink' : 'other';
      const member: TarMember = { name: header.name, type, size: header.size ?? 0, offset: index++ };
      if (header.linkname) member.linkTarget = header.linkname;
      return visit(member, stream);
    });
    try {
      await pipeline(createReadStream(this.path, { highWaterMark: 1024 * 1024 }), new AutoDecompressor(), extract);
    } catch (err) {
      if (err instanceof BulwarkError) throw err;
      throw new BulwarkError('CORRUPT_ARCHIVE', this.input, `cannot read compressed archive: ${describeCause(err)}`, { cause: err });
    }
  }

  has(name: string): boolean {
    return resolveMember(this.members, name, this.input)?.type === 'file';
  }

  size(name: string): number | undefined {
    return resolveMember(this.members, name, this.input)?.size;
  }

  private resolvedName(name: string): string {
    const m = resolveMember(this.members, name, this.input);
    if (!m || m.type !== 'file') throw new BulwarkError('MISSING_BLOB', this.input, `archive member '${name}' is missing`);
    return normalizeMemberName(m.name);
  }

  async read(name: string, maxSize: number): Promise<Buffer> {
    const real = this.resolvedName(name);
    const cached = this.buffered.get(real);
    if (cached) return cached;
    const size = this.members.get(real)?.size ?? 0;
    if (size > maxSize) throw new BulwarkError('FILE_TOO_LARGE', this.input, `member '${name}' is ${size} bytes, over the ${maxSize}-byte limit`);
    let result: Buffer | undefined;
    await this.pass(async (header, stream) => {
      if (normalizeMemberName(header.name) !== real) return false;
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      result = Buffer.concat(chunks);
      return true;
    });
    if (!result) throw new BulwarkError('MISSING_BLOB', this.input, `archive member '${name}' is missing`);
    return result;
  }

  async streamMembers(names: readonly string[], consume: MemberConsumer): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const wanted = new Map<string, string[]>(); // real member name -> requested names
    for (const name of names) {
      try {
        const real = this.resolvedName(name);
        wanted.set(real, [...(wanted.get(real) ?? []), name]);
      } catch (err) {
        failures.set(name, err);
      }
    }
    const pending = new Map<string, string[]>();
    for (const [real, requested] of wanted) {
      const buf = this.buffered.get(real);
      if (!buf) {
        pending.set(real, requested);
        continue;
      }
      for (const name of requested) {
        await consume(name, Readable.from([buf]), buf.length).catch((err: unknown) => failures.set(name, err));
      }
    }
    if (pending.size === 0) return failures;
    await this.pass(async (header, stream) => {
      const real = normalizeMemberName(header.name);
      const requested = pending.get(real);
      if (!requested) return false;
      pending.delete(real);
      // A member named twice (two tags of one layer) is consumed once and its result reused.
      const first = requested[0] as string;
      await consume(first, Readable.from(stream), header.size).catch((err: unknown) => failures.set(first, err));
      for (const other of requested.slice(1)) failures.set(other, new BulwarkError('CORRUPT_ARCHIVE', this.input, `member '${other}' requested twice`));
      return true;
    });
    for (const [, requested] of pending) for (const name of requested) failures.set(name, new BulwarkError('MISSING_BLOB', this.input, `archive member '${name}' is missing`));
    return failures;
  }

  async close(): Promise<void> {}
}
