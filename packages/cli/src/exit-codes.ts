/**
 * Process exit codes, documented in docs/cli.md:
 * 0 the scan completed; 2 the input (or a flag) could not be used, fully or partly —
 * results that could be produced are still written.
 */
export const EXIT_OK = 0;
export const EXIT_INPUT_ERROR = 2;
