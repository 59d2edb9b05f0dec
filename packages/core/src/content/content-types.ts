/**
 * What the content scanners return for one file, in the JSON-serialisable form cached per
 * layer and passed between worker threads.
 */
import type { MalwareHit } from './malware/malware-scanner.js';
import type { SecretHit } from './secret/secret-scanner.js';

export interface FileContentResult {
  /** Image-relative path; archive members as `outer.zip!/member`. */
  path: string;
  sha256?: string;
  secrets?: SecretHit[];
  malware?: MalwareHit[];
}

export interface LayerContent {
  /** Scanner configuration this was produced with (cache key part). */
  fingerprint: string;
  files: FileContentResult[];
  scannedFiles: number;
  scannedBytes: number;
  /** Files over the size limit, not scanned. */
  skippedLarge: number;
}

export interface ContentScanSettings {
  secrets: boolean;
  malware: boolean;
  /** ClamAV database directory (malware); the built-in EICAR signature works without one. */
  malwareDb?: string;
  /** Files larger than this are not read (default 10 MiB, like Trivy's secret scanner warning). */
  maxFileSize: number;
}
