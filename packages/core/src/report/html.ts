/**
 * One self-contained HTML file (no scripts, no external assets): target summary, a severity
 * bar chart as inline SVG, vulnerabilities grouped per package, and the full inventory.
 */
import type { Severity } from '../model/finding.js';
import type { ScanReport } from '../model/report.js';
import { layerStory, secretWhere } from './content-text.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const SEVERITIES: Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
const COLORS: Record<Severity, string> = { CRITICAL: '#8b0000', HIGH: '#d9480f', MEDIUM: '#e8a317', LOW: '#2b8a3e', UNKNOWN: '#868e96' };

function chart(counts: Record<Severity, number>): string {
  const max = Math.max(1, ...Object.values(counts));
  const bars = SEVERITIES.map((s, i) => {
    const w = Math.round((counts[s] / max) * 300);
    const y = i * 28;
    return `<text x="0" y="${y + 18}" font-size="13">${s}</text><rect x="90" y="${y + 4}" width="${w}" height="20" fill="${COLORS[s]}"/><text x="${96 + w}" y="${y + 18}" font-size="13">${counts[s]}</text>`;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="460" height="${SEVERITIES.length * 28}" role="img" aria-label="vulnerabilities by severity">${bars}</svg>`;
}

export function renderHtml(report: ScanReport): string {
  const vulns = report.vulnerabilities ?? [];
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, vulns.filter((v) => v.severity === s).length])) as Record<Severity, number>;
  const os = report.os ? `${report.os.family} ${report.os.version}` : 'unknown OS';
  const byPkg = new Map<string, typeof vulns>();
  for (const v of vulns) byPkg.set(`${v.packageName}@${v.installedVersion}`, [...(byPkg.get(`${v.packageName}@${v.installedVersion}`) ?? []), v]);
  const vulnTables = [...byPkg]
    .map(([pkg, list]) => {
      const rows = list
        .map((v) => `<tr><td>${esc(v.id)}</td><td><span class="sev" style="background:${COLORS[v.severity]}">${v.severity}</span></td><td>${esc(v.status)}</td><td>${esc(v.fixedVersion ?? '')}</td><td>${esc(v.title ?? '')}</td></tr>`)
        .join('');
      return `<h3>${esc(pkg)}</h3><table><thead><tr><th>Vulnerability</th><th>Severity</th><th>Status</th><th>Fixed in</th><th>Title</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('\n');
  const inventory = report.packages.map((p) => `<tr><td>${esc(p.name)}</td><td>${esc(p.version)}</td><td>${esc(p.type)}</td><td>${p.layer ? p.layer.index : ''}</td><td>${esc(p.locations[0]?.path ?? '')}</td></tr>`).join('');
  const secretRows = (report.secrets ?? []).map((f) => `<tr><td>${esc(f.ruleId)}</td><td><span class="sev" style="background:${COLORS[f.severity]}">${f.severity}</span></td><td>${esc(secretWhere(f))}</td><td>${esc(f.match)}</td><td>${esc(layerStory(f.layer))}</td></tr>`).join('');
  const malwareRows = (report.malware ?? []).map((f) => `<tr><td>${esc(f.signature)}</td><td>${esc(f.engine)}</td><td>${esc(f.path)}</td><td>${esc(layerStory(f.layer))}</td></tr>`).join('');
  const contentHtml = [
    report.secrets ? `<h2>Secrets (${report.secrets.length})</h2>${secretRows ? `<table><thead><tr><th>Rule</th><th>Severity</th><th>Location</th><th>Match</th><th>Layers</th></tr></thead><tbody>${secretRows}</tbody></table>` : '<p>None found.</p>'}` : '',
    report.malware ? `<h2>Malware (${report.malware.length})</h2>${malwareRows ? `<table><thead><tr><th>Signature</th><th>Engine</th><th>Path</th><th>Layers</th></tr></thead><tbody>${malwareRows}</tbody></table>` : '<p>None found.</p>'}` : '',
  ].join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Bulwark report: ${esc(report.artifact.name)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;color:#212529}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #dee2e6;padding:.25rem .5rem;text-align:left;font-size:14px}th{background:#f1f3f5}.sev{color:#fff;border-radius:3px;padding:0 .4rem;font-size:12px}</style></head>
<body>
<h1>${esc(report.artifact.name)}</h1>
<p>${esc(report.artifact.format)}, ${esc(os)}, ${report.packages.length} packages, ${vulns.length} vulnerabilities. Scanned ${esc(report.createdAt)} by bulwark ${esc(report.tool.version)}.</p>
${report.vulnerabilities ? `<h2>Vulnerabilities by severity</h2>${chart(counts)}<h2>Vulnerable packages</h2>${vulnTables || '<p>None found.</p>'}` : '<p>Vulnerability scanning was not run.</p>'}
${contentHtml}
<h2>Inventory</h2><table><thead><tr><th>Package</th><th>Version</th><th>Type</th><th>Layer</th><th>Path</th></tr></thead><tbody>${inventory}</tbody></table>
</body></html>
`;
}
