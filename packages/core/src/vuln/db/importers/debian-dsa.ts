/**
 * Debian security-tracker advisory lists (`DSA/list`, `DLA/list`): each advisory names its
 * CVEs and, per release, the source package version that fixes them. One Bulwark advisory
 * per CVE (the DSA/DLA id as an alias), or per DSA/DLA when it lists no CVE.
 */
import type { Advisory } from '../advisory.js';

const RELEASES: Record<string, string> = { squeeze: '6', wheezy: '7', jessie: '8', stretch: '9', buster: '10', bullseye: '11', bookworm: '12', trixie: '13' };

export function isDsaList(text: string): boolean {
  return /^\[\d{2} \w{3} \d{4}\] D[SL]A-\d+/.test(text.slice(0, 200));
}

export function dsaListToAdvisories(text: string): Advisory[] {
  const byId = new Map<string, Advisory>();
  let advisory: string | undefined;
  let title: string | undefined;
  let cves: string[] = [];
  for (const raw of text.split('\n')) {
    const head = /^\[[^\]]+\] (D[SL]A-\d+-\d+) (\S+)(?: - (.*))?$/.exec(raw);
    if (head) {
      advisory = head[1];
      title = head[3];
      cves = [];
      continue;
    }
    const list = /^\s+\{([^}]*)\}/.exec(raw);
    if (list) {
      cves = (list[1] ?? '').split(/\s+/).filter((c) => c.startsWith('CVE-'));
      continue;
    }
    const fix = /^\s+\[(\w+)\] - (\S+) ([^\s<]\S*)/.exec(raw);
    if (!fix || !advisory) continue;
    const release = RELEASES[fix[1] as string];
    if (!release) continue;
    for (const id of cves.length > 0 ? cves : [advisory]) {
      const a = byId.get(id) ?? { id, aliases: [], cvss: [], references: [], affected: [], ...(title ? { summary: `${fix[2]}: ${title}` } : {}) };
      if (id !== advisory && !a.aliases.includes(advisory)) a.aliases.push(advisory);
      a.affected.push({ namespace: `debian:${release}`, package: fix[2] as string, data: { kind: 'fixed', fixed: fix[3] as string } });
      byId.set(id, a);
    }
  }
  return [...byId.values()];
}
