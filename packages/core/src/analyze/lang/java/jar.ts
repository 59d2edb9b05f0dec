/**
 * Java archives (jar, war, ear, par), including archives nested inside them (Spring Boot
 * `BOOT-INF/lib`, `WEB-INF/lib`): Maven coordinates from every `pom.properties`, else from
 * MANIFEST.MF, else from the file name. Only the central directory and the few small entries
 * needed are inflated, under size, count and depth budgets (zip bombs, absurd nesting).
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { langAnalyzer, type LangFileData, type LangPkg } from '../lang-package.js';

const ARCHIVE = /\.(?:jar|war|ear|par|jpi|hpi)$/i;
const MAX_DEPTH = 4;
const MAX_NESTED_ARCHIVE = 256 * 1024 * 1024;
const MAX_TOTAL_INFLATED = 1024 * 1024 * 1024;
const MAX_SMALL_ENTRY = 1024 * 1024;

interface Budget {
  inflated: number;
  warnings: string[];
}

function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const i = line.search(/[=:]/);
    if (i > 0) out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

/** MANIFEST.MF main section (up to the first blank line), with 72-column continuations joined. */
function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') break;
    if (line.startsWith(' ') && last) {
      out.set(last, `${out.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    last = line.slice(0, i).trim();
    out.set(last, line.slice(i + 1).trim());
  }
  return out;
}

/** `commons-lang3-3.12.0.jar` → artifactId and version; `level-3-jar.jar` is not a version. */
export function fromFileName(fileName: string): { artifactId: string; version: string } | undefined {
  const stem = fileName.replace(ARCHIVE, '');
  const m = /^(.+?)-(\d+(?:\.\d+)+(?:[.-][\w.+-]+)?|\d+)$/.exec(stem);
  return m?.[1] && m[2] ? { artifactId: m[1], version: m[2] } : undefined;
}

/**
 * Identity from MANIFEST.MF. Only a Maven-built jar's Implementation-Vendor-Id is its groupId
 * (maven-archiver writes ${project.groupId} there); for other jars the group stays unknown
 * rather than guessed (Ant's "com.sun" for javax.activation, OSGi names for Tomcat).
 */
function identifyFromManifest(manifest: Map<string, string>, fileName: string): LangPkg | undefined {
  const byName = fromFileName(fileName);
  const version = manifest.get('Implementation-Version') ?? manifest.get('Bundle-Version') ?? byName?.version;
  const mavenBuilt = /maven/i.test(manifest.get('Created-By') ?? '') || manifest.has('Archiver-Version');
  const group = mavenBuilt ? manifest.get('Implementation-Vendor-Id') : undefined;
  const artifact = byName?.artifactId;
  if (!artifact || !version || /\s/.test(artifact)) return undefined;
  return { name: group && !/\s/.test(group) ? `${group}:${artifact}` : artifact, version };
}

function scanArchive(data: Uint8Array, fileName: string, innerPath: string | undefined, depth: number, budget: Budget): LangPkg[] {
  const wanted = (f: UnzipFileInfo): boolean => {
    const name = f.name;
    const small = name === 'META-INF/MANIFEST.MF' || (name.startsWith('META-INF/maven/') && name.endsWith('/pom.properties'));
    const nested = ARCHIVE.test(name) && depth < MAX_DEPTH;
    if (!small && !nested) {
      if (ARCHIVE.test(name)) budget.warnings.push(`${innerPath ?? fileName}: archives nested deeper than ${MAX_DEPTH} levels are not read (${name})`);
      return false;
    }
    const limit = small ? MAX_SMALL_ENTRY : MAX_NESTED_ARCHIVE;
    if (f.originalSize > limit || budget.inflated + f.originalSize > MAX_TOTAL_INFLATED) {
      budget.warnings.push(`${innerPath ?? fileName}: skipped ${name} (${f.originalSize} bytes uncompressed; possible zip bomb)`);
      return false;
    }
    budget.inflated += f.originalSize;
    return true;
  };
  const entries = unzipSync(data, { filter: wanted });
  const found: LangPkg[] = [];
  const at = innerPath ? { innerPath } : {};
  for (const [name, bytes] of Object.entries(entries)) {
    if (!name.endsWith('/pom.properties')) continue;
    const props = parseProperties(Buffer.from(bytes).toString('utf8'));
    const g = props.get('groupId');
    const a = props.get('artifactId');
    const v = props.get('version');
    if (g && a && v) found.push({ name: `${g}:${a}`, version: v, ...at });
  }
  const byName = fromFileName(fileName);
  const selfFound = byName && found.some((p) => p.name.endsWith(`:${byName.artifactId}`) && p.version === byName.version);
  if (!selfFound && found.length === 0) {
    const manifestBytes = entries['META-INF/MANIFEST.MF'];
    const self = manifestBytes ? identifyFromManifest(parseManifest(Buffer.from(manifestBytes).toString('utf8')), fileName) : undefined;
    if (self) found.push({ ...self, ...at });
    else if (byName) found.push({ name: byName.artifactId, version: byName.version, ...at });
  }
  for (const [name, bytes] of Object.entries(entries)) {
    if (!ARCHIVE.test(name)) continue;
    const path = innerPath ? `${innerPath}!/${name}` : name;
    try {
      found.push(...scanArchive(bytes, name.slice(name.lastIndexOf('/') + 1), path, depth + 1, budget));
    } catch (err) {
      budget.warnings.push(`${path}: not a readable archive (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return found;
}

export function parseJar(content: Buffer, path: string): LangFileData {
  if (content.length === 0) return { packages: [] };
  const budget: Budget = { inflated: 0, warnings: [] };
  const packages = scanArchive(content, path.slice(path.lastIndexOf('/') + 1), undefined, 0, budget);
  const unique = new Map(packages.map((p) => [`${p.name}@${p.version}@${p.innerPath ?? ''}`, p]));
  return { packages: [...unique.values()], ...(budget.warnings.length ? { warnings: budget.warnings } : {}) };
}

export const jarAnalyzer = langAnalyzer({
  name: 'java-archive',
  ecosystem: 'maven',
  source: 'jar',
  modes: ['image', 'fs'],
  maxFileSize: 512 * 1024 * 1024,
  wants: (p) => ARCHIVE.test(p),
  parse: parseJar,
});
