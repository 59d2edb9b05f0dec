/**
 * Typed errors for everything Bulwark reads from untrusted input.
 * Callers switch on `code`; the CLI prints `message` (which names the input) and exits 2.
 * No stack traces reach users: anything that is not a BulwarkError is a bug.
 */

export type ErrorCode =
  | 'INPUT_NOT_FOUND'
  | 'UNKNOWN_FORMAT'
  | 'CORRUPT_ARCHIVE'
  | 'CORRUPT_LAYER'
  | 'MISSING_BLOB'
  | 'DIGEST_MISMATCH'
  | 'MALFORMED_MANIFEST'
  | 'UNKNOWN_MEDIA_TYPE'
  | 'NO_MATCHING_PLATFORM'
  | 'AMBIGUOUS_IMAGE'
  | 'PATH_ESCAPE'
  | 'SYMLINK_LOOP'
  | 'SYMLINK_ESCAPE'
  | 'LAYER_TOO_LARGE'
  | 'FILE_TOO_LARGE'
  | 'TOO_MANY_ENTRIES'
  | 'MALFORMED_PACKAGE_DB'
  | 'MALFORMED_CONFIG'
  | 'CACHE_ERROR'
  | 'REGISTRY_UNREACHABLE'
  | 'REGISTRY_AUTH'
  | 'MANIFEST_UNKNOWN'
  | 'REGISTRY_ERROR'
  | 'KEY_INVALID'
  | 'KEY_PASSWORD'
  | 'USAGE';

export class BulwarkError extends Error {
  readonly code: ErrorCode;
  /** The file, archive member or layer the problem was found in. */
  readonly input: string;

  constructor(code: ErrorCode, input: string, problem: string, options?: { cause?: unknown }) {
    super(`${input}: ${problem}`, options);
    this.name = 'BulwarkError';
    this.code = code;
    this.input = input;
  }
}

export function isBulwarkError(value: unknown): value is BulwarkError {
  return value instanceof BulwarkError;
}

/** Short text for an unknown thrown value (zlib, tar-stream and fs errors carry useful messages). */
export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
