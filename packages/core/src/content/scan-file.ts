/**
 * Runs the enabled content scanners on one file and, when the file is an archive, on its
 * members one level deep. This is the unit of work a worker thread executes.
 */
import { createHash } from 'node:crypto';
import { archiveKind, archiveMembers } from './archive-members.js';
import type { ContentScanSettings, FileContentResult } from './content-types.js';
import { loadClamavDatabase } from './malware/clamav-db.js';
import { MalwareScanner } from './malware/malware-scanner.js';
import { SecretScanner } from './secret/secret-scanner.js';

export interface FileScanners {
  secrets?: SecretScanner;
  malware?: MalwareScanner;
  settings: ContentScanSettings;
}

export function createFileScanners(settings: ContentScanSettings): FileScanners {
  return {
    settings,
    ...(settings.secrets ? { secrets: new SecretScanner() } : {}),
    ...(settings.malware ? { malware: new MalwareScanner(settings.malwareDb ? loadClamavDatabase(settings.malwareDb) : undefined) } : {}),
  };
}

function scanOne(scanners: FileScanners, path: string, content: Buffer): FileContentResult | undefined {
  const secrets = scanners.secrets?.scan(content, path) ?? [];
  const malware = scanners.malware?.scan(content) ?? [];
  if (secrets.length === 0 && malware.length === 0) return undefined;
  const result: FileContentResult = { path };
  if (secrets.length > 0) result.secrets = secrets;
  if (malware.length > 0) {
    result.malware = malware;
    result.sha256 = createHash('sha256').update(content).digest('hex');
  }
  return result;
}

export function scanFileContent(scanners: FileScanners, path: string, content: Buffer): FileContentResult[] {
  const out: FileContentResult[] = [];
  const direct = scanOne(scanners, path, content);
  if (direct) out.push(direct);
  if (archiveKind(content)) {
    const members = archiveMembers(content, path, { maxMemberSize: scanners.settings.maxFileSize, maxTotalSize: 4 * scanners.settings.maxFileSize, maxMembers: 10_000 }) ?? [];
    for (const member of members) {
      const hit = scanOne(scanners, `${path}!/${member.name}`, member.content);
      if (hit) out.push(hit);
    }
  }
  return out;
}
