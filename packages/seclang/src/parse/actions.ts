/**
 * The action list of a rule: comma-separated `name` or `name:value`, where a value may be
 * single-quoted (`msg:'a, b'`, `setvar:'tx.x=+%{tx.y}'`) with `\'` for a quote inside.
 */
import type { Action } from '../model.js';
import { readQuoted } from './quoted.js';

export function parseActions(text: string): Action[] | { error: string } {
  const actions: Action[] = [];
  let i = 0;
  const skipSpace = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  while (i < text.length) {
    skipSpace();
    if (i >= text.length) break;
    let name = '';
    while (i < text.length && text[i] !== ':' && text[i] !== ',') name += text[i++];
    name = name.trim();
    if (!name) return { error: `empty action at offset ${i}` };
    const action: Action = { name: name.toLowerCase() };
    if (text[i] === ':') {
      i++;
      skipSpace();
      let value = '';
      if (text[i] === "'") {
        const quoted = readQuoted(text, i);
        if (!quoted) return { error: `unterminated quote in action ${name}` };
        value = quoted.value;
        i = quoted.end;
        skipSpace();
      } else {
        while (i < text.length && text[i] !== ',') value += text[i++];
        value = value.trim();
      }
      action.value = value;
    }
    actions.push(action);
    skipSpace();
    if (i < text.length) {
      if (text[i] !== ',') return { error: `expected ',' after action ${name}` };
      i++;
    }
  }
  return actions;
}
