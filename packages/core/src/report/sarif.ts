/**
 * SARIF 2.1.0 for code-scanning dashboards (GitHub accepts it): one rule per vulnerability id
 * with a `security-severity` score, one result per affected package location.
 */
import type { Severity } from '../model/finding.js';
import type { ScanReport } from '../model/report.js';
import { contentMessage } from './content-text.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { CRITICAL: 'error', HIGH: 'error', MEDIUM: 'warning', LOW: 'note', UNKNOWN: 'note' };
/** GitHub maps security-severity ≥ 9 to critical, ≥ 7 high, ≥ 4 medium, else low. */
const SCORE: Record<Severity, string> = { CRITICAL: '9.5', HIGH: '8.0', MEDIUM: '5.5', LOW: '2.0', UNKNOWN: '0.0' };

export function renderSarif(report: ScanReport): string {
  const vulns = report.vulnerabilities ?? [];
  const rules: Record<string, unknown>[] = [];
  const index = new Map<string, number>();
  for (const v of vulns) {
    if (index.has(v.id)) continue;
    index.set(v.id, rules.length);
    const help = `${v.id}${v.aliases.length ? ` (${v.aliases.join(', ')})` : ''}\nPackage: ${v.packageName}\nSeverity: ${v.severity}\n${v.references.slice(0, 5).join('\n')}`;
    rules.push({
      id: v.id,
      name: 'OsPackageOrLibraryVulnerability',
      shortDescription: { text: v.title ?? v.id },
      fullDescription: { text: v.title ?? v.id },
      defaultConfiguration: { level: LEVEL[v.severity] },
      ...(v.references[0] ? { helpUri: v.references[0] } : {}),
      help: { text: help, markdown: help.replace(/\n/g, '  \n') },
      properties: { 'security-severity': SCORE[v.severity], tags: ['vulnerability', 'security', v.severity] },
    });
  }
  const results: Record<string, unknown>[] = vulns.map((v) => ({
    ruleId: v.id,
    ruleIndex: index.get(v.id) as number,
    level: LEVEL[v.severity],
    message: {
      text: `${v.packageName} ${v.installedVersion} is affected by ${v.id} (${v.severity})${v.fixedVersion ? `; fixed in ${v.fixedVersion}` : `; status ${v.status}`}.`,
    },
    locations: (v.locations.length ? v.locations : [{ path: report.artifact.name }]).map((l) => ({
      physicalLocation: { artifactLocation: { uri: l.path.replace(/^\/+/, '') || report.artifact.name }, region: { startLine: l.line ?? 1 } },
      message: { text: `${report.artifact.name}: ${v.purl}` },
    })),
  }));
  for (const f of report.misconfigurations ?? []) {
    if (!index.has(f.checkId)) {
      index.set(f.checkId, rules.length);
      const help = `${f.title}\n\nFix: ${f.fix}${f.aliases.length ? `\n\nAlso known as: ${f.aliases.join(', ')}` : ''}`;
      rules.push({
        id: f.checkId,
        name: 'Misconfiguration',
        shortDescription: { text: f.title },
        fullDescription: { text: f.title },
        defaultConfiguration: { level: LEVEL[f.severity] },
        help: { text: help, markdown: help },
        properties: { 'security-severity': SCORE[f.severity], tags: ['misconfiguration', 'security', f.category, f.configType] },
      });
    }
    results.push({
      ruleId: f.checkId,
      ruleIndex: index.get(f.checkId) as number,
      level: LEVEL[f.severity],
      message: { text: `${f.message}${f.resource ? ` (${f.resource})` : ''}. ${f.fix}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: f.path.replace(/^\.?\/+/, '') || report.artifact.name }, region: { startLine: Math.max(1, f.line), ...(f.endLine ? { endLine: f.endLine } : {}) } } }],
    });
  }
  for (const f of [...(report.secrets ?? []), ...(report.malware ?? [])]) {
    const id = f.kind === 'secret' ? f.ruleId : `malware:${f.signature}`;
    if (!index.has(id)) {
      index.set(id, rules.length);
      const text = f.kind === 'secret' ? f.title : `Malware signature ${f.signature}`;
      rules.push({
        id,
        name: f.kind === 'secret' ? 'ExposedSecret' : 'Malware',
        shortDescription: { text },
        fullDescription: { text },
        defaultConfiguration: { level: LEVEL[f.severity] },
        help: { text, markdown: text },
        properties: { 'security-severity': SCORE[f.severity], tags: [f.kind, 'security', f.severity] },
      });
    }
    const uri = f.path.startsWith('/') ? f.path.slice(1).split('!/')[0] : report.artifact.name;
    const region = f.kind === 'secret' && f.source === 'file' ? { startLine: f.line, startColumn: f.column, ...(f.endLine ? { endLine: f.endLine } : {}) } : { startLine: 1 };
    results.push({
      ruleId: id,
      ruleIndex: index.get(id) as number,
      level: LEVEL[f.severity],
      message: { text: contentMessage(f) },
      locations: [{ physicalLocation: { artifactLocation: { uri: uri || report.artifact.name }, region }, message: { text: `${report.artifact.name}: ${f.path}` } }],
      ...(f.kind === 'secret' ? { partialFingerprints: { 'bulwarkSecret/v1': f.fingerprint } } : {}),
    });
  }
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'bulwark', version: report.tool.version, informationUri: 'https://bulwark.invalid/docs', rules } },
        results,
        properties: { target: report.artifact.name, ...(report.os ? { os: `${report.os.family} ${report.os.version}` } : {}) },
      },
    ],
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
