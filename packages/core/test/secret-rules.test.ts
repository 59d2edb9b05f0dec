import { describe, expect, it } from 'vitest';
import { SECRET_RULES } from '../src/content/secret/registry.js';
import { SecretScanner, redact } from '../src/content/secret/secret-scanner.js';

const scanner = new SecretScanner();

describe('secret rule table', () => {
  it('has at least 100 detectors with unique ids and lower-case keywords', () => {
    expect(SECRET_RULES.length).toBeGreaterThanOrEqual(100);
    const ids = SECRET_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of SECRET_RULES) {
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      for (const k of r.keywords) expect(k, r.id).toBe(k.toLowerCase());
    }
  });

  it.each(SECRET_RULES.map((r) => [r.id, r] as const))('%s finds its own example', (id, rule) => {
    const hits = scanner.scanText(`first line\n${rule.example}\nlast line\n`, 'example.txt');
    expect(hits.map((h) => h.rule), `${id}: ${rule.example}`).toContain(id);
    for (const h of hits) expect(h.line).toBeGreaterThanOrEqual(2);
  });
});

describe('secret engine', () => {
  it('never returns the whole secret and fingerprints it stably', () => {
    const token = 'ghp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1';
    const [hit] = scanner.scanText(`token: ${token}\n`, 'a.yml');
    expect(hit?.rule).toBe('github-pat');
    expect(hit?.match).toBe('ghp_******** (40 chars)');
    expect(JSON.stringify(hit)).not.toContain(token.slice(4));
    expect(hit?.line).toBe(1);
    expect(hit?.column).toBe(8);
    expect(scanner.scanText(`token: ${token}\n`, 'a.yml')[0]?.fingerprint).toBe(hit?.fingerprint);
    expect(scanner.scanText(`token: ${token}\n`, 'b.yml')[0]?.fingerprint).not.toBe(hit?.fingerprint);
    expect(redact('abc')).toBe('*** (3 chars)');
  });

  it('drops placeholders, references and metadata keys', () => {
    const text = [
      'password = "${DB_PASSWORD}"',
      'password: <your-password-here>',
      'PASSWORD = os.getenv("PASSWORD")',
      'password = settings.DB_PASSWORD',
      'password_min_length = 12',
      'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
      'password = "abc"',
      'token_type = "bearer_token_value"',
      'tokenizer = "whitespace-tokenizer-v2"',
      'compass = "north-north-west-by-west"',
    ].join('\n');
    expect(scanner.scanText(text, 'x.py')).toEqual([]);
  });

  it('reports a multi-line PEM key once, spanning its lines, and skips encrypted keys', () => {
    const body = 'MIIEpAIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\n';
    const pem = `x\n-----BEGIN RSA PRIVATE KEY-----\n${body}-----END RSA PRIVATE KEY-----\n`;
    const hits = scanner.scanText(pem, 'id_rsa');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ rule: 'private-key', line: 2, endLine: 5 });
    const encrypted = `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${body}-----END ENCRYPTED PRIVATE KEY-----\n`;
    expect(scanner.scanText(encrypted, 'k.pem')).toEqual([]);
    const placeholder = '-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n';
    expect(scanner.scanText(placeholder, 'README')).toEqual([]);
  });

  it('skips generic assignments in documentation but not vendor-shaped tokens', () => {
    const text = 'db_password = "Zx9vQ2mLp7wK"\ntoken: ghp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1\n';
    expect(scanner.scanText(text, 'docs/setup.md').map((h) => h.rule)).toEqual(['github-pat']);
    expect(scanner.scanText(text, 'config/app.env').map((h) => h.rule)).toEqual(['generic-secret-assignment', 'github-pat']);
  });

  it('lets a specific rule win over a generic one on the same text', () => {
    const hits = scanner.scanText('api_token = "ghp_Qw8eR7tY6uI5oP4aS3dF2gH1jK0lZxCvBnM1"\n', 'c.env');
    expect(hits.map((h) => h.rule)).toEqual(['github-pat']);
  });

  it('stays linear on hostile input: long keyword-dense lines', () => {
    const hostile = `${'password=password='.repeat(20000)}\n${'-----BEGIN PRIVATE KEY-----'.repeat(5000)}\n${'eyJ'.repeat(50000)}`;
    // Completing inside vitest's per-test timeout is the assertion; the result is irrelevant.
    expect(Array.isArray(scanner.scanText(hostile, 'hostile'))).toBe(true);
  });
});
