/**
 * Process exit codes, documented in docs/cli.md:
 * 0 the scan completed; 2 the input (or a flag) could not be used, fully or partly —
 * results that could be produced are still written; 3–5 a registry could not serve the
 * image (unreachable, authentication, not found); 6 content does not match its digest
 * (a registry, an archive or a layout altered after it was built); 7 `bulwark verify` found no
 * valid signature by the key; 70 an internal error (a bug, or `bulwark waf` workers dying in a loop).
 */
import type { ErrorCode } from '@bulwark/core';

export const EXIT_OK = 0;
export const EXIT_INPUT_ERROR = 2;
export const EXIT_REGISTRY_UNREACHABLE = 3;
export const EXIT_REGISTRY_AUTH = 4;
export const EXIT_NOT_FOUND = 5;
export const EXIT_INTEGRITY = 6;
/** `bulwark verify`: no signature by the given key covers the image digest. */
export const EXIT_UNSIGNED = 7;
/** An internal error: a bug, or `bulwark waf` workers dying in a loop. */
export const EXIT_INTERNAL = 70;

/** The exit code for an error that stopped the command. */
export function exitCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'REGISTRY_UNREACHABLE':
      return EXIT_REGISTRY_UNREACHABLE;
    case 'REGISTRY_AUTH':
      return EXIT_REGISTRY_AUTH;
    case 'MANIFEST_UNKNOWN':
      return EXIT_NOT_FOUND;
    case 'DIGEST_MISMATCH':
      return EXIT_INTEGRITY;
    case 'KEY_PASSWORD':
    case 'KEY_INVALID':
      return EXIT_INPUT_ERROR;
    default:
      return EXIT_INPUT_ERROR;
  }
}
