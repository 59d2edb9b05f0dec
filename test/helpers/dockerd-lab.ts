/**
 * A real Debian `dockerd` confined to a temp directory for tests: its own data and exec roots
 * and API socket, no bridge and no iptables rules (nothing on the host changes), stopped by
 * its PID. Needs root and the docker.io package (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DockerLab {
  socket: string;
  docker(args: string[]): string;
  stop(): Promise<void>;
}

export function dockerdPresent(): boolean {
  return process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v dockerd && command -v docker']).status === 0;
}

export async function startDockerd(): Promise<DockerLab> {
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-dockerd-'));
  for (const d of ['data', 'exec']) mkdirSync(join(dir, d));
  const socket = join(dir, 'docker.sock');
  const child: ChildProcess = spawn('dockerd', ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--pidfile', join(dir, 'dockerd.pid'), '-H', `unix://${socket}`, '--bridge=none', '--iptables=false', '--ip6tables=false', '--default-ulimit', 'nofile=1024:1024'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const docker = (args: string[]): string => {
    const r = spawnSync('docker', ['-H', `unix://${socket}`, ...args], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) throw new Error(`dockerd exited: ${log.slice(-2000)}`);
    if (existsSync(socket) && spawnSync('docker', ['-H', `unix://${socket}`, 'version'], { timeout: 5000 }).status === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    socket,
    docker,
    stop: async () => {
      const pid = existsSync(join(dir, 'dockerd.pid')) ? Number(readFileSync(join(dir, 'dockerd.pid'), 'utf8')) : child.pid;
      if (pid) process.kill(pid, 'SIGTERM');
      await new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      spawnSync('sh', ['-c', `grep -q ' ${dir}/' /proc/mounts && awk '{print $2}' /proc/mounts | grep '^${dir}/' | sort -r | xargs -r umount -l`]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
