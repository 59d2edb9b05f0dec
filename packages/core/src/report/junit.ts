/**
 * JUnit XML for CI systems that show test reports: one test suite per scanned target, one
 * test case per package, a failure per vulnerability (severity, fix, title in the message).
 */
import type { ScanReport } from '../model/report.js';
import { contentMessage } from './content-text.js';

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderJunit(report: ScanReport): string {
  const vulns = report.vulnerabilities ?? [];
  const byPurl = new Map<string, typeof vulns>();
  for (const v of vulns) byPurl.set(v.purl, [...(byPurl.get(v.purl) ?? []), v]);
  const cases = report.packages.map((p) => {
    const found = byPurl.get(p.purl) ?? [];
    const name = `${p.name}@${p.version}`;
    if (found.length === 0) return `    <testcase classname="${esc(p.type)}" name="${esc(name)}"/>`;
    const failures = found
      .map((v) => `      <failure type="${esc(v.severity)}" message="${esc(`${v.id} ${v.severity}${v.fixedVersion ? `, fixed in ${v.fixedVersion}` : `, ${v.status}`}`)}">${esc(`${v.id}: ${v.title ?? ''}\n${v.references.slice(0, 3).join('\n')}`)}</failure>`)
      .join('\n');
    return `    <testcase classname="${esc(p.type)}" name="${esc(name)}">\n${failures}\n    </testcase>`;
  });
  const failing = report.packages.filter((p) => byPurl.has(p.purl)).length;
  const contentFindings = [...(report.secrets ?? []), ...(report.malware ?? [])];
  const contentSuite = report.contentScan
    ? [
        `  <testsuite name="${esc(`${report.artifact.name} contents`)}" tests="${Math.max(1, contentFindings.length)}" failures="${contentFindings.length}">`,
        ...(contentFindings.length === 0
          ? [`    <testcase classname="content" name="${esc(`no ${report.contentScan.scanners.join(' or ')} findings`)}"/>`]
          : contentFindings.map((f) => `    <testcase classname="${f.kind}" name="${esc(f.path)}">\n      <failure type="${esc(f.severity)}" message="${esc(f.kind === 'secret' ? f.ruleId : f.signature)}">${esc(contentMessage(f))}</failure>\n    </testcase>`)),
        '  </testsuite>',
      ]
    : [];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bulwark" tests="${report.packages.length + Math.max(1, contentFindings.length) * (contentSuite.length ? 1 : 0)}" failures="${failing + contentFindings.length}">`,
    `  <testsuite name="${esc(report.artifact.name)}" tests="${report.packages.length}" failures="${failing}" errors="${report.problems.filter((p) => p.level === 'error').length}">`,
    ...cases,
    '  </testsuite>',
    ...contentSuite,
    '</testsuites>',
    '',
  ].join('\n');
}
