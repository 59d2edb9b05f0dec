/**
 * XML bodies: a small bounded tokenizer (no DTD, no entity expansion beyond the five
 * predefined and numeric references) that collects text nodes (`XML:/*`) and attribute values
 * (`XML://@*`) and reports malformed documents as REQBODY_ERROR.
 */
import { utf8Bytes } from '../transform/bytes.js';
import { emptyBody, type BodyProcessor } from './body.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,4});/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
      return code <= 0x10ffff ? utf8Bytes(String.fromCodePoint(code)) : whole;
    }
    return ENTITIES[ref] ?? whole;
  });
}

export const xmlBody: BodyProcessor = (body, _contentType, limits) => {
  const out = emptyBody();
  const text: string[] = [];
  const attributes: string[] = [];
  const stack: string[] = [];
  let i = 0;
  let sawRoot = false;
  const fail = (message: string): ReturnType<BodyProcessor> => {
    out.error = `XML parsing error: ${message}`;
    out.xml = { text, attributes };
    return out;
  };
  while (i < body.length) {
    const lt = body.indexOf('<', i);
    const chunk = body.slice(i, lt < 0 ? body.length : lt);
    if (chunk.trim() !== '') {
      if (stack.length === 0) return fail('text outside the root element');
      text.push(decodeEntities(chunk));
    }
    if (lt < 0) break;
    if (body.startsWith('<!--', lt)) {
      const end = body.indexOf('-->', lt + 4);
      if (end < 0) return fail('unterminated comment');
      i = end + 3;
    } else if (body.startsWith('<![CDATA[', lt)) {
      const end = body.indexOf(']]>', lt + 9);
      if (end < 0) return fail('unterminated CDATA section');
      text.push(body.slice(lt + 9, end));
      i = end + 3;
    } else if (body.startsWith('<?', lt)) {
      const end = body.indexOf('?>', lt + 2);
      if (end < 0) return fail('unterminated processing instruction');
      i = end + 2;
    } else if (body.startsWith('<!', lt)) {
      // DOCTYPE: skipped without expanding anything it declares (no XXE, no entity bombs).
      let depth = 0;
      let j = lt + 2;
      for (; j < body.length; j++) {
        const c = body[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      if (j >= body.length) return fail('unterminated declaration');
      i = j + 1;
    } else {
      const end = findTagEnd(body, lt + 1);
      if (end < 0) return fail('unterminated tag');
      const tag = body.slice(lt + 1, end);
      i = end + 1;
      if (tag.startsWith('/')) {
        const name = tag.slice(1).trim();
        if (stack.pop() !== name) return fail(`unexpected closing tag </${name.slice(0, 40)}>`);
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const inner = selfClosing ? tag.slice(0, -1) : tag;
      const name = /^[^\s/>]+/.exec(inner)?.[0] ?? '';
      if (!name) return fail('element without a name');
      if (stack.length === 0 && sawRoot) return fail('more than one root element');
      sawRoot = true;
      readAttributes(inner.slice(name.length), attributes);
      if (!selfClosing) {
        if (stack.length >= limits.maxDepth) return fail(`nesting deeper than ${limits.maxDepth}`);
        stack.push(name);
      }
    }
  }
  if (stack.length) return fail(`unclosed element <${(stack[stack.length - 1] as string).slice(0, 40)}>`);
  if (!sawRoot) return fail('no root element');
  out.xml = { text, attributes };
  return out;
};

/** The `>` closing a tag, skipping quoted attribute values. */
function findTagEnd(body: string, from: number): number {
  let quote = '';
  for (let j = from; j < body.length; j++) {
    const c = body[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return j;
  }
  return -1;
}

function readAttributes(text: string, into: string[]): void {
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf('=', i);
    if (eq < 0) return;
    let j = eq + 1;
    while (j < text.length && /\s/.test(text[j] as string)) j++;
    const quote = text[j];
    if (quote !== '"' && quote !== "'") return;
    const close = text.indexOf(quote, j + 1);
    if (close < 0) return;
    into.push(decodeEntities(text.slice(j + 1, close)));
    i = close + 1;
  }
}
