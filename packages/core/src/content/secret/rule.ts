/**
 * What a secret rule is: an id, a category and severity, the keywords that must occur in a
 * file before the rule runs (the Aho-Corasick prefilter), and either an RE2 pattern (the
 * secret is capture group 1, or the whole match) or a structural detector for formats a
 * pattern cannot check (PEM blocks, keystores). Allow-lists drop placeholders and paths.
 */
import type { Severity } from '../../model/finding.js';

export interface DetectedSecret {
  /** Offsets in the scanned text (latin1, so one char = one byte). */
  start: number;
  end: number;
  /** The secret itself (redacted before it leaves the scanner). */
  secret: string;
  /** Overrides the rule's title, e.g. "Encrypted private key". */
  title?: string;
  severity?: Severity;
}

export interface SecretRule {
  /** Stable kebab-case id, used in suppressions and SARIF. */
  id: string;
  category: string;
  title: string;
  severity: Severity;
  /** Lower-case strings; the rule runs only around their occurrences. */
  keywords: readonly string[];
  /** RE2 syntax. Capture group 1 is the secret when present. */
  regex?: string;
  /** Structural detector run on the window around each keyword hit (offsets into `text`). */
  detect?: (text: string, windowStart: number, windowEnd: number) => DetectedSecret[];
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Minimum secret length after trimming quotes. */
  minLength?: number;
  /** Extra check on the captured secret (e.g. a Basic credential decodes to user:pass). */
  verify?: (secret: string) => boolean;
  /** RE2 patterns on the file path; files matching any are not checked by this rule. */
  allowPaths?: readonly string[];
  /** RE2 patterns; a secret matching any is a placeholder or example, not reported. */
  allowValues?: readonly string[];
  /** Report the whole match's span (e.g. a JWK object), not just the secret's. */
  reportMatch?: boolean;
  /** Keep secrets with long runs of one character (formats padded with 'A's). */
  allowRuns?: boolean;
  /** Generic rules yield to a specific rule matching the same text. */
  generic?: boolean;
  /** How far the window extends around a keyword (default: the line, at most 4 KiB). */
  multiline?: boolean;
  /** A positive example used by the rule table's own test (fake, never a live credential). */
  example: string;
}

/** Shannon entropy of a string in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** A token rule: a fixed prefix keyword and a pattern that must be bounded on both sides. */
export function prefixed(id: string, category: string, title: string, severity: Severity, keywords: readonly string[], regex: string, example: string, extra: Partial<SecretRule> = {}): SecretRule {
  return { id, category, title, severity, keywords, regex, example, ...extra };
}

/**
 * A rule for credentials without a recognisable shape: the service's name must appear
 * shortly before an assignment of a value with the given character class and length.
 */
export function named(id: string, category: string, title: string, severity: Severity, names: readonly string[], value: string, example: string, extra: Partial<SecretRule> = {}): SecretRule {
  const alternation = names.map((n) => n.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('|');
  return {
    id,
    category,
    title,
    severity,
    keywords: names,
    regex: `(?i)(?:${alternation})[\\w.-]{0,25}["']?\\s{0,3}(?:=|:|:=|=>|\\s)\\s{0,3}["'\`]?(${value})(?:[^\\w/+=-]|$)`,
    example,
    ...extra,
  };
}
