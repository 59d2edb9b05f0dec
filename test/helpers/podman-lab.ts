/**
 * Debian's podman confined to a temp directory for tests: its own root, runroot and tmpdir on the
 * vfs driver, a containers.conf for a host without systemd, and `podman system service` (the
 * Docker-compatible API) on a socket at `$XDG_RUNTIME_DIR/podman/podman.sock` inside the temp
 * dir — where podman's own clients look for it. Loads images; runs no containers (no network
 * changes). Needs root and the podman package (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PodmanLab {
  /** XDG_RUNTIME_DIR whose podman/podman.sock is the service. */
  runtimeDir: string;
  socket: string;
  podman(args: string[]): string;
  stop(): Promise<void>;
}

export function podmanPresent(): boolean {
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v podman']).status === 0;
}

export async function startPodman(): Promise<PodmanLab> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-podman-'));
  const runtimeDir = join(dir, 'xdg');
  for (const d of ['root', 'run', 'tmp', 'xdg/podman']) mkdirSync(join(dir, d), { recursive: true });
  // No systemd here: cgroupfs and a file event log (see ../shared/design/RECIPES.md §11).
  writeFileSync(join(dir, 'containers.conf'), '[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n');
  const env = { ...process.env, CONTAINERS_CONF: join(dir, 'containers.conf'), XDG_RUNTIME_DIR: runtimeDir };
  const base = ['--root', join(dir, 'root'), '--runroot', join(dir, 'run'), '--tmpdir', join(dir, 'tmp'), '--storage-driver', 'vfs'];
  const podman = (args: string[]): string => {
    const r = spawnSync('podman', [...base, ...args], { encoding: 'utf8', env, timeout: 120_000 });
    if (r.status !== 0) throw new Error(`podman ${args.join(' ')}: ${r.stderr}`);
    return r.stdout + r.stderr;
  };
  const socket = join(runtimeDir, 'podman/podman.sock');
  const child: ChildProcess = spawn('podman', [...base, 'system', 'service', '--time=0', `unix://${socket}`], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  for (let i = 0; i < 100 && !existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`podman system service exited: ${log.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (!existsSync(socket)) throw new Error(`podman system service did not create ${socket}: ${log.slice(-2000)}`);
  return {
    runtimeDir,
    socket,
    podman,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise<void>((r) => child.once('exit', () => r()));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
