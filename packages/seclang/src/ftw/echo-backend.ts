/**
 * The backend the CRS regression suite runs behind the WAF (an "albedo"-style echo server):
 * `POST /reflect` with a JSON body answers with the status, headers and body it names (so
 * response rules can be tested); any other request gets 200 with a short text body.
 */
export interface BackendResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
}

export function echoBackend(method: string, path: string, body: Buffer): BackendResponse {
  if (method === 'POST' && path.split('?')[0] === '/reflect') {
    try {
      const spec = JSON.parse(body.toString('utf8')) as { status?: unknown; headers?: unknown; body?: unknown; encodedBody?: unknown };
      const headers: [string, string][] = [];
      if (spec.headers && typeof spec.headers === 'object') for (const [k, v] of Object.entries(spec.headers)) headers.push([k, String(v)]);
      const out = typeof spec.encodedBody === 'string' ? Buffer.from(spec.encodedBody, 'base64') : Buffer.from(typeof spec.body === 'string' ? spec.body : '', 'utf8');
      if (!headers.some(([k]) => k.toLowerCase() === 'content-type')) headers.push(['Content-Type', 'text/plain']);
      headers.push(['Content-Length', String(out.length)]);
      return { status: Number.isInteger(spec.status) ? (spec.status as number) : 200, headers, body: out };
    } catch {
      return { status: 400, headers: [['Content-Type', 'text/plain']], body: Buffer.from('reflect: body is not JSON') };
    }
  }
  const out = Buffer.from('ok\n');
  return { status: 200, headers: [['Content-Type', 'text/plain'], ['Content-Length', String(out.length)]], body: out };
}
