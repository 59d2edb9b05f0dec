/**
 * The reporter table: one line per output format. Heavy reporters are imported on demand so
 * `--format table` never loads the CycloneDX library.
 */
import type { ScanReport } from '../model/report.js';

export interface RenderOptions {
  color: boolean;
}

type Renderer = (report: ScanReport, options: RenderOptions) => Promise<string>;

const RENDERERS = {
  table: async (r, o) => (await import('./table.js')).renderTable(r, o),
  json: async (r) => (await import('./json.js')).renderJson(r),
  cyclonedx: async (r) => (await import('./cyclonedx.js')).renderCycloneDx(r),
  'spdx-json': async (r) => (await import('./spdx.js')).renderSpdx(r),
  junit: async (r) => (await import('./junit.js')).renderJunit(r),
  sarif: async (r) => (await import('./sarif.js')).renderSarif(r),
  html: async (r) => (await import('./html.js')).renderHtml(r),
} satisfies Record<string, Renderer>;

export type ReportFormat = keyof typeof RENDERERS;
export const REPORT_FORMATS = Object.keys(RENDERERS) as ReportFormat[];

export function renderReport(report: ScanReport, format: ReportFormat, options: RenderOptions = { color: false }): Promise<string> {
  return RENDERERS[format](report, options);
}
