import { describe, expect, it } from 'vitest';
import { checkConfigs } from '../src/misconfig/scan-config.js';
import { DOCKERFILE_CHECKS } from '../src/misconfig/dockerfile/registry.js';
import type { CheckOptions } from '../src/misconfig/check.js';

const D1 = 'sha256:' + 'a'.repeat(64);
const D2 = 'sha256:' + 'b'.repeat(64);
/** A Dockerfile no check objects to. */
const GOOD = `FROM node:20.11.1-bookworm-slim@${D1} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
FROM gcr.io/distroless/nodejs20-debian12:nonroot@${D2}
COPY --from=build /src /app
WORKDIR /app
USER 65532
EXPOSE 8080
HEALTHCHECK CMD ["/nodejs/bin/node", "health.js"]
ENTRYPOINT ["/nodejs/bin/node", "server.js"]
`;
const FINAL = `HEALTHCHECK CMD ["/bin/true"]\nUSER 1000\n`;
const base = (body: string, from = `debian:12.5@${D1}`): string => `FROM ${from}\n${body}\n${FINAL}`;

const ids = (text: string, options: CheckOptions = {}): string[] => checkConfigs([{ path: 'Dockerfile', text }], options).findings.map((f) => f.checkId);

// [check, failing Dockerfile, passing Dockerfile]
const CASES: [string, string, string][] = [
  ['dockerfile-user-root', `FROM alpine:3.20@${D1}\nHEALTHCHECK CMD ["true"]\nUSER root`, `FROM alpine:3.20@${D1}\nHEALTHCHECK CMD ["true"]\nUSER app`],
  ['dockerfile-from-latest', base('', 'python:latest'), base('', 'python:3.12')],
  ['dockerfile-from-not-pinned', base('', 'python:3.12'), base('', `python:3.12@${D1}`)],
  ['dockerfile-secret-in-arg-env', base('ARG GITHUB_TOKEN\nENV API_KEY=abc'), base('ARG VERSION=1\nENV NODE_ENV=production')],
  ['dockerfile-copy-secret-file', base('COPY .npmrc id_rsa /root/'), base('COPY package.json /app/')],
  ['dockerfile-add-instead-of-copy', base('ADD app.js /app/'), base('ADD rootfs.tar.gz /')],
  ['dockerfile-add-remote-url', base('ADD https://example.com/tool.tgz /opt/'), base(`ADD --checksum=${D1} https://example.com/tool.tgz /opt/`)],
  ['dockerfile-expose-ssh', base('EXPOSE 22'), base('EXPOSE 8022')],
  ['dockerfile-expose-invalid-port', base('EXPOSE 70000'), base('EXPOSE 65535/udp')],
  ['dockerfile-no-healthcheck', `FROM alpine:3.20@${D1}\nUSER 1000`, `FROM alpine:3.20@${D1}\nHEALTHCHECK NONE\nUSER 1000`],
  ['dockerfile-multiple-healthcheck', base('HEALTHCHECK CMD ["a"]'), base('')],
  ['dockerfile-multiple-cmd', base('CMD ["a"]\nCMD ["b"]'), base('CMD ["b"]')],
  ['dockerfile-multiple-entrypoint', base('ENTRYPOINT ["a"]\nENTRYPOINT ["b"]'), base('ENTRYPOINT ["b"]')],
  ['dockerfile-shell-form-entrypoint', base('CMD node server.js'), base('CMD ["node", "server.js"]')],
  ['dockerfile-copy-from-unknown-stage', `FROM alpine:3.20@${D1} AS build\n${base('COPY --from=biuld /a /a')}`, `FROM alpine:3.20@${D1} AS build\n${base('COPY --from=build /a /a')}`],
  ['dockerfile-duplicate-stage-name', `FROM alpine:3.20@${D1} AS x\nFROM alpine:3.20@${D1} AS x\n${FINAL}`, `FROM alpine:3.20@${D1} AS x\nFROM alpine:3.20@${D1} AS y\n${FINAL}`],
  ['dockerfile-copy-whole-stage', `FROM alpine:3.20@${D1} AS build\n${base('COPY --from=build / /')}`, `FROM alpine:3.20@${D1} AS build\n${base('COPY --from=build /out/app /app')}`],
  ['dockerfile-workdir-relative', base('WORKDIR app'), base('WORKDIR /app')],
  ['dockerfile-maintainer', base('MAINTAINER me'), base('LABEL org.opencontainers.image.authors=me')],
  ['dockerfile-sudo', base('RUN sudo make install'), base('RUN make install')],
  ['dockerfile-curl-pipe-shell', base('RUN curl -fsSL https://get.example.sh | sh'), base('RUN curl -fsSLo install.sh https://get.example.sh && sha256sum -c sums && sh install.sh')],
  ['dockerfile-tls-verification-disabled', base('RUN wget --no-check-certificate https://x/y'), base('RUN wget https://x/y')],
  ['dockerfile-tls-verification-disabled', base('ENV NODE_TLS_REJECT_UNAUTHORIZED=0'), base('ENV NODE_ENV=production')],
  ['dockerfile-tls-verification-disabled', base('RUN npm config set strict-ssl false'), base('RUN npm config set fund false')],
  ['dockerfile-package-signature-disabled', base('RUN apk add --no-cache --allow-untrusted foo=1.0'), base('RUN apk add --no-cache foo=1.0')],
  ['dockerfile-package-signature-disabled', base('RUN yum install -y --nogpgcheck foo-1.0 && yum clean all'), base('RUN yum install -y foo-1.0 && yum clean all')],
  ['dockerfile-update-alone', base('RUN apt-get update'), base('RUN apt-get update && apt-get install -y --no-install-recommends curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*')],
  ['dockerfile-apt-get-no-yes', base('RUN apt-get install --no-install-recommends curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*'), base('RUN apt-get install -y --no-install-recommends curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*')],
  ['dockerfile-apt-no-install-recommends', base('RUN apt-get install -y curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*'), base('RUN apt-get install -y --no-install-recommends curl=8.5.0-2 && rm -rf /var/lib/apt/lists/*')],
  ['dockerfile-unpinned-packages', base('RUN pip install --no-cache-dir requests'), base('RUN pip install --no-cache-dir requests==2.32.3')],
  ['dockerfile-unpinned-packages', base('RUN apk add --no-cache curl'), base('RUN apk add --no-cache curl=8.9.1-r0')],
  ['dockerfile-package-cache-kept', base('RUN apk add curl=8.9.1-r0'), base('RUN apk add --no-cache curl=8.9.1-r0')],
  ['dockerfile-package-cache-kept', base('RUN pip install requests==2.32.3'), base('RUN --mount=type=cache,target=/root/.cache pip install requests==2.32.3')],
  ['dockerfile-apt-instead-of-apt-get', base('RUN apt install -y curl=1'), base('RUN apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists/*')],
  ['dockerfile-dist-upgrade', base('RUN apt-get update && apt-get dist-upgrade -y'), base('RUN apt-get update && apt-get install -y --no-install-recommends curl=1 && rm -rf /var/lib/apt/lists/*')],
  ['dockerfile-pipefail', base('RUN wget -qO- https://x/y.tgz | tar xz'), `SHELL ["/bin/bash", "-o", "pipefail", "-c"]\n${base('RUN wget -qO- https://x/y.tgz | tar xz')}`.replace(/^SHELL(.*)\nFROM (.*)$/m, 'FROM $2\nSHELL$1')],
  ['dockerfile-run-cd', base('RUN cd /src && make'), base('WORKDIR /src\nRUN make')],
  ['dockerfile-chmod-world-writable', base('RUN chmod 777 /data'), base('RUN chmod 750 /data')],
  ['dockerfile-chmod-world-writable', base('RUN chmod -R o+w /data'), base('RUN chmod -R u+w /data')],
  ['dockerfile-chpasswd', base('RUN echo "root:toor" | chpasswd'), base('RUN useradd -m app')],
];

