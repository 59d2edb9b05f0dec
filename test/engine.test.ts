/**
 * `bulwark image NAME` through a container engine's API: a real dockerd in a temp directory,
 * an image `docker load`ed into it, found by name and scanned with the same result as its
 * archive; `--image-src` order and a missing image give the documented errors.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerdPresent, startDockerd, type DockerLab } from './helpers/dockerd-lab.js';
import { skopeo } from './helpers/registry-lab.js';
import { runCliAsync } from './helpers/run-cli.js';
import { expectSameAsArchive, parseReport as parse } from './helpers/engine-report.js';

const ALPINE = resolve(import.meta.dirname, 'fixtures/images/alpine-3.14.9.containerd.oci.tar');

const present = dockerdPresent();
if (!present && process.env.CI) throw new Error('dockerd must be installed and the tests run as root (.ci/run installs docker.io)');


describe.skipIf(!present)('container engine (dockerd)', () => {
  let lab: DockerLab;
  beforeAll(async () => {
    lab = await startDockerd();
    const archive = join(mkdtempSync(join(tmpdir(), 'bulwark-engine-')), 'alpine.docker.tar');
    await skopeo(['copy', '-q', `oci-archive:${ALPINE}`, `docker-archive:${archive}:lab/alpine:3.14`]);
    expect(lab.docker(['load', '-i', archive])).toContain('Loaded image: lab/alpine:3.14');
  }, 120_000);
  afterAll(async () => lab?.stop());

  it('finds a loaded image by name through the Engine API, same result as the archive', async () => {
    const archive = parse(await runCliAsync(['image', ALPINE, '-f', 'json']));
    expectSameAsArchive(await runCliAsync(['image', 'lab/alpine:3.14', '-f', 'json'], { env: { DOCKER_HOST: `unix://${lab.socket}` } }), archive, 'docker-engine');
  }, 60_000);

  it('follows --image-src: an image the engine lacks, or an engine left out, falls through to the next source', async () => {
    const env = { DOCKER_HOST: `unix://${lab.socket}` };
    const missing = await runCliAsync(['image', 'lab/nothing:1', '--image-src', 'docker'], { env });
    expect(missing.status).toBe(5);
    expect(missing.stderr.trim()).toMatch(/image not found in docker: docker at .*docker\.sock has no image lab\/nothing:1$/);
    // Registry only: the engine is not asked, the (absent) registry is — and the message says which.
    const registryOnly = await runCliAsync(['image', '127.0.0.1:1/lab/alpine:3.14', '--image-src', 'docker,registry', '--insecure'], { env });
    expect(registryOnly.status).toBe(3);
    expect(registryOnly.stderr).toContain('also tried: docker at');
    const bad = await runCliAsync(['image', 'lab/alpine:3.14', '--image-src', 'containerd'], { env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown image source 'containerd'");
  }, 60_000);
});
