/**
 * Validators and address matching: validateByteRange (bytes outside the allowed ranges
 * match), validateUrlEncoding (malformed `%` escapes match), validateUtf8Encoding (invalid,
 * overlong or out-of-range UTF-8 matches), ipMatch (IPv4/IPv6 addresses and CIDR blocks).
 */
import { BlockList, isIP } from 'node:net';
import { rememberingShort } from '../util/repeat-memo.js';
import { isHex } from '../transform/bytes.js';
import { result, type OperatorFactory } from './operator.js';

function byteRanges(argument: string): Uint8Array {
  const allowed = new Uint8Array(256);
  for (const part of argument.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [lo, hi] = part.split('-').map((n) => Number(n.trim()));
    const from = lo ?? 0;
    const to = hi ?? from;
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 255 || from > to) throw new Error(`bad byte range '${part}'`);
    allowed.fill(1, from, to + 1);
  }
  return allowed;
}

export function invalidUrlEncoding(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (value[i] === '%' && !(isHex(value[i + 1]) && isHex(value[i + 2]))) return true;
  return false;
}

export function invalidUtf8(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const b = value.charCodeAt(i);
    if (b < 0x80) continue;
    const need = b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0 || i + need >= value.length) return true; // not a lead byte, or truncated
    let code = b & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const c = value.charCodeAt(i + k);
      if ((c & 0xc0) !== 0x80) return true;
      code = (code << 6) | (c & 0x3f);
    }
    if ((need === 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) || (need === 3 && (code < 0x10000 || code > 0x10ffff))) return true;
    i += need;
  }
  return false;
}

function addressList(argument: string): BlockList {
  const list = new BlockList();
  for (const entry of argument.split(/[\s,]+/).filter(Boolean)) {
    const [address, bits] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family) throw new Error(`'${entry}' is not an IP address or CIDR block`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address as string, type);
    else list.addSubnet(address as string, Number(bits), type);
  }
  return list;
}

export const VALIDATE_OPERATORS: Record<string, OperatorFactory> = {
  validatebyterange: (argument) => {
    const allowed = byteRanges(argument);
    return (value) => {
      for (let i = 0; i < value.length; i++) if (!allowed[value.charCodeAt(i) & 0xff]) return result(true);
      return result(false);
    };
  },
  validateurlencoding: () => (value) => result(invalidUrlEncoding(value)),
  validateutf8encoding: () => (value) => result(invalidUtf8(value)),
  ipmatch: (argument) => {
    const list = addressList(argument);
    // BlockList.check builds a native SocketAddress per call (CRS 905110 asks on every request):
    // the verdicts on addresses that come back are remembered.
    const inList = rememberingShort((value) => {
      const family = isIP(value);
      return family !== 0 && list.check(value, family === 6 ? 'ipv6' : 'ipv4');
    }, 1024);
    return (value) => result(inList(value));
  },
};
