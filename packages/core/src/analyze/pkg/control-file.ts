/**
 * Parser for Debian control-file syntax (dpkg `status`, `status.d/*`): paragraphs of
 * `Field: value` lines separated by blank lines, with indented continuation lines.
 * Linear time; malformed lines are skipped rather than failing the whole database.
 */

export type Paragraph = Map<string, string>;

export function parseParagraphs(text: string): Paragraph[] {
  const out: Paragraph[] = [];
  let current: Paragraph = new Map();
  let lastKey: string | undefined;
  for (const line of text.split('\n')) {
    const trimmedEnd = line.replace(/\r$/, '');
    if (trimmedEnd.trim() === '') {
      if (current.size > 0) out.push(current);
      current = new Map();
      lastKey = undefined;
      continue;
    }
    if (trimmedEnd.startsWith(' ') || trimmedEnd.startsWith('\t')) {
      if (lastKey !== undefined) current.set(lastKey, `${current.get(lastKey) ?? ''}\n${trimmedEnd.trim()}`);
      continue;
    }
    const colon = trimmedEnd.indexOf(':');
    if (colon <= 0) continue;
    lastKey = trimmedEnd.slice(0, colon).trim().toLowerCase();
    current.set(lastKey, trimmedEnd.slice(colon + 1).trim());
  }
  if (current.size > 0) out.push(current);
  return out;
}
