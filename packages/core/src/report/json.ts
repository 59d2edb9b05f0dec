/** Bulwark's own JSON: the ScanReport as is (documented in docs/json-report.md). */
import type { ScanReport } from '../model/report.js';

export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
