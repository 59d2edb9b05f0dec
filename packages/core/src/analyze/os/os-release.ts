/**
 * Reads the release files that identify a Linux distribution: os-release (both locations),
 * lsb-release, and the one-line files of Alpine, Debian, the Red Hat family and Amazon.
 * Which one wins is decided after the layers are merged, in detect-os.ts.
 */
import type { OsAnalyzer, OsReleaseData } from '../analyzer.js';

export const RELEASE_FILES = new Set([
  'etc/os-release',
  'usr/lib/os-release',
  'etc/lsb-release',
  'etc/alpine-release',
  'etc/debian_version',
  'etc/redhat-release',
  'etc/centos-release',
  'etc/rocky-release',
  'etc/almalinux-release',
  'etc/fedora-release',
  'etc/oracle-release',
  'etc/system-release',
  'etc/mariner-release',
  'etc/azurelinux-release',
]);

/** Parse `KEY=value` lines (os-release(5)): quotes removed, backslash escapes honoured. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, '$1');
    }
    out[key] = value;
  }
  return out;
}

export const osReleaseAnalyzer: OsAnalyzer = {
  name: 'os-release',
  kind: 'os',
  version: 1,
  maxFileSize: 64 * 1024,
  wants: (path) => RELEASE_FILES.has(path),
  analyze({ path, content }): OsReleaseData | undefined {
    const text = content.toString('utf8');
    if (path === 'etc/os-release' || path === 'usr/lib/os-release' || path === 'etc/lsb-release') return { fields: parseKeyValues(text) };
    const first = text.split(/\r?\n/).find((l) => l.trim() !== '');
    return first === undefined ? undefined : { fields: { text: first.trim() } };
  },
};
