/**
 * Encoding and measuring transformations: hex, base64, UTF-8 to `%uHHHH`, the SHA-1 and MD5
 * digests (as raw bytes, as ModSecurity produces them) and the length in bytes.
 */
import { createHash } from 'node:crypto';
import { noneOf, toBytes } from './bytes.js';

export const hexEncode = (input: string): string => toBytes(input).toString('hex');
export const base64Encode = (input: string): string => toBytes(input).toString('base64');
export const sha1 = (input: string): string => createHash('sha1').update(toBytes(input)).digest().toString('latin1');
export const md5 = (input: string): string => createHash('md5').update(toBytes(input)).digest().toString('latin1');
export const length = (input: string): string => String(input.length);

const cont = (c: number | undefined): boolean => c !== undefined && (c & 0xc0) === 0x80;

/** Valid multi-byte UTF-8 sequences become `%uHHHH` (lower-case hex); other bytes stay. */
const isLeadByte = (c: number): boolean => c >= 0xc2;

export function utf8toUnicode(input: string): string {
  if (noneOf(input, isLeadByte)) return input;
  let out = '';
  let copied = 0;
  for (let i = 0; i < input.length; i++) {
    const b = input.charCodeAt(i);
    const b1 = input.charCodeAt(i + 1);
    const b2 = input.charCodeAt(i + 2);
    const b3 = input.charCodeAt(i + 3);
    let code = -1;
    let size = 1;
    if (b >= 0xc2 && b <= 0xdf && cont(b1)) [code, size] = [((b & 0x1f) << 6) | (b1 & 0x3f), 2];
    else if (b >= 0xe0 && b <= 0xef && cont(b1) && cont(b2)) [code, size] = [((b & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2 & 0x3f), 3];
    else if (b >= 0xf0 && b <= 0xf4 && cont(b1) && cont(b2) && cont(b3)) [code, size] = [((b & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2 & 0x3f) << 6) | (b3 & 0x3f), 4];
    if ((size === 3 && code < 0x800) || (size === 4 && (code < 0x10000 || code > 0x10ffff))) code = -1; // overlong or out of range
    if (code < 0) continue;
    // Runs of other bytes are copied as one slice, not a string per character.
    out += `${input.slice(copied, i)}%u${code.toString(16).padStart(4, '0')}`;
    i += size - 1;
    copied = i + 1;
  }
  return out + input.slice(copied);
}
