/**
 * Reads the member list of an uncompressed outer archive tar (docker save, OCI archive) by
 * seeking from header to header, so layers can later be streamed by byte range without
 * reading the archive end to end. Handles ustar, GNU long names and PAX path/size records.
 * Layer tars themselves are streamed with tar-stream; this only indexes the outer file.
 */
import type { FileHandle } from 'node:fs/promises';
import { BulwarkError } from '../model/errors.js';

export type MemberType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';

export interface TarMember {
  name: string;
  type: MemberType;
  size: number;
  /** Byte offset of the member's data in the archive. */
  offset: number;
  linkTarget?: string;
}

const BLOCK = 512;
const MAX_MEMBERS = 1_000_000;
const MAX_EXTENDED_HEADER = 1024 * 1024;

function readString(buf: Buffer, start: number, length: number): string {
  const slice = buf.subarray(start, start + length);
  const nul = slice.indexOf(0);
  return slice.subarray(0, nul < 0 ? slice.length : nul).toString('utf8');
}

function readNumber(buf: Buffer, start: number, length: number, input: string): number {
  const field = buf.subarray(start, start + length);
  if (((field[0] ?? 0) & 0x80) !== 0) {
    // GNU base-256: big-endian, first byte's top bit is the marker.
    let value = (field[0] ?? 0) & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    if (!Number.isSafeInteger(value)) throw new BulwarkError('CORRUPT_ARCHIVE', input, 'tar size field out of range');
    return value;
  }
  const text = readString(buf, start, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new BulwarkError('CORRUPT_ARCHIVE', input, `invalid tar header number '${text}'`);
  return parseInt(text, 8);
}

function checksumOk(header: Buffer): boolean {
  const stored = parseInt(readString(header, 148, 8).trim() || 'NaN', 8);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return sum === stored;
}

/** True when `block` looks like a tar header (valid checksum). */
export function looksLikeTarHeader(block: Buffer): boolean {
  return block.length >= BLOCK && !isZeroBlock(block) && checksumOk(block.subarray(0, BLOCK));
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

function parsePax(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const len = parseInt(data.subarray(pos, space).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) break;
    const record = data.subarray(space + 1, pos + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    pos += len;
  }
  return out;
}

function memberType(flag: string): MemberType {
  switch (flag) {
    case '0':
    case '\0':
    case '':
    case '7':
      return 'file';
    case '5':
      return 'dir';
    case '2':
      return 'symlink';
    case '1':
      return 'hardlink';
    default:
      return 'other';
  }
}

/** Index every member of the tar held by `fh` (file size `fileSize`). */
export async function indexTar(fh: FileHandle, fileSize: number, input: string): Promise<TarMember[]> {
  const members: TarMember[] = [];
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax = new Map<string, string>();
  for (;;) {
    if (pos + BLOCK > fileSize) {
      if (members.length > 0 && pos >= fileSize) return members; // missing end-of-archive blocks is tolerated
      throw new BulwarkError('CORRUPT_ARCHIVE', input, `truncated tar: header at byte ${pos} runs past the end of the file`);
    }
    await fh.read(header, 0, BLOCK, pos);
    if (isZeroBlock(header)) return members;
    if (!checksumOk(header)) throw new BulwarkError('CORRUPT_ARCHIVE', input, `corrupt tar header at byte ${pos} (bad checksum)`);
    const flag = String.fromCharCode(header[156] ?? 0);
    let size = readNumber(header, 124, 12, input);
    const dataOffset = pos + BLOCK;
    if (pax.has('size')) size = Number(pax.get('size'));
    if (!Number.isSafeInteger(size) || size < 0) throw new BulwarkError('CORRUPT_ARCHIVE', input, `invalid member size at byte ${pos}`);
    if (dataOffset + size > fileSize) {
      throw new BulwarkError('CORRUPT_ARCHIVE', input, `truncated tar: member at byte ${pos} needs ${size} bytes, file ends first`);
    }
    const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'L' || flag === 'K' || flag === 'x' || flag === 'g') {
      if (size > MAX_EXTENDED_HEADER) throw new BulwarkError('CORRUPT_ARCHIVE', input, `oversized extended tar header at byte ${pos}`);
      const data = Buffer.alloc(size);
      await fh.read(data, 0, size, dataOffset);
      if (flag === 'L') longName = readString(data, 0, size);
      else if (flag === 'K') longLink = readString(data, 0, size);
      else if (flag === 'x') pax = parsePax(data);
      pos = next;
      continue;
    }
    const magic = readString(header, 257, 6);
    const prefix = magic.startsWith('ustar') ? readString(header, 345, 155) : '';
    const rawName = readString(header, 0, 100);
    const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${rawName}` : rawName);
    const link = pax.get('linkpath') ?? longLink ?? readString(header, 157, 100);
    const type = memberType(flag);
    const member: TarMember = { name, type, size: type === 'file' ? size : 0, offset: dataOffset };
    if (type === 'symlink' || type === 'hardlink') member.linkTarget = link;
    members.push(member);
    if (members.length > MAX_MEMBERS) throw new BulwarkError('TOO_MANY_ENTRIES', input, `more than ${MAX_MEMBERS} archive members`);
    longName = undefined;
    longLink = undefined;
    pax = new Map();
    pos = next;
  }
}
