/**
 * Installed Python distributions: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO`,
 * `EGG-INFO/PKG-INFO` and single-file `*.egg-info` (core metadata, RFC 822 headers).
 */
import { langAnalyzer, type LangPkg } from '../lang-package.js';

const METADATA = /(?:\.dist-info\/METADATA|\.egg-info\/PKG-INFO|(?:^|\/)EGG-INFO\/PKG-INFO|\.egg-info)$/;

export function parseCoreMetadata(content: Buffer): LangPkg[] {
  const headers = new Map<string, string[]>();
  for (const line of content.toString('utf8').split('\n')) {
    if (line.trim() === '') break; // the body (long description) follows the first blank line
    const m = /^([A-Za-z][A-Za-z0-9-]*):\s?(.*)$/.exec(line.replace(/\r$/, ''));
    if (!m?.[1]) continue;
    const key = m[1].toLowerCase();
    headers.set(key, [...(headers.get(key) ?? []), (m[2] ?? '').trim()]);
  }
  const name = headers.get('name')?.[0];
  const version = headers.get('version')?.[0];
  if (!name || !version) return [];
  const licenses: string[] = [];
  const expression = headers.get('license-expression')?.[0];
  const license = headers.get('license')?.[0];
  if (expression) licenses.push(expression);
  else if (license && license !== 'UNKNOWN' && license.length < 100) licenses.push(license);
  else {
    for (const c of headers.get('classifier') ?? []) {
      const lic = /^License :: (?:OSI Approved :: )?(.+)$/.exec(c)?.[1];
      if (lic && lic !== 'OSI Approved') licenses.push(lic);
    }
  }
  return [{ name, version, licenses }];
}

export const distInfoAnalyzer = langAnalyzer({
  name: 'python-installed',
  ecosystem: 'pypi',
  source: 'python-pkg',
  modes: ['image', 'fs'],
  maxFileSize: 8 * 1024 * 1024,
  wants: (p) => METADATA.test(p),
  parse: parseCoreMetadata,
});
