/**
 * JSON bodies flattened to arguments the way Coraza names them: `json.a.b` for object keys,
 * `json.list.0` for array items, scalars as text (`true`, `null`, numbers as written by
 * JSON.stringify). Depth and argument count are bounded; a parse error is REQBODY_ERROR.
 */
import { utf8Bytes, utf8Text } from '../transform/bytes.js';
import { emptyBody, type BodyProcessor, type BodyVariables } from './body.js';

function flatten(value: unknown, name: string, depth: number, out: BodyVariables, maxDepth: number, maxArgs: number): void {
  if (out.error) return;
  if (depth > maxDepth) {
    out.error = `JSON nesting deeper than ${maxDepth}`;
    return;
  }
  if (out.args.length >= maxArgs) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => flatten(v, `${name}.${i}`, depth + 1, out, maxDepth, maxArgs));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, `${name}.${utf8Bytes(k)}`, depth + 1, out, maxDepth, maxArgs);
  } else {
    const text = typeof value === 'string' ? value : value === null ? '' : String(value);
    out.args.push({ key: name, value: utf8Bytes(text) });
  }
}

export const jsonBody: BodyProcessor = (body, _contentType, limits) => {
  const out = emptyBody();
  let parsed: unknown;
  try {
    // The body arrives as bytes; decode UTF-8 so escapes and multi-byte text agree, then
    // re-encode values to bytes for byte-wise matching.
    parsed = JSON.parse(utf8Text(body));
  } catch (err) {
    out.error = `JSON parsing error: ${err instanceof Error ? err.message : String(err)}`;
    return out;
  }
  flatten(parsed, 'json', 0, out, limits.maxDepth, limits.maxArgs);
  return out;
};
