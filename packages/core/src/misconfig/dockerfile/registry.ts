/**
 * The Dockerfile check table: structure checks, then RUN checks. One line per file of checks.
 */
import type { Check } from '../check.js';
import type { Dockerfile } from './parse-dockerfile.js';
import { RUN_CHECKS } from './run-checks.js';
import { STRUCTURE_CHECKS } from './structure-checks.js';

export const DOCKERFILE_CHECKS: readonly Check<Dockerfile>[] = [...STRUCTURE_CHECKS, ...RUN_CHECKS];
