/**
 * A Problem is something the scan met in the input and reports alongside its results:
 * an error means part of the input could not be read (exit code 2), a warning means the
 * results are complete but the input is unusual (for example a config diff_id that does
 * not match the layer it names).
 */
import type { ErrorCode } from './errors.js';

export type ProblemLevel = 'error' | 'warning';

export interface Problem {
  level: ProblemLevel;
  code: ErrorCode | 'DIFFID_MISMATCH' | 'LAYER_COUNT_MISMATCH' | 'UNREADABLE_FILE' | 'SKIPPED_FILE';
  /** The file, archive member or layer concerned. */
  input: string;
  message: string;
}
