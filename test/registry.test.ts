/**
 * Scanning by reference against a real `docker-registry` on loopback, in its three auth modes
 * (none, htpasswd with bcrypt, bearer tokens from a token server in this process), with images
 * pushed by `skopeo`: results equal the archive scan, re-scans download no layer blob, and
 * every failure (unreachable, bad credentials, unknown tag, altered blob) is one line with its
 * documented exit code.
 */
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiPlatformLayout, sha256 } from './helpers/build-image.js';
import { LAB_PASSWORD, LAB_USER, freePort, manifestDigest, pushImage, registryToolsPresent, skopeo, startRegistry, type RegistryAuth, type RegistryLab } from './helpers/registry-lab.js';
import { runCliAsync, type CliRun } from './helpers/run-cli.js';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/images');
const ALPINE = `oci-archive:${join(FIXTURES, 'alpine-3.14.9.containerd.oci.tar')}`;
const LEAKY = `oci:${join(FIXTURES, 'leaky-layers.oci-dir')}`;

interface Report {
  artifact: { format: string; layers: { digest?: string; cached: boolean }[]; image?: { repoTags: string[]; repoDigests: string[]; manifestDigest?: string } };
  os?: { family: string; version: string };
  packages: { type: string; name: string; version: string; arch?: string; locations: { layer?: { diffId: string } }[] }[];
  secrets?: { ruleId: string; path: string; layer?: { diffId: string } }[];
  problems: unknown[];
}

const packageKeys = (r: Report): string[] => r.packages.map((p) => `${p.type} ${p.name}@${p.version} ${p.locations.map((l) => l.layer?.diffId ?? '').join(',')}`).sort();

function parse(run: CliRun): Report {
  if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Report;
}

const credentialFlags = (lab: RegistryLab): string[] => (lab.auth === 'none' ? [] : ['--username', LAB_USER, '--password', LAB_PASSWORD]);

const present = registryToolsPresent();
if (!present && process.env.CI) throw new Error('docker-registry, skopeo, htpasswd and openssl must be installed (.ci/run installs them)');

