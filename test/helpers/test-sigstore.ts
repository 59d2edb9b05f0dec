/**
 * A private Sigstore for tests, made with openssl and node:crypto: a Fulcio-like CA that
 * issues short-lived code-signing certificates carrying an identity (SAN) and an OIDC issuer
 * (Fulcio's extension 1.3.6.1.4.1.57264.1.1), a Rekor-like log key that signs entry timestamps
 * (SET over the canonical entry), and the trusted_root.json that names both. Keyless bundles
 * made here verify with the Sigstore project's own verifier when the root is trusted.
 */
import { spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const IN_TOTO = 'application/vnd.in-toto+json';

function openssl(args: string[], cwd: string): void {
  const run = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${run.stderr}`);
}

const derOfPem = (pem: string): Buffer => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

/** JSON with sorted keys and no spaces (what Rekor signs). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

export interface TestSigstore {
  /** trusted_root.json text naming this CA and log. */
  trustedRoot: string;
  /** A keyless bundle (JSON bytes) signing `statement` as `identity` from `issuer`. */
  keylessBundle(statement: Buffer, identity: string, issuer: string): Buffer;
}

/** `name` tells two instances apart (a bundle from one must not verify with the other's root). */
export function createTestSigstore(name: string): TestSigstore {
  const dir = mkdtempSync(join(tmpdir(), `bulwark-sigstore-${name}-`));
  openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', `/O=bulwark-test/CN=${name}-fulcio`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const caDer = derOfPem(readFileSync(join(dir, 'ca.pem'), 'utf8'));
  const log = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const logDer = log.publicKey.export({ type: 'spki', format: 'der' });
  const logId = createHash('sha256').update(logDer).digest();
  const start = new Date(Date.now() - 24 * 3600 * 1000).toISOString();
  const trustedRoot = JSON.stringify({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [{ baseUrl: `https://rekor.${name}.test`, hashAlgorithm: 'SHA2_256', publicKey: { rawBytes: logDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } }, logId: { keyId: logId.toString('base64') } }],
    certificateAuthorities: [{ subject: { organization: 'bulwark-test', commonName: `${name}-fulcio` }, uri: `https://fulcio.${name}.test`, certChain: { certificates: [{ rawBytes: caDer.toString('base64') }] }, validFor: { start } }],
    ctlogs: [],
    timestampAuthorities: [],
  });
  let serial = 0;

  const issueCertificate = (publicKey: KeyObject, identity: string, issuer: string): { pem: string; der: Buffer } => {
    serial++;
    writeFileSync(join(dir, 'leaf.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
    // Fulcio's v1 issuer extension holds the issuer URL as raw bytes.
    writeFileSync(join(dir, 'ext.cnf'), `[leaf]\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=codeSigning\nsubjectAltName=critical,email:${identity}\n1.3.6.1.4.1.57264.1.1=DER:${Buffer.from(issuer).toString('hex')}\n`);
    // A throwaway request key: -force_pubkey puts the signer's own key in the certificate.
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'req.key', '-out', 'leaf.csr', '-subj', '/O=bulwark-test'], dir);
    openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(1000 + serial), '-days', '1', '-force_pubkey', 'leaf.pub', '-extfile', 'ext.cnf', '-extensions', 'leaf', '-out', 'leaf.pem'], dir);
    const pem = readFileSync(join(dir, 'leaf.pem'), 'utf8');
    return { pem, der: derOfPem(pem) };
  };

  return {
    trustedRoot,
    keylessBundle(statement, identity, issuer) {
      const signer = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const cert = issueCertificate(signer.publicKey, identity, issuer);
      const pae = Buffer.concat([Buffer.from(`DSSEv1 ${IN_TOTO.length} ${IN_TOTO} ${statement.length} `), statement]);
      const signature = sign('sha256', pae, signer.privateKey);
      const body = Buffer.from(
        canonical({
          apiVersion: '0.0.1',
          kind: 'dsse',
          spec: {
            payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(statement).digest('hex') },
            signatures: [{ signature: signature.toString('base64'), verifier: Buffer.from(cert.pem).toString('base64') }],
          },
        }),
      );
      // Inside the certificate's validity: openssl starts it now, to the second.
      const integratedTime = Math.floor(Date.now() / 1000) + 1;
      const logIndex = 1000 + serial;
      const set = sign('sha256', Buffer.from(canonical({ body: body.toString('base64'), integratedTime, logID: logId.toString('hex'), logIndex })), log.privateKey);
      // An inclusion proof in a one-entry tree (the root is the leaf hash) and the log's signed checkpoint.
      const root = createHash('sha256').update(Buffer.concat([Buffer.from([0]), body])).digest();
      const note = `rekor.${name}.test - 1\n1\n${root.toString('base64')}\n`;
      const noteSignature = Buffer.concat([logId.subarray(0, 4), sign('sha256', Buffer.from(note), log.privateKey)]);
      const inclusionProof = { logIndex: '0', rootHash: root.toString('base64'), treeSize: '1', hashes: [], checkpoint: { envelope: `${note}\n\u2014 rekor.${name}.test ${noteSignature.toString('base64')}\n` } };
      return Buffer.from(
        JSON.stringify({
          mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
          verificationMaterial: {
            certificate: { rawBytes: cert.der.toString('base64') },
            tlogEntries: [{ logIndex: String(logIndex), logId: { keyId: logId.toString('base64') }, kindVersion: { kind: 'dsse', version: '0.0.1' }, integratedTime: String(integratedTime), inclusionPromise: { signedEntryTimestamp: set.toString('base64') }, inclusionProof, canonicalizedBody: body.toString('base64') }],
            timestampVerificationData: { rfc3161Timestamps: [] },
          },
          dsseEnvelope: { payload: statement.toString('base64'), payloadType: IN_TOTO, signatures: [{ sig: signature.toString('base64'), keyid: '' }] },
        }),
      );
    },
  };
}
