/**
 * What reading one layer produces, in a form that is cached on disk by diffID: every entry's
 * metadata, the whiteouts, and each analyzer's output for the files it wanted. Contents of
 * files are not kept.
 */
import type { Problem } from '../model/problem.js';

export type EntryType = 'f' | 'd' | 'l' | 'h' | 'o';

export interface EntryMeta {
  /** Image-relative path. */
  p: string;
  t: EntryType;
  /** Size in bytes (files). */
  s?: number;
  /** Permission bits incl. setuid/setgid/sticky. */
  m?: number;
  u?: number;
  g?: number;
  /** Link target (symlinks: as written; hardlinks: normalised path). */
  l?: string;
}

export interface AnalyzerOutput {
  analyzer: string;
  path: string;
  data: unknown;
}

export interface LayerAnalysis {
  diffId: string;
  /** Uncompressed size. */
  size: number;
  compression: string;
  entries: EntryMeta[];
  whiteouts: string[];
  opaqueDirs: string[];
  results: AnalyzerOutput[];
  problems: Problem[];
}
