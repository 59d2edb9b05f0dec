/**
 * `multipart/form-data` bodies: parts split on the boundary from Content-Type, each part's
 * headers (MULTIPART_PART_HEADERS), form fields to arguments, file parts to FILES /
 * FILES_SIZES. Deviations attackers use to slip past parsers are flagged as ModSecurity does
 * (MULTIPART_STRICT_ERROR and the specific flags), not rejected.
 */
import RE2 from 're2';
import { emptyBody, type BodyProcessor, type BodyVariables } from './body.js';

const MAX_PARTS = 1000;
/** One `; name=value` parameter (RE2: linear on hostile header lines). */
const DISPOSITION_PARAM = new RE2(';\\s*([A-Za-z0-9_*-]+)\\s*=\\s*("((?:[^"\\\\]|\\\\.)*)"|[^;]*)', 'g');

function boundaryOf(contentType: string): string | undefined {
  const m = /;\s*boundary\s*=\s*("([^"]*)"|[^;\s]+)/i.exec(contentType);
  if (!m) return undefined;
  return m[2] ?? m[1];
}

/** `form-data; name="a"; filename="b"` → params (quoted or bare values). */
function dispositionParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  const re = DISPOSITION_PARAM;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value)) !== null) params.set((m[1] as string).toLowerCase(), m[3] !== undefined ? m[3].replace(/\\(["\\])/g, '$1') : (m[2] as string).trim());
  return params;
}

function flag(out: BodyVariables, name: string): void {
  out.flags.set(name, '1');
  out.flags.set('MULTIPART_STRICT_ERROR', '1');
}

export const multipartBody: BodyProcessor = (body, contentType, limits) => {
  const out = emptyBody();
  for (const name of ['MULTIPART_STRICT_ERROR', 'MULTIPART_UNMATCHED_BOUNDARY', 'MULTIPART_BOUNDARY_QUOTED', 'MULTIPART_BOUNDARY_WHITESPACE', 'MULTIPART_DATA_BEFORE', 'MULTIPART_DATA_AFTER', 'MULTIPART_HEADER_FOLDING', 'MULTIPART_LF_LINE', 'MULTIPART_MISSING_SEMICOLON', 'MULTIPART_INVALID_QUOTING', 'MULTIPART_INVALID_PART', 'MULTIPART_INVALID_HEADER_FOLDING', 'MULTIPART_FILE_LIMIT_EXCEEDED']) out.flags.set(name, '0');
  const boundary = boundaryOf(contentType);
  if (!boundary) {
    out.error = 'multipart: no boundary in Content-Type';
    out.flags.set('MULTIPART_STRICT_ERROR', '1');
    return out;
  }
  if (/boundary\s*=\s*"/i.test(contentType)) out.flags.set('MULTIPART_BOUNDARY_QUOTED', '1');
  const delimiter = `--${boundary}`;
  let at = body.indexOf(delimiter);
  if (at < 0) {
    out.error = 'multipart: boundary not found in body';
    flag(out, 'MULTIPART_UNMATCHED_BOUNDARY');
    return out;
  }
  if (at > 0 && body.slice(0, at).trim() !== '') flag(out, 'MULTIPART_DATA_BEFORE');
  let closed = false;
  for (let parts = 0; parts < MAX_PARTS; parts++) {
    at += delimiter.length;
    if (body.startsWith('--', at)) {
      closed = true;
      if (body.slice(at + 2).trim() !== '') flag(out, 'MULTIPART_DATA_AFTER');
      break;
    }
    const lineEnd = body.indexOf('\n', at);
    if (lineEnd < 0) break;
    const next = body.indexOf(`\n${delimiter}`, lineEnd);
    const partEnd = next < 0 ? body.length : next;
    let part = body.slice(lineEnd + 1, partEnd);
    if (part.endsWith('\r')) part = part.slice(0, -1);
    readPart(part, out, limits.maxArgs);
    if (next < 0) break;
    at = next + 1;
  }
  if (!closed) {
    out.error = 'multipart: final boundary missing';
    flag(out, 'MULTIPART_UNMATCHED_BOUNDARY');
  }
  return out;
};

function readPart(part: string, out: BodyVariables, maxArgs: number): void {
  const crlf = part.indexOf('\r\n\r\n');
  const lf = part.indexOf('\n\n');
  const split = crlf >= 0 && (lf < 0 || crlf < lf) ? { at: crlf, len: 4 } : lf >= 0 ? { at: lf, len: 2 } : undefined;
  if (!split) {
    flag(out, 'MULTIPART_INVALID_PART');
    return;
  }
  if (split.len === 2) out.flags.set('MULTIPART_LF_LINE', '1');
  const headerLines: string[] = [];
  for (const raw of part.slice(0, split.at).split(/\r?\n/)) {
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && headerLines.length) {
      headerLines[headerLines.length - 1] += raw;
      flag(out, 'MULTIPART_HEADER_FOLDING');
    } else if (raw !== '') headerLines.push(raw);
  }
  const content = part.slice(split.at + split.len);
  const disposition = headerLines.find((h) => /^content-disposition\s*:/i.test(h));
  const params = disposition ? dispositionParams(disposition.slice(disposition.indexOf(':') + 1)) : new Map<string, string>();
  if (disposition && !/^\s*form-data\s*;/i.test(disposition.slice(disposition.indexOf(':') + 1))) flag(out, 'MULTIPART_MISSING_SEMICOLON');
  const name = params.get('name') ?? '';
  for (const h of headerLines) out.partHeaders.push({ key: name, value: h });
  if (out.args.length >= maxArgs) return;
  const filename = params.get('filename') ?? params.get('filename*');
  if (filename !== undefined) out.files.push({ name, filename, size: content.length });
  else out.args.push({ key: name, value: content });
}
