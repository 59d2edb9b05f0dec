/**
 * Images held by a local container engine — Docker Engine or Podman's Docker-compatible
 * service — over its API socket: where the socket is (DOCKER_HOST / CONTAINER_HOST, the
 * standard paths), whether the engine has the image, and `docker save` of it to a file.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, request, type Dispatcher } from 'undici';
import { BulwarkError } from '../model/errors.js';

export type EngineKind = 'docker' | 'podman';

/** Unix sockets to try for an engine, in order. */
export function engineSockets(kind: EngineKind, env: NodeJS.ProcessEnv = process.env): string[] {
  const fromUrl = (url: string | undefined): string[] => (url?.startsWith('unix://') ? [url.slice('unix://'.length)] : []);
  if (kind === 'docker') return [...fromUrl(env.DOCKER_HOST), ...(env.DOCKER_HOST ? [] : ['/var/run/docker.sock'])];
  const runtime = env.XDG_RUNTIME_DIR ? [`${env.XDG_RUNTIME_DIR}/podman/podman.sock`] : [];
  return [...fromUrl(env.CONTAINER_HOST), ...(env.CONTAINER_HOST ? [] : [...runtime, '/run/podman/podman.sock'])];
}

const isSocket = (path: string): boolean => existsSync(path) && statSync(path).isSocket();

export type SaveResult = { saved: true; socket: string; imageId: string } | { saved: false; reason: string };

async function engineRequest(dispatcher: Dispatcher, path: string, socket: string): Promise<Dispatcher.ResponseData> {
  try {
    return await request(`http://engine${path}`, { dispatcher, headersTimeout: 30_000, bodyTimeout: 300_000 });
  } catch (err) {
    throw new BulwarkError('REGISTRY_UNREACHABLE', socket, `the engine API does not answer (${err instanceof Error ? err.message : String(err)})`);
  }
}

/**
 * Saves `name` from the first reachable socket of `kind` into `destination` as a docker-archive,
 * refusing archives over `maxBytes`. Not having a socket or the image is a reason, not an error.
 */
export async function saveEngineImage(kind: EngineKind, name: string, destination: string, maxBytes: number, env: NodeJS.ProcessEnv = process.env): Promise<SaveResult> {
  const sockets = engineSockets(kind, env).filter(isSocket);
  if (sockets.length === 0) return { saved: false, reason: `no ${kind} socket (${engineSockets(kind, env).join(', ') || 'none configured'})` };
  const socket = sockets[0] as string;
  const dispatcher = new Agent({ connect: { socketPath: socket } });
  try {
    const encoded = encodeURIComponent(name);
    const inspect = await engineRequest(dispatcher, `/images/${encoded}/json`, socket);
    if (inspect.statusCode === 404) {
      await inspect.body.dump();
      return { saved: false, reason: `${kind} at ${socket} has no image ${name}` };
    }
    if (inspect.statusCode !== 200) {
      await inspect.body.dump();
      throw new BulwarkError('REGISTRY_ERROR', socket, `inspecting ${name}: HTTP ${inspect.statusCode}`);
    }
    const info = (await inspect.body.json()) as { Id?: string };
    const saved = await engineRequest(dispatcher, `/images/${encoded}/get`, socket);
    if (saved.statusCode !== 200) {
      await saved.body.dump();
      throw new BulwarkError('REGISTRY_ERROR', socket, `saving ${name}: HTTP ${saved.statusCode}`);
    }
    let written = 0;
    const cap = new Transform({
      transform(chunk: Buffer, _enc, done) {
        written += chunk.length;
        if (written > maxBytes) done(new BulwarkError('LAYER_TOO_LARGE', `${kind}:${name}`, `the saved image is larger than ${maxBytes} bytes (--max-layer-size)`));
        else done(null, chunk);
      },
    });
    await pipeline(saved.body, cap, createWriteStream(destination, { mode: 0o600 }));
    return { saved: true, socket, imageId: info.Id ?? '' };
  } finally {
    await dispatcher.close();
  }
}
