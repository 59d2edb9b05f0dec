/**
 * Licence strings as packages declare them ("GPL-2.0", "MIT BSD", "GPLv2+") classified for SBOMs:
 * a valid SPDX expression is kept; anything else becomes a named licence / LicenseRef.
 */
export { isSpdxExpression } from '../util/spdx.js';

/** `LicenseRef-` id for a non-SPDX licence name (letters, digits, '.', '-' only). */
export function licenseRef(name: string): string {
  return `LicenseRef-${name.replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'unknown'}`;
}
