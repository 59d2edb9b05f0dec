/**
 * The analyzer contract. An analyzer names the paths it wants (checked against every entry of
 * every layer, so `wants` must be cheap), parses each wanted file into JSON-serialisable data
 * (cached per layer), and — for package analyzers — assembles the final inventory from the
 * merged view of all layers. Adding an ecosystem = one module implementing this + one line in
 * registry.ts.
 */
import type { LayerRef, OsInfo, Package } from '../model/package.js';
import type { Problem } from '../model/problem.js';

export interface AnalyzerFile {
  /** Image-relative path, no leading '/'. */
  path: string;
  content: Buffer;
  /** Names the file for messages ("layer 2 (sha256:…): var/lib/dpkg/status"). */
  describe: string;
}

/** image: installed artifacts only (image, rootfs); fs: a project checkout (lockfiles too). */
export type ScanMode = 'image' | 'fs';

export interface FileAnalyzer<T = unknown> {
  readonly name: string;
  /** Modes the analyzer runs in; all when omitted. */
  readonly modes?: readonly ScanMode[];
  /** Bump when the output of `analyze` changes: it is part of the layer cache key. */
  readonly version: number;
  /** `mode` (permission bits) is given when known, for analyzers that want executables. */
  wants(path: string, mode?: number): boolean;
  /** Files larger than this are skipped with a warning. */
  readonly maxFileSize?: number;
  /**
   * Optional cheap check of a wanted file's first bytes (up to 64): false means "not mine",
   * and the file is not buffered for this analyzer (binary analyzers look for ELF magic).
   */
  sniff?(head: Buffer): boolean;
  /** Parse one file. Throw to report it unreadable; return undefined to ignore it. */
  analyze(file: AnalyzerFile): T | undefined | Promise<T | undefined>;
}

/** A result as it sits in the merged filesystem (the topmost layer's version of the path). */
export interface FinalResult<T> {
  path: string;
  data: T;
  layer?: LayerRef;
}

export interface AssembleContext<T> {
  /** Results whose file survives in the final filesystem. */
  readonly results: readonly FinalResult<T>[];
  /** Every layer's version of `path`, bottom layer first (for provenance). */
  history(path: string): readonly FinalResult<T>[];
  readonly os: OsInfo | undefined;
  /** What the final filesystem has at `path` (symlinks not followed). */
  fileType(path: string): 'file' | 'dir' | 'symlink' | 'other' | undefined;
  report(problem: Problem): void;
}

export interface PackageAnalyzer<T = unknown> extends FileAnalyzer<T> {
  readonly kind: 'os-packages' | 'lang-packages';
  assemble(ctx: AssembleContext<T>): Package[];
}

export interface OsReleaseData {
  /** The parsed release file: key/values for os-release style, `text` for one-line files. */
  fields: Record<string, string>;
}

export interface OsAnalyzer extends FileAnalyzer<OsReleaseData> {
  readonly kind: 'os';
}

export type AnyAnalyzer = PackageAnalyzer | OsAnalyzer;
