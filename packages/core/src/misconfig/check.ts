/**
 * The check contract shared by every configuration type: metadata (id, title, severity,
 * category, fix hint, aliases in other tools) and a `run` over the parsed document that
 * returns the places it fails. Adding a check = one entry in its type's table.
 */
import type { Severity } from '../model/finding.js';

export interface CheckMeta {
  id: string;
  title: string;
  severity: Severity;
  category: string;
  fix: string;
  aliases: readonly string[];
}

export interface Hit {
  line: number;
  endLine?: number;
  message: string;
  resource?: string;
  /** The file, when a check sees objects from several files (Kubernetes). */
  path?: string;
}

export interface CheckOptions {
  /** Registries FROM/image references may use (`--allowed-registries`); unset = any. */
  allowedRegistries?: readonly string[];
}

export interface Check<T> extends CheckMeta {
  run(doc: T, options: CheckOptions): Hit[];
}

export function check<T>(meta: CheckMeta, run: (doc: T, options: CheckOptions) => Hit[]): Check<T> {
  return { ...meta, run };
}
