/**
 * Decodes an rpm header blob as rpm stores it in its database (index count, data length,
 * 16-byte index entries, data store), with every offset and count bounds-checked: the blob
 * comes from an untrusted image.
 */

export const TAG = {
  name: 1000,
  version: 1001,
  release: 1002,
  epoch: 1003,
  vendor: 1011,
  license: 1014,
  arch: 1022,
  oldFilenames: 1027,
  sourceRpm: 1044,
  dirIndexes: 1116,
  baseNames: 1117,
  dirNames: 1118,
  modularityLabel: 5096,
} as const;

const TYPE = { int32: 4, string: 6, stringArray: 8, i18nString: 9 } as const;
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA = 256 * 1024 * 1024;

export interface RpmHeader {
  string(tag: number): string | undefined;
  strings(tag: number): string[];
  int32s(tag: number): number[];
}

export class RpmHeaderError extends Error {}

export function parseRpmHeader(blob: Buffer): RpmHeader {
  if (blob.length < 8) throw new RpmHeaderError('header blob shorter than 8 bytes');
  const count = blob.readUInt32BE(0);
  const dataLength = blob.readUInt32BE(4);
  if (count === 0 || count > MAX_INDEX_ENTRIES) throw new RpmHeaderError(`implausible header index count ${count}`);
  if (dataLength > MAX_DATA) throw new RpmHeaderError(`implausible header data length ${dataLength}`);
  const storeStart = 8 + count * 16;
  if (storeStart + dataLength > blob.length) throw new RpmHeaderError('header blob is truncated');
  const store = blob.subarray(storeStart, storeStart + dataLength);
  const entries = new Map<number, { type: number; offset: number; count: number }>();
  for (let i = 0; i < count; i++) {
    const at = 8 + i * 16;
    const tag = blob.readInt32BE(at);
    const type = blob.readUInt32BE(at + 4);
    const offset = blob.readInt32BE(at + 8);
    const n = blob.readUInt32BE(at + 12);
    if (offset < 0 || offset > dataLength) continue;
    if (!entries.has(tag)) entries.set(tag, { type, offset, count: n });
  }

  const readStrings = (offset: number, n: number): string[] => {
    const out: string[] = [];
    let pos = offset;
    for (let i = 0; i < n && pos < store.length; i++) {
      const end = store.indexOf(0, pos);
      if (end < 0) throw new RpmHeaderError('unterminated string in header');
      out.push(store.toString('utf8', pos, end));
      pos = end + 1;
    }
    return out;
  };

  return {
    string(tag) {
      const e = entries.get(tag);
      if (!e || (e.type !== TYPE.string && e.type !== TYPE.i18nString && e.type !== TYPE.stringArray)) return undefined;
      return readStrings(e.offset, 1)[0];
    },
    strings(tag) {
      const e = entries.get(tag);
      if (!e || (e.type !== TYPE.stringArray && e.type !== TYPE.string && e.type !== TYPE.i18nString)) return [];
      return readStrings(e.offset, e.type === TYPE.stringArray ? e.count : 1);
    },
    int32s(tag) {
      const e = entries.get(tag);
      if (!e || e.type !== TYPE.int32) return [];
      if (e.offset + e.count * 4 > store.length) throw new RpmHeaderError(`int32 array of tag ${tag} runs past the data store`);
      const out = new Array<number>(e.count);
      for (let i = 0; i < e.count; i++) out[i] = store.readInt32BE(e.offset + i * 4);
      return out;
    },
  };
}
