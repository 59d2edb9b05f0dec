/**
 * The secret rule table: every built-in rule, grouped by file. Adding a detector = one entry
 * in the file of its category (or a new file and one line here). The table's version is part
 * of the layer cache key, so changing a rule re-scans cached layers.
 */
import type { SecretRule } from './rule.js';
import { CLOUD_RULES } from './rules/cloud.js';
import { GENERIC_RULES } from './rules/generic.js';
import { PRIVATE_KEY_RULES } from './rules/private-keys.js';
import { REGISTRY_RULES } from './rules/registries.js';
import { SAAS_RULES } from './rules/saas.js';
import { VCS_CI_RULES } from './rules/vcs-ci.js';

export const SECRET_RULES: readonly SecretRule[] = [...PRIVATE_KEY_RULES, ...CLOUD_RULES, ...VCS_CI_RULES, ...REGISTRY_RULES, ...SAAS_RULES, ...GENERIC_RULES];

/** Bump when a rule changes behaviour without changing its id. */
export const SECRET_RULES_VERSION = 1;

/**
 * Paths never scanned for secrets: documentation, headers and test data of installed
 * third-party packages, where example keys abound and nothing is deployed.
 */
export const ALLOWED_PATHS: readonly RegExp[] = [
  /^usr\/share\/(?:doc|man|info|locale|i18n|licenses|common-licenses|zoneinfo|mime|icons)\//,
  /^usr\/include\//,
  /(?:^|\/)(?:node_modules|site-packages|dist-packages|gems|vendor|go\/pkg\/mod)\/(?:.*\/)?(?:tests?|testdata|__tests__|spec|specs|fixtures?|examples?|docs?)\//,
  /(?:^|\/)(?:node_modules|site-packages|dist-packages)\/(?:.*\/)?[^/]+\.(?:md|markdown|rst|d\.ts|map)$/,
  /\.dist-info\/(?:RECORD|METADATA|WHEEL)$/,
  /(?:^|\/)usr\/lib\/(?:python3[^/]*|ruby|go)\/(?:.*\/)?(?:tests?|testdata|test_[^/]*)\//,
  /(?:^|\/)usr\/(?:lib|share)\/go[^/]*\/src\//,
  /(?:^|\/)\.git\/objects\//,
];
