/**
 * Secret and malware scanning end to end through the CLI on images built in the test: a
 * layer adds an AWS key pair, a private key and the EICAR test file and the next layer
 * deletes them; Bulwark must report all three with both layers and never print a secret.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { zipSync } from 'fflate';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gz, tarBuffer, writeOciLayout } from './helpers/build-image.js';
import { runCli } from './helpers/run-cli.js';

const AWS_ID = ['AKIA', 'QWERTYUIOPASDF2G'].join('');
const AWS_SECRET = ['q8Vd3kLmZ0pR7sT2uW9x', 'Y4bC6eF1gH5jK8nP3rS0'].join('');
const KEY_BODY = 'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n';
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${KEY_BODY}-----END RSA PRIVATE KEY-----\n`;
const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const GH_TOKEN = ['ghp_', 'Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1'].join('');

interface Finding {
  ruleId?: string;
  signature?: string;
  path: string;
  line?: number;
  source?: string;
  match?: string;
  inFinalFilesystem: boolean;
  layer?: { addedIn: { index: number }; removedIn?: { index: number }; removal?: string };
}

async function layeredImage(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-content-'));
  const base = await tarBuffer([{ name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.0\n' }, { name: 'app/README', content: 'hello\n' }]);
  const jar = Buffer.from(zipSync({ 'META-INF/MANIFEST.MF': Buffer.from('Manifest-Version: 1.0\n'), 'config/app.properties': Buffer.from(`db.url=jdbc:postgresql://db/app\ngithub.token=${GH_TOKEN}\n`) }));
  const added = await tarBuffer([
    { name: 'app/.aws/credentials', content: `[default]\naws_access_key_id = ${AWS_ID}\naws_secret_access_key = ${AWS_SECRET}\n` },
    { name: 'root/.ssh/id_rsa', content: PEM, mode: 0o600 },
    { name: 'tmp/eicar.com', content: EICAR },
    { name: 'app/lib/app.jar', content: jar },
  ]);
  const removed = await tarBuffer([
    { name: 'app/.aws/.wh.credentials', content: '' },
    { name: 'root/.ssh/.wh.id_rsa', content: '' },
    { name: 'tmp/.wh.eicar.com', content: '' },
  ]);
  writeOciLayout(dir, [{ blob: gz(base), tar: base }, { blob: gz(added), tar: added }, { blob: gz(removed), tar: removed }], {
    config: { Env: ['PATH=/usr/bin', `GITHUB_TOKEN=${GH_TOKEN}`] },
    history: [{ created_by: 'ADD rootfs /' }, { created_by: 'COPY . /' }, { created_by: 'RUN rm -f /app/.aws/credentials /root/.ssh/id_rsa /tmp/eicar.com' }],
  });
  return dir;
}

describe('secret and malware scanning', () => {
  it('reports secrets and malware added in one layer and deleted in the next, naming both layers', async () => {
    const image = await layeredImage();
    const run = runCli(['image', image, '--scanners', 'secret,malware', '-f', 'json', '-q']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { secrets: Finding[]; malware: Finding[]; contentScan: { filesScanned: number } };
    const byRule = (id: string): Finding | undefined => report.secrets.find((s) => s.ruleId === id && s.source === 'file');
    for (const id of ['aws-access-key-id', 'aws-secret-access-key']) {
      expect(byRule(id)).toMatchObject({ path: '/app/.aws/credentials', inFinalFilesystem: false, layer: { addedIn: { index: 1 }, removedIn: { index: 2 }, removal: 'deleted' } });
    }
    expect(byRule('private-key')).toMatchObject({ path: '/root/.ssh/id_rsa', line: 1, inFinalFilesystem: false, layer: { addedIn: { index: 1 }, removedIn: { index: 2 } } });
    expect(report.malware).toEqual([expect.objectContaining({ signature: 'Eicar-Test-Signature', path: '/tmp/eicar.com', inFinalFilesystem: false, layer: expect.objectContaining({ addedIn: expect.objectContaining({ index: 1 }), removedIn: expect.objectContaining({ index: 2 }) }) })]);
    // Archive members one level deep, and the image config.
    expect(report.secrets.find((s) => s.path === '/app/lib/app.jar!/config/app.properties')).toMatchObject({ ruleId: 'github-pat', line: 2, inFinalFilesystem: true });
    expect(report.secrets.find((s) => s.source === 'image-config')).toMatchObject({ ruleId: 'github-pat', path: 'config.Env[1]' });
    expect(report.contentScan.filesScanned).toBe(6);

    const table = runCli(['image', image, '--scanners', 'secret,malware', '-q']);
    expect(table.stdout).toMatch(/layer 1, deleted in 2: still in image/);
    const sarifText = runCli(['image', image, '--scanners', 'secret', '-f', 'sarif', '-q']).stdout;
    expect(sarifText).toMatch(/added in layer 1 \([0-9a-f]{12}\), deleted in layer 2 \([0-9a-f]{12}\) — still extractable from the image/);
    for (const out of [run.stdout, table.stdout, runCli(['image', image, '--scanners', 'secret', '-f', 'sarif', '-q']).stdout]) {
      for (const secret of [AWS_SECRET, AWS_ID, GH_TOKEN, KEY_BODY.slice(0, 40)]) expect(out).not.toContain(secret.slice(6));
    }
  });

  it('takes unchanged layers from the cache and honours --exit-code, the ignore file and --severity', async () => {
    const image = await layeredImage();
    const first = runCli(['image', image, '--scanners', 'secret,malware', '-f', 'json', '-q']);
    const second = runCli(['image', image, '--scanners', 'secret,malware', '-f', 'json', '-q'], { home: first.home });
    const a = JSON.parse(first.stdout) as { secrets: Finding[]; artifact: { layers: { cached: boolean }[] } };
    const b = JSON.parse(second.stdout) as { secrets: Finding[]; artifact: { layers: { cached: boolean }[] } };
    expect(b.artifact.layers.every((l) => l.cached)).toBe(true);
    expect(b.secrets).toEqual(a.secrets);
    expect(runCli(['image', image, '--scanners', 'secret', '--exit-code', '3', '-q'], { home: first.home }).status).toBe(3);
    writeFileSync(join(first.home, '.bulwarkignore'), ['- id: private-key', '  path: /root/.ssh', '  reason: test key', '- id: aws-access-key-id', '  expires: 2000-01-01', ''].join('\n'));
    const ignored = JSON.parse(runCli(['image', image, '--scanners', 'secret', '-f', 'json', '-q'], { home: first.home }).stdout) as { secrets: Finding[]; suppressedContent: { by: string; reason: string }[]; problems: unknown[] };
    expect(ignored.secrets.map((s) => s.ruleId)).not.toContain('private-key');
    expect(ignored.secrets.map((s) => s.ruleId)).toContain('aws-access-key-id');
    expect(ignored.problems).toContainEqual(expect.objectContaining({ level: 'warning', message: 'ignore rule for aws-access-key-id expired on 2000-01-01 and no longer applies' }));
    expect(ignored.suppressedContent).toEqual([expect.objectContaining({ by: 'ignorefile', reason: 'test key' })]);
    const critical = JSON.parse(runCli(['image', image, '--scanners', 'secret', '--severity', 'CRITICAL', '-f', 'json', '-q'], { home: first.home }).stdout) as { secrets: Finding[] };
    expect(new Set(critical.secrets.map((s) => s.ruleId))).toEqual(new Set(['aws-secret-access-key', 'github-pat']));
  });

  it('emits SARIF that validates against the 2.1.0 schema, with fingerprints and regions', async () => {
    const image = await layeredImage();
    const sarif = runCli(['image', image, '--scanners', 'secret,malware', '-f', 'sarif', '-q']);
    const { default: AjvDraft4 } = await import('ajv-draft-04');
    const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new AjvDraft4({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string; partialFingerprints?: object; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const aws = log.runs[0]?.results.find((r) => r.ruleId === 'aws-secret-access-key');
    expect(aws?.locations[0]?.physicalLocation).toMatchObject({ artifactLocation: { uri: 'app/.aws/credentials' }, region: { startLine: 3 } });
    expect(aws?.partialFingerprints).toBeDefined();
    expect(log.runs[0]?.results.map((r) => r.ruleId)).toContain('malware:Eicar-Test-Signature');
  });

  it('survives hostile contents: lying zip headers, gzip bombs, keyword-dense megabyte lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-hostile-content-'));
    // A zip whose headers claim 100 bytes for a 50 MB deflate stream.
    const zip = Buffer.from(zipSync({ 'big.txt': Buffer.alloc(50_000_000, 0x41) }, { level: 9 }));
    const cd = zip.lastIndexOf(Buffer.from('PK\x01\x02', 'latin1'));
    zip.writeUInt32LE(100, 22);
    zip.writeUInt32LE(100, cd + 24);
    writeFileSync(join(dir, 'lying.zip'), zip);
    writeFileSync(join(dir, 'bomb.txt.gz'), gzipSync(Buffer.alloc(400_000_000)));
    writeFileSync(join(dir, 'dense.txt'), `${'password=password;'.repeat(100_000)}\n`);
    writeFileSync(join(dir, 'real.env'), 'GITHUB_TOKEN=ghp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1\n');
    const run = runCli(['fs', dir, '--scanners', 'secret,malware', '-f', 'json', '-q'], { timeoutMs: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as { secrets: Finding[]; malware: Finding[] };
    expect(report.secrets.map((s) => `${s.ruleId} ${s.path}`)).toEqual(['github-pat /real.env']);
    expect(report.malware).toEqual([]);
  }, 120_000);

  it('scans directories, skips files over --max-file-size and counts them, and rejects bad flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-fs-secrets-'));
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, '.npmrc'), '//registry.npmjs.org/:_authToken=npm_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1\n');
    writeFileSync(join(dir, 'conf', 'big.env'), `${'x'.repeat(2 * 1024 * 1024)}\nPASSWORD="Zx9vQ2mLp7wK"\n`);
    writeFileSync(join(dir, 'conf', 'settings.py'), 'PASSWORD = os.environ["DB_PASSWORD"]\nSECRET_KEY = "${SECRET_KEY}"\n');
    const run = runCli(['fs', dir, '--scanners', 'secret', '--max-file-size', '1M', '-f', 'json', '-q']);
    const report = JSON.parse(run.stdout) as { secrets: Finding[]; contentScan: { skippedLarge: number } };
    expect(report.secrets.map((s) => `${s.ruleId} ${s.path}`)).toEqual(['npm-access-token /.npmrc']);
    expect(report.contentScan.skippedLarge).toBe(1);
    const bad = runCli(['fs', dir, '--scanners', 'secrets', '-q']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown scanner 'secrets' \(available: vuln, secret, malware, misconfig\)/);
    const noDb = runCli(['fs', dir, '--scanners', 'malware', '--malware-db', join(dir, 'nope'), '-q']);
    expect(noDb.status).toBe(2);
    expect(noDb.stderr).toMatch(/nope: cannot read the malware database directory/);
    expect(noDb.stderr).not.toMatch(/\n\s+at /);
  });
});
