/**
 * A vulnerability finding: one advisory affecting one installed package, with the fix (if
 * any), status and severity, and where the package was found. Pure data.
 */
import type { Location, PackageType } from './package.js';

export type Severity = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'UNKNOWN';
export type VulnStatus = 'fixed' | 'affected' | 'will_not_fix' | 'end_of_life';

export interface VulnerabilityFinding {
  kind: 'vulnerability';
  /** Preferred id (CVE when known), the others in `aliases`. */
  id: string;
  aliases: string[];
  packageName: string;
  packageType: PackageType;
  purl: string;
  installedVersion: string;
  /** Lowest version with the fix, when the advisory names one. */
  fixedVersion?: string;
  status: VulnStatus;
  severity: Severity;
  /** Where the severity came from (vendor, cvss-v3, ...). */
  severitySource?: string;
  title?: string;
  /** Advisory records this finding was built from (source:id). */
  advisories: string[];
  references: string[];
  locations: Location[];
}
