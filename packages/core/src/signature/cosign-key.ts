/**
 * Cosign-compatible key pairs: ECDSA P-256, the private key as PKCS#8 sealed in the
 * `ENCRYPTED SIGSTORE PRIVATE KEY` PEM envelope cosign and containers/image (skopeo, podman)
 * read — JSON {kdf: scrypt N/r/p + salt, cipher: nacl/secretbox + nonce, ciphertext} — and
 * the public key as a PKIX `PUBLIC KEY` PEM.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { secretbox } from '@noble/ciphers/salsa.js';
import { BulwarkError } from '../model/errors.js';

const PRIVATE_LABELS = ['ENCRYPTED SIGSTORE PRIVATE KEY', 'ENCRYPTED COSIGN PRIVATE KEY'];
/** cosign's defaults (go-securesystemslib "standard" scrypt parameters). */
const SCRYPT = { N: 32768, r: 8, p: 1 };
/** Refuse envelopes asking for more than this much scrypt memory (hostile key files). */
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;

interface Envelope {
  kdf: { name: string; params: { N: number; r: number; p: number }; salt: string };
  cipher: { name: string; nonce: string };
  ciphertext: string;
}

function pem(label: string, der: Buffer): string {
  const body = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${body}-----END ${label}-----\n`;
}

function derive(password: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  const memory = 128 * params.N * params.r * params.p;
  return scryptSync(Buffer.from(password, 'utf8'), salt, 32, { N: params.N, r: params.r, p: params.p, maxmem: memory + 1024 * 1024 });
}

export interface CosignKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** A new P-256 key pair; the private key encrypted with `password` (may be empty, as cosign allows). */
export function generateCosignKeyPair(password: string): CosignKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const sealed = secretbox(derive(password, salt, SCRYPT), nonce).seal(pkcs8);
  const envelope: Envelope = {
    kdf: { name: 'scrypt', params: SCRYPT, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(sealed).toString('base64'),
  };
  return {
    privateKeyPem: pem('ENCRYPTED SIGSTORE PRIVATE KEY', Buffer.from(JSON.stringify(envelope))),
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

function pemBody(text: string, labels: string[], input: string): { label: string; der: Buffer } {
  for (const label of labels) {
    const begin = text.indexOf(`-----BEGIN ${label}-----`);
    const end = text.indexOf(`-----END ${label}-----`);
    if (begin >= 0 && end > begin) return { label, der: Buffer.from(text.slice(begin + label.length + 16, end).replace(/\s+/g, ''), 'base64') };
  }
  throw new BulwarkError('KEY_INVALID', input, `no ${labels.join(' or ')} PEM block`);
}

/** Opens a cosign private key file's text with its password. */
export function loadCosignPrivateKey(text: string, password: string, input: string): KeyObject {
  const { der } = pemBody(text, PRIVATE_LABELS, input);
  let envelope: Envelope;
  try {
    envelope = JSON.parse(der.toString('utf8')) as Envelope;
  } catch {
    throw new BulwarkError('KEY_INVALID', input, 'the encrypted key envelope is not JSON');
  }
  const params = envelope.kdf?.params;
  if (envelope.kdf?.name !== 'scrypt' || envelope.cipher?.name !== 'nacl/secretbox' || !params) throw new BulwarkError('KEY_INVALID', input, `unsupported key encryption ${envelope.kdf?.name ?? '?'}/${envelope.cipher?.name ?? '?'} (expected scrypt/nacl-secretbox)`);
  if (![params.N, params.r, params.p].every((n) => Number.isInteger(n) && n > 0) || 128 * params.N * params.r * params.p > MAX_SCRYPT_MEMORY) throw new BulwarkError('KEY_INVALID', input, 'scrypt parameters out of range');
  const nonce = Buffer.from(envelope.cipher.nonce, 'base64');
  if (nonce.length !== 24) throw new BulwarkError('KEY_INVALID', input, 'secretbox nonce must be 24 bytes');
  let pkcs8: Uint8Array;
  try {
    pkcs8 = secretbox(derive(password, Buffer.from(envelope.kdf.salt, 'base64'), params), nonce).open(Buffer.from(envelope.ciphertext, 'base64'));
  } catch {
    throw new BulwarkError('KEY_PASSWORD', input, 'wrong password for the private key (set COSIGN_PASSWORD)');
  }
  try {
    return createPrivateKey({ key: Buffer.from(pkcs8), format: 'der', type: 'pkcs8' });
  } catch {
    throw new BulwarkError('KEY_INVALID', input, 'the decrypted key is not a PKCS#8 private key');
  }
}

/** Reads a PKIX public key PEM (cosign.pub). */
export function loadPublicKey(text: string, input: string): KeyObject {
  const { der } = pemBody(text, ['PUBLIC KEY'], input);
  try {
    return createPublicKey({ key: der, format: 'der', type: 'spki' });
  } catch {
    throw new BulwarkError('KEY_INVALID', input, 'not a valid PKIX public key');
  }
}
