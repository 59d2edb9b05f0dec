/**
 * The Kubernetes check table: Pod Security Standards controls, then the other workload,
 * RBAC and network checks. Checks see every object of every scanned file at once, so
 * cross-object checks (NetworkPolicy per namespace) work across files.
 */
import type { Check } from '../check.js';
import type { K8sObject } from './parse-manifests.js';
import { PSS_CHECKS } from './pod-security.js';
import { WORKLOAD_CHECKS } from './workload-checks.js';

export const KUBERNETES_CHECKS: readonly Check<readonly K8sObject[]>[] = [...PSS_CHECKS, ...WORKLOAD_CHECKS];
