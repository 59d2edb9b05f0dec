/**
 * Minimal, bounds-checked ELF reader: section headers by name, and virtual-address → file
 * offset mapping. Enough to find `.go.buildinfo` and cargo-auditable's `.dep-v0` sections.
 */

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  section(name: string): Buffer | undefined;
  /** Bytes at a virtual address, via the section that maps it. */
  readAt(vaddr: bigint, length: number): Buffer | undefined;
}

/** `wants` for binaries: any file with an execute bit (the ELF sniff then narrows it). */
export function isExecutable(_path: string, mode?: number): boolean {
  return mode !== undefined && (mode & 0o111) !== 0;
}

export function isElf(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46;
}

interface Section {
  name: number;
  addr: bigint;
  offset: number;
  size: number;
  type: number;
}

const SHT_NOBITS = 8;

export function parseElf(data: Buffer): ElfFile | undefined {
  if (!isElf(data)) return undefined;
  const is64 = data[4] === 2;
  const le = data[5] === 1;
  const u16 = (o: number): number => (le ? data.readUInt16LE(o) : data.readUInt16BE(o));
  const u32 = (o: number): number => (le ? data.readUInt32LE(o) : data.readUInt32BE(o));
  const u64 = (o: number): bigint => (le ? data.readBigUInt64LE(o) : data.readBigUInt64BE(o));
  const shoff = Number(is64 ? u64(0x28) : BigInt(u32(0x20)));
  const shentsize = u16(is64 ? 0x3a : 0x2e);
  const shnum = u16(is64 ? 0x3c : 0x30);
  const shstrndx = u16(is64 ? 0x3e : 0x32);
  if (shoff <= 0 || shnum === 0 || shnum > 65535 || shoff + shnum * shentsize > data.length) return undefined;
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const b = shoff + i * shentsize;
    const s: Section = is64
      ? { name: u32(b), type: u32(b + 4), addr: u64(b + 0x10), offset: Number(u64(b + 0x18)), size: Number(u64(b + 0x20)) }
      : { name: u32(b), type: u32(b + 4), addr: BigInt(u32(b + 0x0c)), offset: u32(b + 0x10), size: u32(b + 0x14) };
    sections.push(s);
  }
  const strtab = sections[shstrndx];
  if (!strtab || strtab.offset + strtab.size > data.length) return undefined;
  const nameOf = (s: Section): string => {
    const start = strtab.offset + s.name;
    const end = data.indexOf(0, start);
    return end < 0 || end > strtab.offset + strtab.size ? '' : data.toString('latin1', start, end);
  };
  const bytes = (s: Section): Buffer | undefined => (s.type === SHT_NOBITS || s.offset + s.size > data.length ? undefined : data.subarray(s.offset, s.offset + s.size));
  return {
    is64,
    littleEndian: le,
    section(name) {
      const s = sections.find((x) => nameOf(x) === name);
      return s ? bytes(s) : undefined;
    },
    readAt(vaddr, length) {
      for (const s of sections) {
        if (s.type === SHT_NOBITS || s.addr === 0n) continue;
        if (vaddr >= s.addr && vaddr + BigInt(length) <= s.addr + BigInt(s.size)) {
          const off = s.offset + Number(vaddr - s.addr);
          return off + length <= data.length ? data.subarray(off, off + length) : undefined;
        }
      }
      return undefined;
    },
  };
}
