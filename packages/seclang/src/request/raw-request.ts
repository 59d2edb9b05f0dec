/**
 * Parses raw HTTP/1.x request bytes the way a tolerant server front end would: request line,
 * headers (LF or CRLF, obsolete line folding), then the body by Content-Length or chunked
 * transfer coding. Oddities attackers use are kept and reported as problems, not rejected,
 * so rules can see them (CRS's protocol-enforcement rules look for exactly these).
 */
export interface RawRequest {
  method: string;
  /** The request target as sent (path, absolute URL, `*` or authority). */
  uri: string;
  /** `HTTP/1.1`; empty for an HTTP/0.9-style line. */
  protocol: string;
  /** The request line as sent, without its line ending. */
  line: string;
  headers: [string, string][];
  body: Buffer;
  problems: string[];
}

const MAX_HEAD = 64 * 1024;

function lineEnd(buf: Buffer, from: number): { end: number; next: number } | undefined {
  const lf = buf.indexOf(0x0a, from);
  if (lf < 0) return undefined;
  return { end: lf > from && buf[lf - 1] === 0x0d ? lf - 1 : lf, next: lf + 1 };
}

function dechunk(body: Buffer, problems: string[]): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  while (at < body.length) {
    const line = lineEnd(body, at);
    if (!line) {
      problems.push('chunked body: missing chunk size line');
      break;
    }
    const sizeText = body.subarray(at, line.end).toString('latin1').split(';')[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]{1,8}$/.test(sizeText)) {
      problems.push(`chunked body: bad chunk size '${sizeText.slice(0, 20)}'`);
      break;
    }
    const size = Number.parseInt(sizeText, 16);
    if (size === 0) break;
    parts.push(body.subarray(line.next, line.next + size));
    if (line.next + size > body.length) {
      problems.push('chunked body: truncated chunk');
      break;
    }
    at = line.next + size;
    if (body[at] === 0x0d) at++;
    if (body[at] === 0x0a) at++;
  }
  return Buffer.concat(parts);
}

export function parseRawRequest(raw: Buffer): RawRequest {
  const problems: string[] = [];
  const first = lineEnd(raw, 0);
  const line = raw.subarray(0, first ? first.end : Math.min(raw.length, MAX_HEAD)).toString('latin1');
  const parts = line.split(' ').filter((p) => p !== '');
  if (parts.length !== 3) problems.push(`request line has ${parts.length} parts, not 3`);
  // Spaces inside the target (`GET /a b HTTP/1.1`): keep them in the URI when the line still
  // ends in a protocol, as tolerant servers do.
  const last = parts[parts.length - 1] ?? '';
  const spaced = parts.length > 3 && /^HTTP\/\d/i.test(last);
  const request: RawRequest = { method: parts[0] ?? '', uri: spaced ? parts.slice(1, -1).join(' ') : (parts[1] ?? ''), protocol: spaced ? last : parts.slice(2).join(' '), line, headers: [], body: Buffer.alloc(0), problems };
  if (!first) {
    problems.push('no line ending after the request line');
    return request;
  }
  let at = first.next;
  let headEnded = false;
  while (at < raw.length && at < MAX_HEAD) {
    const l = lineEnd(raw, at);
    if (!l) {
      problems.push('headers not terminated by an empty line');
      at = raw.length;
      break;
    }
    const text = raw.subarray(at, l.end).toString('latin1');
    at = l.next;
    if (text === '') {
      headEnded = true;
      break;
    }
    if ((text.startsWith(' ') || text.startsWith('\t')) && request.headers.length > 0) {
      const last = request.headers[request.headers.length - 1] as [string, string];
      last[1] = `${last[1]} ${text.trim()}`;
      problems.push('obsolete header line folding');
      continue;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) {
      problems.push(`header line without a name: '${text.slice(0, 40)}'`);
      continue;
    }
    request.headers.push([text.slice(0, colon).trim(), text.slice(colon + 1).trim()]);
  }
  if (!headEnded && at >= MAX_HEAD) problems.push(`request head larger than ${MAX_HEAD} bytes`);
  const rest = raw.subarray(at);
  const header = (name: string): string | undefined => request.headers.find(([k]) => k.toLowerCase() === name)?.[1];
  const encoding = header('transfer-encoding');
  const length = header('content-length');
  if (encoding && /chunked/i.test(encoding)) request.body = dechunk(rest, problems);
  else if (length !== undefined && /^\d{1,15}$/.test(length)) {
    const n = Number(length);
    if (n > rest.length) problems.push(`body shorter than Content-Length (${rest.length} < ${n})`);
    request.body = rest.subarray(0, n);
  } else if (length !== undefined) {
    problems.push(`invalid Content-Length '${length.slice(0, 20)}'`);
    request.body = rest;
  } else if (rest.length > 0) {
    // HTTP/1.1: no Content-Length and no chunked coding means no body; what follows would be
    // read as the next request on the connection.
    problems.push(`${rest.length} bytes after a request without Content-Length or Transfer-Encoding`);
  }
  return request;
}
