/**
 * `bulwark image NAME` through Podman: Debian's podman with `podman system service` in a temp
 * directory, an image `podman load`ed into it and found by name — by CONTAINER_HOST and by the
 * socket podman's own clients use ($XDG_RUNTIME_DIR/podman/podman.sock) — with the same result
 * as scanning its archive; `--image-src docker,podman` falls through an absent Docker.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { podmanPresent, startPodman, type PodmanLab } from './helpers/podman-lab.js';
import { skopeo } from './helpers/registry-lab.js';
import { runCliAsync } from './helpers/run-cli.js';
import { expectSameAsArchive, parseReport as parse, type EngineReport as Report } from './helpers/engine-report.js';

const ALPINE = resolve(import.meta.dirname, 'fixtures/images/alpine-3.14.9.containerd.oci.tar');

const present = podmanPresent();
if (!present && process.env.CI) throw new Error('podman must be installed and the tests run as root (.ci/run installs it)');


describe.skipIf(!present)('container engine (podman system service)', () => {
  let lab: PodmanLab;
  let archive: Report;
  const scratch = mkdtempSync(join(tmpdir(), 'bulwark-podman-img-'));
  beforeAll(async () => {
    lab = await startPodman();
    const saved = join(scratch, 'alpine.docker.tar');
    await skopeo(['copy', '-q', `oci-archive:${ALPINE}`, `docker-archive:${saved}:lab/alpine:3.14`]);
    expect(lab.podman(['load', '-i', saved])).toContain('Loaded image: docker.io/lab/alpine:3.14');
    archive = parse(await runCliAsync(['image', ALPINE, '-f', 'json']));
  }, 120_000);
  afterAll(async () => {
    await lab?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('finds a loaded image through CONTAINER_HOST and through $XDG_RUNTIME_DIR/podman/podman.sock, same packages as the archive', async () => {
    for (const env of [{ CONTAINER_HOST: `unix://${lab.socket}` }, { XDG_RUNTIME_DIR: lab.runtimeDir }]) {
      expectSameAsArchive(await runCliAsync(['image', 'lab/alpine:3.14', '--image-src', 'podman', '-f', 'json'], { env }), archive, 'podman-engine');
    }
  }, 60_000);

  it('falls through an absent Docker to Podman, and names both when neither has the image', async () => {
    const env = { DOCKER_HOST: `unix://${join(lab.runtimeDir, 'no-docker.sock')}`, CONTAINER_HOST: `unix://${lab.socket}` };
    const found = parse(await runCliAsync(['image', 'lab/alpine:3.14', '--image-src', 'docker,podman', '-f', 'json'], { env }));
    expect(found.artifact.format).toBe('podman-engine');
    const missing = await runCliAsync(['image', 'lab/nothing:1', '--image-src', 'docker,podman'], { env });
    expect(missing.status).toBe(5);
    expect(missing.stderr).toMatch(/podman at .*podman\.sock has no image lab\/nothing:1/);
    expect(missing.stderr).toContain('no docker socket');
  }, 60_000);
});
