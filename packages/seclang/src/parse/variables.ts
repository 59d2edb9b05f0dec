/**
 * Rule targets: `VAR|VAR:key|&VAR|!VAR:/regex/|XML:/*`, split on `|` outside regex keys and
 * quoted keys, each turned into a selector.
 */
import type { VariableSelector } from '../model.js';

/** Splits on `|` except inside `/…/` or `'…'` keys. */
function splitTargets(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === '|') {
      parts.push(current);
      current = '';
      i++;
      continue;
    }
    current += c;
    i++;
    if (c === ':' && (text[i] === '/' || text[i] === "'")) {
      const quote = text[i] as string;
      // XML:/* and XML://@* are XPath, not regexes: they run to the next '|'.
      if (quote === '/' && /^XML$/i.test(current.replace(/^[!&]/, '').slice(0, -1))) continue;
      current += text[i++];
      while (i < text.length && text[i] !== quote) {
        if (text[i] === '\\' && i + 1 < text.length) current += text[i++];
        current += text[i++];
      }
      if (i < text.length) current += text[i++];
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

export function parseVariables(text: string): VariableSelector[] | { error: string } {
  const out: VariableSelector[] = [];
  for (let part of splitTargets(text)) {
    const selector: VariableSelector = { name: '', count: false, exclude: false };
    if (part.startsWith('!')) {
      selector.exclude = true;
      part = part.slice(1);
    }
    if (part.startsWith('&')) {
      selector.count = true;
      part = part.slice(1);
    }
    const colon = part.indexOf(':');
    const name = colon >= 0 ? part.slice(0, colon) : part;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { error: `'${part}' is not a variable` };
    selector.name = name.toUpperCase();
    if (colon >= 0) {
      let key = part.slice(colon + 1);
      if (key.startsWith("'") && key.endsWith("'") && key.length >= 2) key = key.slice(1, -1);
      if (selector.name !== 'XML' && key.length >= 2 && key.startsWith('/') && key.endsWith('/')) selector.keyRegex = key.slice(1, -1);
      else selector.key = key;
    }
    out.push(selector);
  }
  return out.length ? out : { error: 'no targets' };
}
