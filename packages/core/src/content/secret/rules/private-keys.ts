/**
 * Private keys recognised by structure rather than by a single pattern: PEM blocks (RSA, EC,
 * DSA, OpenSSH, PKCS#8, PGP) including ones written into source strings with escaped
 * newlines, base64-wrapped PEM, PuTTY key files, and binary PKCS#12 / Java keystores.
 */
import type { DetectedSecret, SecretRule } from '../rule.js';

const MAX_BLOCK = 64 * 1024;
/** A key body shorter than this is a placeholder ("-----BEGIN…\n...\n-----END"). */
const MIN_BODY = 64;
const HEADER = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----/g;

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** Finds PEM private-key blocks starting inside [from, to). Encrypted keys are skipped. */
export function findPemKeys(text: string, from: number, to: number): DetectedSecret[] {
  const out: DetectedSecret[] = [];
  HEADER.lastIndex = from;
  for (let m = HEADER.exec(text); m && m.index < to; m = HEADER.exec(text)) {
    const bodyStart = m.index + m[0].length;
    const limit = Math.min(text.length, bodyStart + MAX_BLOCK);
    const endMarker = text.indexOf('-----END', bodyStart);
    const bodyEnd = endMarker >= 0 && endMarker < limit ? endMarker : limit;
    const body = text.slice(bodyStart, bodyEnd);
    if ((m[1] ?? '').includes('ENCRYPTED') || body.includes('ENCRYPTED')) continue;
    let count = 0;
    for (let i = 0; i < body.length; i++) if (isBase64Char(body.charCodeAt(i))) count++;
    if (count < MIN_BODY) continue;
    const close = endMarker >= 0 && endMarker < limit ? text.indexOf('-----', endMarker + 8) : -1;
    const end = close >= 0 ? close + 5 : bodyEnd;
    // The secret is the key material itself (base64 characters of the body, escapes removed).
    let material = '';
    for (let i = 0; i < body.length; i++) if (isBase64Char(body.charCodeAt(i)) && !(body[i - 1] === '\\' && (body[i] === 'n' || body[i] === 'r'))) material += body[i];
    out.push({ start: m.index, end, secret: material, title: `${(m[1] ?? '').trim() || 'PKCS#8'} private key` });
    HEADER.lastIndex = end;
  }
  return out;
}

const BASE64_PEM = /LS0tLS1CRUdJTi[A-Za-z0-9+/=]{40,8192}/g;

function findBase64Pem(text: string, from: number, to: number): DetectedSecret[] {
  const out: DetectedSecret[] = [];
  BASE64_PEM.lastIndex = from;
  for (let m = BASE64_PEM.exec(text); m && m.index < to; m = BASE64_PEM.exec(text)) {
    const decoded = Buffer.from(m[0].slice(0, m[0].length - (m[0].length % 4)), 'base64').toString('latin1');
    if (findPemKeys(decoded, 0, decoded.length).length > 0) out.push({ start: m.index, end: m.index + m[0].length, secret: m[0] });
  }
  return out;
}

const PUTTY = /PuTTY-User-Key-File-[23]: [A-Za-z0-9-]{3,40}/g;

function findPuttyKeys(text: string, from: number, to: number): DetectedSecret[] {
  const out: DetectedSecret[] = [];
  PUTTY.lastIndex = from;
  for (let m = PUTTY.exec(text); m && m.index < to; m = PUTTY.exec(text)) {
    const rest = text.slice(m.index, m.index + 16384);
    if (!/Encryption: none/.test(rest) || !rest.includes('Private-Lines:')) continue;
    out.push({ start: m.index, end: m.index + m[0].length, secret: rest.slice(rest.indexOf('Private-Lines:'), rest.indexOf('Private-Lines:') + 120) });
  }
  return out;
}

export const PRIVATE_KEY_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    category: 'Private key',
    title: 'Private key',
    severity: 'CRITICAL',
    keywords: ['private key-----', 'private key block-----'],
    detect: findPemKeys,
    multiline: true,
    example: `-----BEGIN RSA PRIVATE KEY-----\n${'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun'}\n${'VTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK'}\n-----END RSA PRIVATE KEY-----\n`,
  },
  {
    id: 'private-key-base64',
    category: 'Private key',
    title: 'Base64-encoded PEM private key',
    severity: 'CRITICAL',
    keywords: ['ls0tls1crudjtib'],
    detect: findBase64Pem,
    example: Buffer.from(`-----BEGIN PRIVATE KEY-----\n${'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj'}\n${'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu'}\n-----END PRIVATE KEY-----\n`).toString('base64'),
  },
  {
    id: 'putty-private-key',
    category: 'Private key',
    title: 'Unencrypted PuTTY private key',
    severity: 'CRITICAL',
    keywords: ['putty-user-key-file-'],
    detect: findPuttyKeys,
    multiline: true,
    example: 'PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: me\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIJ0W\nPrivate-Lines: 1\nAAAAIGx3Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1q2W3\n',
  },
];

export interface BinaryKeyFinding {
  ruleId: string;
  title: string;
}

/** Keystores recognised in binary files: PKCS#12 (by its DER layout) and JKS/JCEKS with key entries. */
export function detectBinaryKeystore(content: Buffer): BinaryKeyFinding | undefined {
  if (content.length >= 12) {
    const magic = content.readUInt32BE(0);
    if (magic === 0xfeedfeed || magic === 0xcececece) {
      // JKS: version, entry count, then each entry starts with a tag: 1 = private key, 2 = certificate.
      const count = content.readUInt32BE(8);
      if (count > 0 && count < 10000 && content.length > 16 && content.readUInt32BE(12) === 1) {
        return { ruleId: 'java-keystore-private-key', title: magic === 0xfeedfeed ? 'Java keystore (JKS) holding a private key' : 'Java keystore (JCEKS) holding a private key' };
      }
      return undefined;
    }
  }
  // PKCS#12 PFX: SEQUENCE { INTEGER 3, SEQUENCE { OID pkcs7-data | pkcs7-signedData, ... } }
  if (content.length > 32 && content[0] === 0x30) {
    const lenByte = content[1] as number;
    const headerLen = lenByte < 0x80 ? 2 : 2 + (lenByte & 0x7f);
    if (headerLen <= 6 && content[headerLen] === 0x02 && content[headerLen + 1] === 0x01 && content[headerLen + 2] === 0x03) {
      const oidData = Buffer.from([0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]);
      const at = content.subarray(0, 48).indexOf(oidData);
      if (at > 0) return { ruleId: 'pkcs12-keystore', title: 'PKCS#12 keystore (private key container)' };
    }
  }
  return undefined;
}
