/**
 * The normalised advisory every importer produces and the store keeps: identity, aliases,
 * text, vendor severity and CVSS vectors, and the (namespace, package) pairs it affects with
 * the data the matcher needs (OSV ranges, or a fixed version).
 */
import type { Severity } from '../../model/finding.js';

export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: string;
  events: OsvEvent[];
}

export type AffectedData =
  | { kind: 'osv'; ranges: OsvRange[]; versions: string[] }
  | { kind: 'fixed'; fixed: string }
  | { kind: 'constraints'; vulnerable: string[]; patched: string[]; unaffected: string[] }
  | { kind: 'unfixed'; status: 'affected' | 'will_not_fix' | 'end_of_life' };

export interface AffectedEntry {
  /** `npm`, `pypi`, `go`, … for languages; `alpine:3.10`, `debian:10` for distributions. */
  namespace: string;
  /** Package name as matched: normalised per ecosystem (PEP 503 for pypi), source name for OS. */
  package: string;
  data: AffectedData;
}

export interface Advisory {
  id: string;
  aliases: string[];
  summary?: string;
  severity?: Severity;
  /** Severity by who rated it (ghsa, nvd, debian, ubuntu, cbl-mariner…), for `--vuln-severity-source`. */
  vendorSeverity?: Record<string, Severity>;
  cvss: { version: string; vector: string }[];
  references: string[];
  published?: string;
  modified?: string;
  affected: AffectedEntry[];
}

/** Upstream severity words → Bulwark's scale (GHSA says MODERATE, others IMPORTANT…). */
export function normalizeSeverity(word: unknown): Severity | undefined {
  if (typeof word !== 'string') return undefined;
  const w = word.trim().toUpperCase();
  if (w === 'CRITICAL') return 'CRITICAL';
  if (w === 'HIGH' || w === 'IMPORTANT') return 'HIGH';
  if (w === 'MEDIUM' || w === 'MODERATE') return 'MEDIUM';
  if (w === 'LOW' || w === 'NEGLIGIBLE') return 'LOW';
  return undefined;
}
