/**
 * The secret scanning engine. One Aho-Corasick pass over a file finds every rule keyword;
 * each rule then runs (RE2, linear time) only on the lines around its keywords, so cost
 * grows with the file size plus the number of keyword hits, not with the number of rules.
 * Matches go through the rule's allow-lists, entropy and verify gates; generic rules yield
 * to specific ones on the same text. Secrets leave the scanner only redacted.
 */
import { createHash } from 'node:crypto';
import RE2 from 're2';
import type { Severity } from '../../model/finding.js';
import { AhoCorasick } from '@bulwark/seclang';
import { shannonEntropy, type DetectedSecret, type SecretRule } from './rule.js';
import { SECRET_RULES } from './registry.js';
import { detectBinaryKeystore } from './rules/private-keys.js';

/** One secret found in one file, as cached per layer and reported. */
export interface SecretHit {
  rule: string;
  /** 1-based line and column of the secret; endLine when it spans lines. */
  line: number;
  column: number;
  endLine?: number;
  /** First characters of the secret and its length; never the whole value. */
  match: string;
  /** Stable hash of rule, path and secret, for suppressions. */
  fingerprint: string;
  title?: string;
  severity?: Severity;
}

interface CompiledRule {
  rule: SecretRule;
  regex?: RE2;
  allow: RE2[];
  allowPaths: RE2[];
}

const LINE_WINDOW = 4096;
const MULTILINE_WINDOW = 64 * 1024;
/** Bytes examined for NUL to decide a file is binary (as git does). */
const BINARY_PROBE = 8000;