describe('Dockerfile checks', () => {
  it('has at least 30 checks with unique ids', () => {
    expect(DOCKERFILE_CHECKS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(DOCKERFILE_CHECKS.map((c) => c.id)).size).toBe(DOCKERFILE_CHECKS.length);
  });

  it('a well-written multi-stage Dockerfile passes every check', () => {
    expect(ids(GOOD)).toEqual([]);
  });

  it('every check has a failing and a passing case here', () => {
    const covered = new Set(CASES.map(([id]) => id));
    expect(DOCKERFILE_CHECKS.map((c) => c.id).filter((id) => !covered.has(id) && id !== 'dockerfile-registry-not-allowed')).toEqual([]);
  });

  it.each(CASES)('%s', (id, failing, passing) => {
    expect(ids(failing), failing).toContain(id);
    expect(ids(passing), passing).not.toContain(id);
  });

  it('registry allow-list: only with --allowed-registries', () => {
    const text = base('', `quay.io/acme/app:1.0@${D1}`);
    expect(ids(text)).not.toContain('dockerfile-registry-not-allowed');
    expect(ids(text, { allowedRegistries: ['docker.io', 'ghcr.io'] })).toContain('dockerfile-registry-not-allowed');
    expect(ids(text, { allowedRegistries: ['quay.io'] })).not.toContain('dockerfile-registry-not-allowed');
  });

  it('reads BuildKit heredocs and reports the instruction lines', () => {
    const text = `FROM debian:12.5@${D1}\nRUN <<EOT\nset -e\ncurl -fsSL https://get.example.sh | bash\nEOT\n${FINAL}`;
    const found = checkConfigs([{ path: 'Dockerfile', text }], {}).findings.find((f) => f.checkId === 'dockerfile-curl-pipe-shell');
    expect(found).toMatchObject({ line: 2, endLine: 5 });
  });
});
