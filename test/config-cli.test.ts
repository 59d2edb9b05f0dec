/**
 * `bulwark config` through the CLI: directories and stdin, table/JSON/SARIF, --exit-code,
 * --severity, the ignore file, inline suppressions and malformed input.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from './helpers/run-cli.js';
import { gz, tarBuffer, writeOciLayout } from './helpers/build-image.js';

const DOCKERFILE = ['FROM node:latest', 'RUN apt-get update', 'RUN curl -fsSL https://get.example.sh | bash', 'COPY . /app', '# bulwark:ignore[dockerfile-shell-form-entrypoint] legacy start script', 'CMD node /app/server.js', ''].join('\n');
const POD = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: debug', 'spec:', '  hostPID: true', '  containers:', '    - name: sh', '      image: busybox', '      securityContext:', '        privileged: true', ''].join('\n');

function project(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-config-'));
  mkdirSync(join(dir, 'deploy'));
  mkdirSync(join(dir, 'node_modules', 'x'), { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'deploy', 'pod.yaml'), POD);
  writeFileSync(join(dir, 'deploy', 'values.yaml'), 'replicas: 2\n');
  writeFileSync(join(dir, 'node_modules', 'x', 'Dockerfile'), 'FROM scratch\nUSER root\n');
  return dir;
}

interface Report {
  misconfigurations: { checkId: string; path: string; line: number; severity: string; fix: string }[];
  suppressedMisconfigurations?: { by: string; reason: string }[];
  problems: { level: string; input: string }[];
}

describe('bulwark config', () => {
  it('finds Dockerfiles and manifests in a directory, skips vendored trees and unrelated YAML', () => {
    const dir = project();
    const run = runCli(['config', dir, '-f', 'json']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const files = new Set(report.misconfigurations.map((f) => f.path.slice(dir.length + 1)));
    expect(files).toEqual(new Set(['Dockerfile', 'deploy/pod.yaml']));
    const byId = (id: string) => report.misconfigurations.find((f) => f.checkId === id);
    expect(byId('dockerfile-curl-pipe-shell')).toMatchObject({ line: 3, severity: 'HIGH' });
    expect(byId('dockerfile-user-root')?.fix).toMatch(/USER/);
    expect(byId('pss-baseline-privileged')).toMatchObject({ line: 11, severity: 'CRITICAL' });
    expect(byId('dockerfile-shell-form-entrypoint')).toBeUndefined();
    expect(report.suppressedMisconfigurations).toEqual([expect.objectContaining({ by: 'inline', reason: 'legacy start script' })]);
    const table = runCli(['config', dir]);
    expect(table.stdout).toMatch(/Misconfigurations: \d+ \(CRITICAL: 1, HIGH: \d+/);
    expect(table.stdout).toMatch(/pss-baseline-privileged\s+│ CRITICAL │ \S*deploy\/pod\.yaml:11 \(Pod\/debug\)/);
  });

  it('gates CI with --exit-code and --severity, and honours the ignore file', () => {
    const dir = project();
    expect(runCli(['config', dir, '--exit-code', '4']).status).toBe(4);
    const critical = JSON.parse(runCli(['config', dir, '--severity', 'CRITICAL', '-f', 'json']).stdout) as Report;
    expect(critical.misconfigurations.map((f) => f.checkId)).toEqual(['pss-baseline-privileged']);
    const ignore = join(dir, 'ignore.yaml');
    writeFileSync(ignore, '- id: KSV-0017\n  reason: debug pod, deleted after use\n');
    const ignored = JSON.parse(runCli(['config', dir, '--severity', 'CRITICAL', '--ignorefile', ignore, '-f', 'json']).stdout) as Report;
    expect(ignored.misconfigurations).toEqual([]);
    expect(runCli(['config', dir, '--severity', 'CRITICAL', '--ignorefile', ignore, '--exit-code', '4']).status).toBe(0);
  });

  it('reads stdin with --type and emits SARIF that validates', async () => {
    const r = spawnSync(process.execPath, [CLI, 'config', '-', '--type', 'dockerfile', '-f', 'sarif'], { input: DOCKERFILE, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    const { default: AjvDraft4 } = await import('ajv-draft-04');
    const schema = JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures/sarif/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = new AjvDraft4({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false }).compile(schema);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(log.runs[0]?.results.find((x) => x.ruleId === 'dockerfile-update-alone')?.locations[0]?.physicalLocation.region.startLine).toBe(2);
    const noType = spawnSync(process.execPath, [CLI, 'config', '-'], { input: DOCKERFILE, encoding: 'utf8' });
    expect(noType.status).toBe(2);
    expect(noType.stderr).toMatch(/reading stdin needs --type/);
  });

  it('malformed YAML is an error naming file and line; the rest is still reported', () => {
    const dir = project();
    writeFileSync(join(dir, 'deploy', 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n');
    const run = runCli(['config', dir, '-f', 'json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml:\d+: invalid YAML/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect((JSON.parse(run.stdout) as Report).misconfigurations.length).toBeGreaterThan(5);
  });

  it('--scanners misconfig checks an image config and its setuid files, and config files in directories', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bulwark-image-misconfig-'));
    const layer = await tarBuffer([
      { name: 'etc/os-release', content: 'ID=alpine\nVERSION_ID=3.20.0\n' },
      { name: 'usr/bin/su', content: 'x', mode: 0o4755 },
      { name: 'usr/bin/wall', content: 'x', mode: 0o2755 },
      { name: 'usr/bin/ls', content: 'x', mode: 0o755 },
    ]);
    writeOciLayout(dir, [{ blob: gz(layer), tar: layer }], { config: { Env: ['PATH=/bin', 'DB_PASSWORD=hunter2'], ExposedPorts: { '22/tcp': {}, '8080/tcp': {} } } });
    const run = runCli(['image', dir, '--scanners', 'misconfig', '-f', 'json', '-q']);
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    const messages = Object.fromEntries(report.misconfigurations.map((f) => [f.checkId, (f as unknown as { message: string }).message]));
    expect(messages).toEqual({
      'image-runs-as-root': 'no User in the image config: containers run as root',
      'image-no-healthcheck': 'the image config has no healthcheck',
      'image-sensitive-port': 'exposes 22/tcp (SSH)',
      'image-secret-in-env': 'ENV DB_PASSWORD is set in the image config',
      'image-setuid-files': '2 setuid/setgid files: /usr/bin/su, /usr/bin/wall',
    });
    const fs = JSON.parse(runCli(['fs', project(), '--scanners', 'misconfig', '-f', 'json', '-q']).stdout) as Report;
    expect(fs.misconfigurations.map((f) => f.checkId)).toContain('pss-baseline-privileged');
  });
});