export function redact(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, shown)}${'*'.repeat(Math.min(8, secret.length - shown))} (${secret.length} chars)`;
}

export function fingerprint(ruleId: string, path: string, secret: string): string {
  return createHash('sha256').update(`bulwark-secret-v1\0${ruleId}\0${path}\0${secret}`).digest('hex').slice(0, 32);
}

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, BINARY_PROBE).includes(0);
}

/** Text of a UTF-16 file (by its BOM), or undefined for anything else. */
function utf16Text(content: Buffer): string | undefined {
  if (content.length >= 2 && content[0] === 0xff && content[1] === 0xfe) return content.subarray(2).toString('utf16le');
  if (content.length >= 2 && content[0] === 0xfe && content[1] === 0xff) {
    const swapped = Buffer.from(content.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return undefined;
}

export class SecretScanner {
  private readonly rules: CompiledRule[];
  private readonly automaton: AhoCorasick;
  /** keyword index → rules that declared it. */
  private readonly keywordRules: number[][];

  constructor(rules: readonly SecretRule[] = SECRET_RULES) {
    this.rules = rules.map((rule) => ({
      rule,
      ...(rule.regex ? { regex: new RE2(rule.regex, 'g') } : {}),
      allow: (rule.allowValues ?? []).map((p) => new RE2(p)),
      allowPaths: (rule.allowPaths ?? []).map((p) => new RE2(p)),
    }));
    const keywords: string[] = [];
    const keywordIndex = new Map<string, number>();
    this.keywordRules = [];
    this.rules.forEach((compiled, ruleIndex) => {
      for (const keyword of compiled.rule.keywords) {
        let k = keywordIndex.get(keyword);
        if (k === undefined) {
          k = keywords.length;
          keywords.push(keyword);
          keywordIndex.set(keyword, k);
          this.keywordRules.push([]);
        }
        (this.keywordRules[k] as number[]).push(ruleIndex);
      }
    });
    this.automaton = new AhoCorasick(
      keywords.map((k) => Buffer.from(k, 'latin1')),
      true,
    );
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Scans one file's bytes; `path` names it in fingerprints. Binary files yield only keystores. */
  scan(content: Buffer, path: string): SecretHit[] {
    const wide = utf16Text(content);
    if (wide !== undefined) return this.scanText(wide, path);
    if (isBinary(content)) {
      const keystore = detectBinaryKeystore(content);
      if (!keystore) return [];
      return [{ rule: keystore.ruleId, line: 1, column: 1, match: `${keystore.title}`, fingerprint: fingerprint(keystore.ruleId, path, createHash('sha256').update(content).digest('hex')), title: keystore.title, severity: 'HIGH' }];
    }
    // The keyword pass runs on the bytes; the text is decoded only when some rule has work.
    return this.scanBytes(content, () => content.toString('latin1'), path);
  }

  scanText(text: string, path: string): SecretHit[] {
    return this.scanBytes(Buffer.from(text, 'latin1'), () => text, path);
  }

  private scanBytes(bytes: Buffer, decode: () => string, path: string): SecretHit[] {
    const length = bytes.length;
    // Line bounds straight from the bytes (0x0a), so no text is needed to place windows.
    // Keyword hits arrive in ascending order, so both cursors only move forward: O(length).
    let scanned = 0;
    let lastNl = -1;
    const lastNewline = (before: number): number => {
      for (; scanned <= before; scanned++) if (bytes[scanned] === 0x0a) lastNl = scanned;
      return lastNl;
    };
    let nextNl = -2;
    const nextNewline = (from: number): number => {
      if (nextNl >= from || nextNl === -1) return nextNl;
      const found = (bytes as Buffer).indexOf(0x0a, from);
      nextNl = found;
      return found;
    };
    // Windows to examine per rule, as [start, end) pairs merged as they arrive (hits come in order).
    const windows = new Map<number, number[]>();
    this.automaton.scan(bytes, ({ pattern, end }) => {
      for (const ruleIndex of this.keywordRules[pattern] as number[]) {
        const multiline = (this.rules[ruleIndex] as CompiledRule).rule.multiline === true;
        const lineStart = Math.max(lastNewline(end - 1) + 1, end - LINE_WINDOW, 0);
        const start = multiline ? Math.max(0, lineStart - LINE_WINDOW) : lineStart;
        const nl = multiline ? -1 : nextNewline(end);
        const stop = multiline ? Math.min(length, end + MULTILINE_WINDOW) : Math.min(nl < 0 ? length : nl, end + LINE_WINDOW);
        let list = windows.get(ruleIndex);
        if (!list) windows.set(ruleIndex, (list = []));
        const lastEnd = list[list.length - 1];
        if (lastEnd !== undefined && start <= lastEnd) list[list.length - 1] = Math.max(lastEnd, stop);
        else list.push(start, stop);
      }
    });
    if (windows.size === 0) return [];
    const text = decode();
    const found: { ruleIndex: number; d: DetectedSecret }[] = [];
    for (const [ruleIndex, list] of windows) {
      const compiled = this.rules[ruleIndex] as CompiledRule;
      if (compiled.allowPaths.some((p) => p.test(path))) continue;
      const seen = new Set<number>();
      for (let i = 0; i < list.length; i += 2) {
        for (const d of this.detect(compiled, text, list[i] as number, list[i + 1] as number)) {
          if (seen.has(d.start)) continue;
          seen.add(d.start);
          if (insideDataUri(text, d.start)) continue;
          if (this.accepted(compiled, d.secret)) found.push({ ruleIndex, d });
        }
      }
    }
    // Generic rules yield to a specific rule that matched overlapping text.
    const specific = found.filter((f) => (this.rules[f.ruleIndex] as CompiledRule).rule.generic !== true);
    const kept = found.filter((f) => {
      if ((this.rules[f.ruleIndex] as CompiledRule).rule.generic !== true) return true;
      return !specific.some((s) => s.d.start < f.d.end && f.d.start < s.d.end);
    });
    kept.sort((a, b) => a.d.start - b.d.start);
    const lines = lineStarts(text);
    return kept.map(({ ruleIndex, d }) => {
      const rule = (this.rules[ruleIndex] as CompiledRule).rule;
      const start = position(lines, d.start);
      const end = position(lines, Math.max(d.start, d.end - 1));
      const hit: SecretHit = { rule: rule.id, line: start.line, column: start.column, match: redact(d.secret), fingerprint: fingerprint(rule.id, path, d.secret) };
      if (end.line !== start.line) hit.endLine = end.line;
      if (d.title && d.title !== rule.title) hit.title = d.title;
      if (d.severity && d.severity !== rule.severity) hit.severity = d.severity;
      return hit;
    });
  }

  private detect(compiled: CompiledRule, text: string, start: number, end: number): DetectedSecret[] {
    const { rule, regex } = compiled;
    if (rule.detect) return rule.detect(text, start, end);
    if (!regex) return [];
    const window = text.slice(start, end);
    const out: DetectedSecret[] = [];
    regex.lastIndex = 0;
    for (let m = regex.exec(window); m; m = regex.exec(window)) {
      const secret = m[1] ?? m[0];
      const offset = m.index + m[0].lastIndexOf(secret);
      if (rule.reportMatch) out.push({ start: start + m.index, end: start + m.index + m[0].length, secret });
      else out.push({ start: start + offset, end: start + offset + secret.length, secret });
      if (m[0].length === 0) regex.lastIndex++;
    }
    return out;
  }

  private accepted(compiled: CompiledRule, secret: string): boolean {
    const { rule, allow } = compiled;
    if (rule.minLength !== undefined && secret.length < rule.minLength) return false;
    if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
    if (allow.some((a) => a.test(secret))) return false;
    if (rule.verify && !rule.verify(secret)) return false;
    if ((compiled.regex || rule.generic) && looksFabricated(secret, rule.allowRuns === true)) return false;
    return true;
  }
}

/**
 * Documentation and test values: "EXAMPLE" inside a token, keyboard-order runs such as
 * 123456 or abcdef, or one character repeated. Random tokens almost never contain them.
 */
/** Inside an inline `data:…;base64,` blob (images in HTML/CSS), where any token shape occurs by chance. */
function insideDataUri(text: string, offset: number): boolean {
  const lineStart = Math.max(text.lastIndexOf('\n', offset) + 1, offset - 1024 * 1024);
  const marker = text.lastIndexOf(';base64,', offset);
  if (marker < lineStart) return false;
  for (let i = marker + 8; i < offset; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47)) return false;
  }
  return true;
}

export function looksFabricated(secret: string, allowRuns: boolean): boolean {
  if (/example/i.test(secret)) return true;
  let up = 1;
  let down = 1;
  let same = 1;
  for (let i = 1; i < secret.length; i++) {
    const d = secret.charCodeAt(i) - secret.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    same = d === 0 ? same + 1 : 1;
    if (up >= 6 || down >= 6 || (!allowRuns && same >= 10)) return true;
  }
  return false;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function position(starts: readonly number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
}
