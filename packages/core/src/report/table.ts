/**
 * Human-readable output: a header naming the target, OS and layer count, then one row per
 * package with the layer that introduced it, then any problems.
 */
import Table from 'cli-table3';
import pc from 'picocolors';
import type { ScanReport } from '../model/report.js';
import { formatBytes, layerStoryShort, secretWhere } from './content-text.js';

export interface TableOptions {
  color: boolean;
}

const OS_TYPES = new Set(['deb', 'apk', 'rpm']);

function shortDigest(d: string | undefined): string {
  return d ? d.replace(/^sha256:/, '').slice(0, 12) : '';
}

export function renderTable(report: ScanReport, options: TableOptions = { color: false }): string {
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  const os = report.os ? `${report.os.family} ${report.os.version}${report.os.distroless ? ' (distroless)' : ''}` : 'unknown OS';
  const a = report.artifact;
  const platform = a.image?.platform ? `, ${a.image.platform.os}/${a.image.platform.architecture}${a.image.platform.variant ? `/${a.image.platform.variant}` : ''}` : '';
  if (a.kind === 'config') lines.push(c.bold(a.name));
  else lines.push(c.bold(`${a.name} (${os}${platform})`));
  const counts = new Map<string, number>();
  for (const p of report.packages) counts.set(p.type, (counts.get(p.type) ?? 0) + 1);
  const byType = [...counts].map(([t, n]) => `${n} ${t}`).join(', ') || 'none';
  if (a.kind !== 'config') lines.push(`${a.format}${a.layers.length ? `, ${a.layers.length} layer${a.layers.length === 1 ? '' : 's'}` : ''}; packages: ${byType}`);
  if (report.signature) lines.push(`signature: ${report.signature.verified ? 'verified with the given key' : 'NOT verified'} (${report.signature.signatures.length} found at :${report.signature.signatureTag})`);
  if (report.packages.length > 0) {
    const hasLang = report.packages.some((p) => !OS_TYPES.has(p.type));
    const table = new Table({
      head: ['Package', 'Version', 'Type', 'Source', 'Layer', ...(hasLang ? ['Path'] : [])],
      style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [], compact: true },
    });
    for (const p of report.packages) {
      const source = p.sourceName && (p.sourceName !== p.name || p.sourceVersion !== p.version) ? `${p.sourceName}@${p.sourceVersion ?? ''}` : p.relationship ?? '';
      const layer = p.layer ? `${p.layer.index} ${shortDigest(p.layer.diffId)}` : '';
      const path = OS_TYPES.has(p.type) ? '' : (p.locations[0]?.path ?? '') + (p.locations.length > 1 ? ` (+${p.locations.length - 1})` : '');
      table.push([p.name, p.version, p.type, source, layer, ...(hasLang ? [path] : [])]);
    }
    lines.push(table.toString());
  }
  if (report.vulnerabilities) {
    const v = report.vulnerabilities;
    const counts = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'].map((sev) => `${sev}: ${v.filter((f) => f.severity === sev).length}`).join(', ');
    lines.push(c.bold(`Vulnerabilities: ${v.length} (${counts})`));
    if (v.length > 0) {
      const table = new Table({
        head: ['Package', 'Vulnerability', 'Severity', 'Status', 'Installed', 'Fixed', 'Title'],
        style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [], compact: true },
      });
      for (const f of v) table.push([f.packageName, f.id, f.severity, f.status, f.installedVersion, f.fixedVersion ?? '', (f.title ?? '').slice(0, 60)]);
      lines.push(table.toString());
    }
  }
  if (report.misconfigurations) {
    const m = report.misconfigurations;
    const counts = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map((sev) => `${sev}: ${m.filter((f) => f.severity === sev).length}`).join(', ');
    lines.push(c.bold(`Misconfigurations: ${m.length} (${counts})`));
    if (m.length > 0) {
      const table = new Table({
        head: ['Check', 'Severity', 'Location', 'Problem', 'Fix'],
        colWidths: [null, null, null, 60, 60] as unknown as number[],
        wordWrap: true,
        style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [], compact: true },
      });
      for (const f of m) table.push([f.checkId, f.severity, `${f.path}${f.line ? `:${f.line}` : ''}${f.resource ? ` (${f.resource})` : ''}`, f.message, f.fix]);
      lines.push(table.toString());
    }
  }
  if (report.secrets) {
    const s = report.secrets;
    lines.push(c.bold(`Secrets: ${s.length}`));
    if (s.length > 0) {
      const table = new Table({
        head: ['Rule', 'Severity', 'Location', 'Match', 'Layers'],
        style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [], compact: true },
      });
      for (const f of s) table.push([f.ruleId, f.severity, secretWhere(f), f.match, layerStoryShort(f)]);
      lines.push(table.toString());
    }
  }
  if (report.malware) {
    const m = report.malware;
    lines.push(c.bold(`Malware: ${m.length}`));
    if (m.length > 0) {
      const table = new Table({
        head: ['Signature', 'Engine', 'Path', 'Layers'],
        style: { head: options.color ? ['cyan'] : [], border: options.color ? ['grey'] : [], compact: true },
      });
      for (const f of m) table.push([f.signature, f.engine, f.path, layerStoryShort(f)]);
      lines.push(table.toString());
    }
  }
  if (report.contentScan) {
    const cs = report.contentScan;
    const db = cs.malwareDatabase ? `; malware database ${cs.malwareDatabase.source}: ${cs.malwareDatabase.signatures} signatures (${cs.malwareDatabase.unsupported} unsupported, skipped)` : '';
    lines.push(`Content scanned (${cs.scanners.join(', ')}): ${cs.filesScanned} files, ${formatBytes(cs.bytesScanned)}; ${cs.skippedLarge} files over ${formatBytes(cs.maxFileSize)} not read${db}`);
  }
  if (report.problems.length > 0) {
    lines.push(c.bold('Problems:'));
    for (const p of report.problems) {
      const tag = p.level === 'error' ? c.red('error') : c.yellow('warning');
      lines.push(`  ${tag} ${p.input}: ${p.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
