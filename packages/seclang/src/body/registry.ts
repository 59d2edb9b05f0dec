/**
 * Request-body processors by the names `ctl:requestBodyProcessor=` uses. Adding one = a module
 * + one line here.
 */
import type { BodyProcessor } from './body.js';
import { jsonBody } from './json.js';
import { multipartBody } from './multipart.js';
import { urlencodedBody } from './urlencoded.js';
import { xmlBody } from './xml.js';

export const BODY_PROCESSORS: Readonly<Record<string, BodyProcessor>> = {
  URLENCODED: urlencodedBody,
  MULTIPART: multipartBody,
  JSON: jsonBody,
  XML: xmlBody,
};

/** The processor ModSecurity picks by itself from Content-Type (JSON/XML need a ctl rule). */
export function defaultProcessor(contentType: string): string | undefined {
  const ct = contentType.toLowerCase();
  if (ct.startsWith('application/x-www-form-urlencoded')) return 'URLENCODED';
  if (ct.startsWith('multipart/form-data')) return 'MULTIPART';
  return undefined;
}
