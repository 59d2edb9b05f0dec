/**
 * Resource limits applied to untrusted input, with the defaults users get. A limit hit is a
 * typed error naming the input, never an out-of-memory crash.
 */

export interface ScanLimits {
  /** Uncompressed bytes per layer (decompression-bomb guard). */
  maxLayerSize: number;
  /** Entries per layer tar. */
  maxEntriesPerLayer: number;
  /** Largest JSON document (manifest, index, config) read into memory. */
  maxMetadataSize: number;
  /** Largest single file an analyzer may buffer (package databases). */
  maxAnalyzedFileSize: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_LIMITS: ScanLimits = {
  maxLayerSize: 16 * GiB,
  maxEntriesPerLayer: 2_000_000,
  maxMetadataSize: 8 * MiB,
  maxAnalyzedFileSize: 512 * MiB,
};

/** Parse sizes like `512M`, `2G`, `1048576`, `10KiB`. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  const unit = (m[2] ?? '').toLowerCase();
  const factor = unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? GiB : unit === 't' ? 1024 * GiB : 1;
  return Math.floor(value * factor);
}
