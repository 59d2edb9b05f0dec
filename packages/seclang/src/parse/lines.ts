/**
 * Splits a SecLang file into logical directives: joins lines ending in `\`, drops blank lines
 * and `#` comments, and remembers the line each directive starts on.
 */
import { readQuoted } from './quoted.js';

export interface LogicalLine {
  text: string;
  line: number;
}

export function logicalLines(source: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = source.split(/\r?\n/);
  let pending = '';
  let start = 0;
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i] ?? '';
    const trimmed = raw.trim();
    if (!pending && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (!pending) start = i + 1;
    const continued = /\\\s*$/.test(raw);
    pending += continued ? raw.replace(/\\\s*$/, '') : raw;
    if (!continued) {
      out.push({ text: pending.trim(), line: start });
      pending = '';
    }
  }
  if (pending.trim()) out.push({ text: pending.trim(), line: start });
  return out;
}

/**
 * Directive arguments: whitespace-separated words or double-quoted strings in which `\"`
 * stands for a quote (other backslashes are kept for the operator and actions to read).
 */
export function splitArguments(text: string): string[] | { error: string } {
  const args: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    if (i >= text.length) break;
    if (text[i] === '"') {
      const quoted = readQuoted(text, i);
      if (!quoted) return { error: 'unterminated double-quoted argument' };
      args.push(quoted.value);
      i = quoted.end;
    } else {
      let value = '';
      while (i < text.length && !/\s/.test(text[i] as string)) value += text[i++];
      args.push(value);
    }
  }
  return args;
}