describe.skipIf(!present)('registry scans', () => {
  let archive: Report;
  let leakyArchive: Report;
  beforeAll(async () => {
    archive = parse(await runCliAsync(['image', join(FIXTURES, 'alpine-3.14.9.containerd.oci.tar'), '-f', 'json']));
    leakyArchive = parse(await runCliAsync(['image', join(FIXTURES, 'leaky-layers.oci-dir'), '--scanners', 'secret', '-f', 'json']));
  });

  describe.each<RegistryAuth>(['none', 'htpasswd', 'token'])('auth: %s', (auth) => {
    let lab: RegistryLab;
    beforeAll(async () => {
      lab = await startRegistry(auth);
      await pushImage(lab, ALPINE, 'lab/alpine:3.14');
      await pushImage(lab, LEAKY, 'lab/leaky:1');
    }, 60_000);
    afterAll(async () => lab?.stop());

    it('finds the same packages as the archive scan, and a re-scan downloads no layer blob', async () => {
      const home = mkdtempSync(join(tmpdir(), 'bulwark-home-'));
      const ref = `${lab.host}/lab/alpine:3.14`;
      const first = parse(await runCliAsync(['image', ref, '--insecure', ...credentialFlags(lab), '-f', 'json'], { home }));
      expect(first.artifact.format).toBe('registry');
      expect(first.os).toEqual(archive.os);
      expect(packageKeys(first)).toEqual(packageKeys(archive));
      expect(first.packages.length).toBe(14);
      const digest = await manifestDigest(lab, 'lab/alpine:3.14');
      expect(first.artifact.image?.manifestDigest).toBe(digest);
      expect(first.artifact.image?.repoDigests).toEqual([`${lab.host}/lab/alpine@${digest}`]);

      const layerDigests = first.artifact.layers.map((l) => l.digest ?? '');
      const layerGets = (): string[] => lab.requests().filter((r) => r.startsWith('GET /v2/lab/alpine/blobs/') && layerDigests.some((d) => r.includes(d)));
      expect(layerGets()).toHaveLength(layerDigests.length);
      const second = parse(await runCliAsync(['image', ref, '--insecure', ...credentialFlags(lab), '-f', 'json'], { home }));
      expect(second.artifact.layers.every((l) => l.cached)).toBe(true);
      expect(packageKeys(second)).toEqual(packageKeys(archive));
      expect(layerGets()).toHaveLength(layerDigests.length);

      // By digest, the same image again.
      const byDigest = parse(await runCliAsync(['image', `${lab.host}/lab/alpine@${digest}`, '--insecure', ...credentialFlags(lab), '-f', 'json'], { home }));
      expect(packageKeys(byDigest)).toEqual(packageKeys(archive));
    }, 60_000);

    it('finds the same secrets in an OCI image as in its layout, layer by layer', async () => {
      const remote = parse(await runCliAsync(['image', `${lab.host}/lab/leaky:1`, '--insecure', ...credentialFlags(lab), '--scanners', 'secret', '-f', 'json']));
      const keys = (r: Report): string[] => (r.secrets ?? []).map((s) => `${s.ruleId} ${s.path} ${s.layer?.diffId ?? ''}`).sort();
      expect(keys(remote).length).toBeGreaterThan(0);
      expect(keys(remote)).toEqual(keys(leakyArchive));
    }, 60_000);

    // Credential checks only mean something where the registry asks for credentials.
    if (auth !== 'none') {
      it('refuses wrong or missing credentials with exit 4 and explains the challenge', async () => {
        const wrong = await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure', '--username', LAB_USER, '--password', 'wrong']);
        expect(wrong.status).toBe(4);
        expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
        expect(wrong.stderr).toContain(lab.host);
        expect(wrong.stderr).not.toMatch(/\bat .*\.js:\d+/);
        expect(wrong.stderr).not.toContain('wrong');
        const anonymous = await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure']);
        if (auth === 'htpasswd') {
          expect(anonymous.status).toBe(4);
          expect(anonymous.stderr).toMatch(/--username\/--password|docker login/);
          expect(anonymous.stderr).toContain('Basic realm="bulwark-test"');
        } else {
          // The token service hands anonymous callers pull-only tokens, as public registries do.
          expect(anonymous.status).toBe(0);
        }
      }, 60_000);

      it('reads credentials from ~/.docker/config.json (auths, credHelpers) and from the environment', async () => {
        const home = mkdtempSync(join(tmpdir(), 'bulwark-home-'));
        mkdirSync(join(home, '.docker'));
        writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [lab.host]: { auth: Buffer.from(`${LAB_USER}:${LAB_PASSWORD}`).toString('base64') } } }));
        const run = await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure', '-f', 'json'], { home });
        expect(packageKeys(parse(run))).toEqual(packageKeys(archive));
        // A credential helper named by credHelpers is run as `docker-credential-<name> get`.
        const bin = join(home, 'bin');
        mkdirSync(bin);
        writeFileSync(join(bin, 'docker-credential-labstore'), `#!/bin/sh\nread server\n[ "$server" = "${lab.host}" ] || exit 1\necho '{"ServerURL":"${lab.host}","Username":"${LAB_USER}","Secret":"${LAB_PASSWORD}"}'\n`, { mode: 0o755 });
        writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ credHelpers: { [lab.host]: 'labstore' } }));
        const viaHelper = await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure', '-f', 'json'], { home, env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
        expect(packageKeys(parse(viaHelper))).toEqual(packageKeys(archive));
        const viaEnv = await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure', '-f', 'json'], { env: { BULWARK_USERNAME: LAB_USER, BULWARK_PASSWORD: LAB_PASSWORD } });
        expect(packageKeys(parse(viaEnv))).toEqual(packageKeys(archive));
      }, 60_000);
    }
  });

  describe('manifest lists and failures', () => {
    let lab: RegistryLab;
    beforeAll(async () => {
      lab = await startRegistry('none');
      await pushImage(lab, ALPINE, 'lab/alpine:3.14');
      await skopeo(['copy', '-q', '--all', '--dest-tls-verify=false', `oci:${await multiPlatformLayout({ nested: true })}`, `docker://${lab.host}/lab/multi:1`]);
    }, 60_000);
    afterAll(async () => lab?.stop());

    it('picks linux/amd64 from a manifest list by default and honours --platform', async () => {
      const amd = parse(await runCliAsync(['image', `${lab.host}/lab/multi:1`, '--insecure', '-f', 'json']));
      expect(amd.packages.map((p) => `${p.name} ${p.arch}`).sort()).toEqual(['busybox x86_64', 'musl x86_64']);
      const arm = parse(await runCliAsync(['image', `${lab.host}/lab/multi:1`, '--insecure', '--platform', 'linux/arm64', '-f', 'json']));
      expect(arm.packages.map((p) => `${p.name} ${p.arch}`).sort()).toEqual(['busybox aarch64', 'musl aarch64']);
      expect(arm.artifact.image?.repoDigests[0]).toBe(`${lab.host}/lab/multi@${sha256(await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${lab.host}/lab/multi:1`]))}`);
      const none = await runCliAsync(['image', `${lab.host}/lab/multi:1`, '--insecure', '--platform', 'linux/s390x']);
      expect(none.status).toBe(2);
      expect(none.stderr).toContain('available: linux/arm64/v8, linux/amd64');
    }, 60_000);

    it('retries 503 and 429 (honouring Retry-After) and then succeeds', async () => {
      // A fault-injecting proxy in front of the real registry: the first requests fail.
      const faults = [503, 503, 429];
      const seen: string[] = [];
      const [registryHost, registryPort] = lab.host.split(':');
      const proxy = createServer((req, res) => {
        const fault = faults.shift();
        seen.push(`${req.method} ${req.url} ${fault ?? 'forwarded'}`);
        if (fault) {
          res.writeHead(fault, fault === 429 ? { 'retry-after': '1' } : {}).end();
          return;
        }
        const upstream = httpRequest({ host: registryHost, port: Number(registryPort), method: req.method, path: req.url, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        req.pipe(upstream);
      });
      await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
      const port = (proxy.address() as AddressInfo).port;
      try {
        const run = parse(await runCliAsync(['image', `127.0.0.1:${port}/lab/alpine:3.14`, '--insecure', '-f', 'json']));
        expect(packageKeys(run)).toEqual(packageKeys(archive));
        expect(seen.slice(0, 4).map((l) => l.replace(/^GET \/v2\/lab\/alpine\/manifests\/3\.14 /, ''))).toEqual(['503', '503', '429', 'forwarded']);
      } finally {
        await new Promise<void>((r) => proxy.close(() => r()));
      }
    }, 60_000);

    it('an unknown tag or repository is exit 5', async () => {
      for (const ref of [`${lab.host}/lab/alpine:nope`, `${lab.host}/lab/missing:1`]) {
        const run = await runCliAsync(['image', ref, '--insecure']);
        expect(run.status).toBe(5);
        expect(run.stderr.trim().split('\n')).toHaveLength(1);
        expect(run.stderr).toContain('not found');
      }
    });

    it('an unreachable registry is exit 3 and suggests --insecure for plain HTTP', async () => {
      const port = await freePort();
      const run = await runCliAsync(['image', `127.0.0.1:${port}/lab/alpine:3.14`]);
      expect(run.status).toBe(3);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toContain('--insecure');
    }, 60_000);

    it('a layer altered in the registry storage is caught by its digest (exit 6)', async () => {
      const home = mkdtempSync(join(tmpdir(), 'bulwark-home-'));
      const first = parse(await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure', '-f', 'json'], { home }));
      const layer = (first.artifact.layers[0]?.digest ?? '').replace('sha256:', '');
      const blobs = join(lab.dataDir, 'docker/registry/v2/blobs/sha256', layer.slice(0, 2), layer, 'data');
      expect(statSync(blobs).size).toBeGreaterThan(1000);
      // Same files, other compression: a valid layer whose bytes no longer match the digest.
      writeFileSync(blobs, gzipSync(gunzipSync(readFileSync(blobs)), { level: 1 }));
      const run = await runCliAsync(['image', `${lab.host}/lab/alpine:3.14`, '--insecure', '-f', 'json']);
      expect(run.status).toBe(6);
      expect(run.stderr).toContain(`sha256:${layer}`);
      expect(readdirSync(run.home)).not.toContain('core');
    }, 60_000);
  });
});
