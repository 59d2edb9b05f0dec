/**
 * The request-body processor contract: a byte string (one char per byte) and its
 * Content-Type in, the variables it yields out — arguments, uploaded files, part headers, XML
 * nodes — or an error message (REQBODY_ERROR) when the body does not parse.
 */
import type { Field } from '../request/collections.js';

export interface BodyVariables {
  args: Field[];
  /** FILES: field name → client file name; sizes in FILES_SIZES. */
  files: { name: string; filename: string; size: number }[];
  /** MULTIPART_PART_HEADERS: field name → each header line of its part. */
  partHeaders: Field[];
  /** XML text nodes (`XML:/*`) and attribute values (`XML://@*`). */
  xml?: { text: string[]; attributes: string[] };
  /** Processor-specific flags (MULTIPART_STRICT_ERROR, MULTIPART_UNMATCHED_BOUNDARY, …). */
  flags: Map<string, string>;
  error?: string;
}

export interface BodyLimits {
  /** Maximum JSON/XML nesting depth. */
  maxDepth: number;
  /** Maximum number of arguments kept. */
  maxArgs: number;
}

export type BodyProcessor = (body: string, contentType: string, limits: BodyLimits) => BodyVariables;

export const emptyBody = (): BodyVariables => ({ args: [], files: [], partHeaders: [], flags: new Map() });
