/**
 * XSS detection with a small HTML scanner (our own rules, not libinjection's code): the text
 * is read as page content and as the continuation of an attribute value (`"`, `'`, backtick,
 * unquoted), and flagged when it opens a script-capable element (script, iframe, svg, …),
 * sets an event handler (`on…=`), a `style`, or puts a `javascript:`/`vbscript:`/`data:` URL
 * in an attribute. Linear in the input; entities and control characters in URLs are undone.
 */
export interface XssResult {
  detected: boolean;
  reason?: string;
}

const BLACK_TAGS = ['script', 'iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'svg', 'math', 'style', 'link', 'meta', 'base', 'import', 'isindex', 'vmlframe', 'xss', 'xml', 'handler', 'listener', 'noscript', 'comment', 'template', 'portal'];
const URL_SCHEMES = ['javascript:', 'vbscript:', 'livescript:', 'data:', 'mocha:'];
const BLACK_ATTRIBUTES = new Set(['style', 'formaction', 'xmlns', 'srcdoc', 'action', 'background', 'dynsrc', 'lowsrc', 'href', 'src', 'data', 'xlink:href', 'poster', 'codebase', 'from', 'to', 'values', 'by', 'attributename', 'folder', 'content']);

// Patterns live here, not inline: a regex literal inside a function is a new RegExp per call.
const EVENT_HANDLER = /^on[a-z]+$/;
const ACTIVE_DATA_URL = /^data:[^,]*(?:html|xml|svg|script)/;
const EMBEDDED_SCRIPT_URL = /(?:^|[^a-z])(?:javascript|vbscript):/;
const ACTIVE_DECLARATION = /\[if|import|entity|doctype[^>]*\[/;
const WHITESPACE = /[\s]/;
const SCRIPT_PUNCTUATION = /[(`:]/;
const SCRIPT_URL = /^(?:javascript|vbscript|livescript):/;
const URL_ENTITY = /&#(?:x([0-9a-f]{1,8})|([0-9]{1,10}));?|&(colon|tab|newline);/gi;
const isTagNameChar = (c: number): boolean => (c >= 0x30 && c <= 0x3a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;

const isSpace = (c: string | undefined): boolean => c !== undefined && (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\0');

/** Lower-cased, entity-decoded (`&#x6a;`, `&colon;`), without whitespace or control bytes: how a browser reads a URL scheme. */
function normalizeUrl(value: string): string {
  const decoded = !value.includes('&') ? value : value.replace(URL_ENTITY, (_m, hexDigits: string | undefined, dec: string | undefined, named: string | undefined) => {
    if (named) return named.toLowerCase() === 'colon' ? ':' : '';
    const code = hexDigits ? Number.parseInt(hexDigits, 16) : Number(dec);
    return code < 0x110000 ? String.fromCodePoint(code) : '';
  });
  let plain = true;
  for (let i = 0; plain && i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    plain = c > 0x20 && c < 0x80;
  }
  if (plain) return decoded.toLowerCase(); // nothing to drop, and ASCII lowercases the same in one piece
  let out = '';
  for (const c of decoded) if (c.charCodeAt(0) > 0x20) out += c.toLowerCase();
  return out;
}

function checkAttribute(name: string, value: string | undefined): string | undefined {
  const n = name.toLowerCase();
  if (value !== undefined && n.length > 2 && n.startsWith('on') && EVENT_HANDLER.test(n)) return `event handler ${n}`;
  if (n === 'style' && value !== undefined && value !== '') return 'style attribute';
  if (value === undefined) return undefined;
  const url = normalizeUrl(value);
  const scheme = URL_SCHEMES.find((s) => url.startsWith(s));
  if (scheme && (scheme !== 'data:' || ACTIVE_DATA_URL.test(url))) return `${scheme} URL in ${n}`;
  if (BLACK_ATTRIBUTES.has(n) && EMBEDDED_SCRIPT_URL.test(url)) return `script URL in ${n}`;
  return undefined;
}

/** Reads attributes from i (inside a tag) to the closing `>`; returns the reason or the index after the tag. */
function scanAttributes(input: string, i: number): { reason?: string; end: number } {
  while (i < input.length) {
    const c = input[i];
    if (c === '>') return { end: i + 1 };
    if (isSpace(c) || c === '/' || c === '"' || c === "'") {
      i++;
      continue;
    }
    let j = i;
    while (j < input.length && !isSpace(input[j]) && input[j] !== '=' && input[j] !== '>' && input[j] !== '/') j++;
    const name = input.slice(i, j);
    while (isSpace(input[j])) j++;
    let value: string | undefined;
    if (input[j] === '=') {
      j++;
      while (isSpace(input[j])) j++;
      const q = input[j];
      if (q === '"' || q === "'" || q === '`') {
        const close = input.indexOf(q, j + 1);
        value = input.slice(j + 1, close < 0 ? input.length : close);
        j = close < 0 ? input.length : close + 1;
      } else {
        const start = j;
        while (j < input.length && !isSpace(input[j]) && input[j] !== '>') j++;
        value = input.slice(start, j);
      }
    }
    const reason = checkAttribute(name, value);
    if (reason) return { reason, end: j };
    i = Math.max(j, i + 1);
  }
  return { end: input.length };
}

/** Page content: tags and what they carry. */
function scanContent(input: string, from: number): string | undefined {
  let i = from;
  while (i < input.length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) return undefined;
    let j = lt + 1;
    if (input[j] === '/') j++;
    if (input.startsWith('!--', j) || input[j] === '?' || input[j] === '!') {
      // Comments and declarations: IE conditional comments and `<!ENTITY` carry script.
      const head = input.slice(j, j + 40).toLowerCase();
      if (ACTIVE_DECLARATION.test(head)) return 'markup declaration';
      i = j;
      continue;
    }
    const start = j;
    while (j < input.length && isTagNameChar(input.charCodeAt(j))) j++;
    const tag = input.slice(start, j).toLowerCase();
    if (!tag) {
      i = lt + 1;
      continue;
    }
    if (BLACK_TAGS.some((b) => tag === b || (b === 'svg' && tag.startsWith('svg')) || (b === 'script' && tag.startsWith('script')))) return `<${tag}> element`;
    const attrs = scanAttributes(input, j);
    if (attrs.reason) return `${attrs.reason} on <${tag}>`;
    i = attrs.end;
  }
  return undefined;
}

export function detectXss(input: string): XssResult {
  if (input.length === 0) return { detected: false };
  const content = scanContent(input, 0);
  if (content) return { detected: true, reason: content };
  // Continuing an attribute value: the break character ends it, then attributes follow.
  for (const quote of ['"', "'", '`']) {
    const at = input.indexOf(quote);
    if (at < 0) continue;
    const attrs = scanAttributes(input, at + 1);
    if (attrs.reason) return { detected: true, reason: `${quote} break + ${attrs.reason}` };
  }
  // Unquoted attribute value: whitespace ends it.
  const space = input.search(WHITESPACE);
  if (space >= 0) {
    const attrs = scanAttributes(input, space + 1);
    // Prose has `word=value` pairs too (`online=1`): only script-looking values count here.
    if (attrs.reason && !attrs.reason.startsWith('style') && SCRIPT_PUNCTUATION.test(input.slice(space))) return { detected: true, reason: `space break + ${attrs.reason}` };
  }
  // A whole attribute value: a script URL.
  const url = normalizeUrl(input);
  if (SCRIPT_URL.test(url)) return { detected: true, reason: 'script URL' };
  return { detected: false };
}
