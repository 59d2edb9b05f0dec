/**
 * JUnit XML for CI systems that show test reports: one test suite per scanned target, one
 * test case per package, a failure per vulnerability (severity, fix, title in the message).
 */
import type { ScanReport } from '../model/report.js';

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
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="bulwark" tests="${report.packages.length}" failures="${failing}">`,
    `  <testsuite name="${esc(report.artifact.name)}" tests="${report.packages.length}" failures="${failing}" errors="${report.problems.filter((p) => p.level === 'error').length}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
