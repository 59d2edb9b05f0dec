/**
 * OVAL definitions from Debian (dpkginfo tests, per release file) and CBL-Mariner (rpminfo
 * tests): each definition names a CVE and, through criterion → test → object/state, the
 * source package and the first fixed EVR. Read with linear, element-local regular
 * expressions over the XML sections (tens of MB) rather than a DOM of the whole file.
 */
import { normalizeSeverity, type Advisory, type AffectedData } from '../advisory.js';

interface TestRef {
  object: string;
  state: string;
}

function section(xml: string, tag: string): string {
  const start = xml.indexOf(`<${tag}>`);
  const end = xml.indexOf(`</${tag}>`, start);
  return start < 0 || end < 0 ? '' : xml.slice(start, end);
}

/** Debian: `debian:10` from "Debian GNU/Linux 10"; Mariner: from the file name (`cbl-mariner-2.0-oval.xml`). */
function namespaceOf(platform: string | undefined, fileName: string): string | undefined {
  const debian = /^Debian GNU\/Linux (\d+)/.exec(platform ?? '');
  if (debian) return `debian:${debian[1]}`;
  const mariner = /(cbl-mariner|azurelinux)-(\d+\.\d+)/.exec(fileName);
  if (mariner) return `${mariner[1]}:${mariner[2]}`;
  return undefined;
}

export function isOval(text: string): boolean {
  return text.slice(0, 4096).includes('<oval_definitions');
}

export function ovalToAdvisories(xml: string, fileName: string): Advisory[] {
  const tests = new Map<string, TestRef>();
  for (const m of section(xml, 'tests').matchAll(/<(?:[a-z-]+:)?(?:dpkginfo|rpminfo)_test\b[^>]*\bid="([^"]+)"[^>]*>\s*<(?:[a-z-]+:)?object object_ref="([^"]+)"\s*\/>\s*<(?:[a-z-]+:)?state state_ref="([^"]+)"\s*\/>/g)) {
    tests.set(m[1] as string, { object: m[2] as string, state: m[3] as string });
  }
  const names = new Map<string, string>();
  for (const m of section(xml, 'objects').matchAll(/<(?:[a-z-]+:)?(?:dpkginfo|rpminfo)_object\b[^>]*\bid="([^"]+)"[^>]*>\s*<(?:[a-z-]+:)?name>([^<]+)<\/(?:[a-z-]+:)?name>/g)) names.set(m[1] as string, (m[2] as string).trim());
  const states = new Map<string, { op: string; evr: string }>();
  for (const m of section(xml, 'states').matchAll(/<(?:[a-z-]+:)?(?:dpkginfo|rpminfo)_state\b[^>]*\bid="([^"]+)"[^>]*>\s*<(?:[a-z-]+:)?evr\b[^>]*operation="([^"]+)"[^>]*>([^<]+)<\/(?:[a-z-]+:)?evr>/g)) {
    states.set(m[1] as string, { op: m[2] as string, evr: (m[3] as string).trim() });
  }
  const byId = new Map<string, Advisory>();
  const defs = section(xml, 'definitions');
  let pos = 0;
  for (;;) {
    const start = defs.indexOf('<definition ', pos);
    if (start < 0) break;
    const end = defs.indexOf('</definition>', start);
    if (end < 0) break;
    const def = defs.slice(start, end);
    pos = end + 1;
    const ns = namespaceOf(/<platform>([^<]*)<\/platform>/.exec(def)?.[1], fileName);
    if (!ns) continue;
    const refs = [...def.matchAll(/<reference\b[^>]*\bref_id="([^"]+)"/g)].map((m) => m[1] as string);
    const id = refs.find((r) => r.startsWith('CVE-')) ?? refs[0] ?? /<title>(\S+)/.exec(def)?.[1];
    if (!id) continue;
    const advisory = byId.get(id) ?? { id, aliases: refs.filter((r) => r !== id), cvss: [], references: [], affected: [] };
    const description = /<description>([^<]*)<\/description>/.exec(def)?.[1];
    if (description && !advisory.summary) advisory.summary = description.slice(0, 300);
    const severity = normalizeSeverity(/<severity>([^<]*)<\/severity>/.exec(def)?.[1]);
    if (severity) {
      advisory.severity = severity;
      advisory.vendorSeverity = { [ns.split(':')[0] as string]: severity };
    }
    for (const c of def.matchAll(/<criterion\b[^>]*\btest_ref="([^"]+)"/g)) {
      const test = tests.get(c[1] as string);
      if (!test) continue;
      const name = names.get(test.object);
      const state = states.get(test.state);
      if (!name || !state) continue;
      const evr = state.evr.replace(/^0:/, '');
      const data: AffectedData = state.op === 'less than' ? { kind: 'fixed', fixed: evr } : { kind: 'constraints', vulnerable: [`${state.op === 'less than or equal' ? '<=' : '<'} ${evr}`], patched: [], unaffected: [] };
      advisory.affected.push({ namespace: ns, package: name, data });
    }
    if (advisory.affected.length > 0) byId.set(id, advisory);
  }
  return [...byId.values()];
}
