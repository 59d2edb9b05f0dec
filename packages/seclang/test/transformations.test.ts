/**
 * Transformations on byte strings, case by case (ModSecurity reference semantics, plus cases
 * from Coraza's published urlDecodeUni vectors), and coverage of every `t:` the CRS uses.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyTransformations, parseRuleSetFiles, TRANSFORMATIONS, type Rule } from '../src/index.js';

const t = (name: string, input: string): string => (TRANSFORMATIONS[name] as (s: string) => string)(input);

const CASES: [string, string, string][] = [
  ['lowercase', 'SeLeCt \xc0', 'select \xc0'],
  ['uppercase', 'select', 'SELECT'],
  ['urldecode', 'a%20b+c%2', 'a b c%2'],
  ['urldecode', '%0g%20%', '%0g %'],
  // From Coraza's urlDecodeUni vectors (internal/transformations/testdata/urlDecodeUni.json).
  ['urldecodeuni', 'Test+Case', 'Test Case'],
  ['urldecodeuni', '%%20', '% '],
  ['urldecodeuni', '%u%u0020', '%u '],
  ['urldecodeuni', '%u000g%u0020', '%u000g '],
  ['urldecodeuni', 'var%3d%20@.%3d%20%28%20SELECT', 'var= @.= ( SELECT'],
  ['urldecodeuni', '%uff01%uff5e', '!~'],
  ['urldecodeuni', '%u1141', '\x41'],
  ['htmlentitydecode', '&lt;script&gt;&#x61;&#98;&quot;&amp;&nbsp;&#x41', '<script>ab"&\xa0A'],
  ['htmlentitydecode', '&unknown; &#;', '&unknown; &#;'],
  ['jsdecode', '\\x3cscript\\u003e\\141\\n\\uff1c\\q\\', '<script>a\n<q\\'],
  ['cssdecode', '\\3c script\\000041\\\nx\\"', '<scriptAx"'],
  ['escapeseqdecode', '\\x41\\101\\n\\q\\\\', 'AA\n\\q\\'],
  ['removenulls', 'a\0b\0', 'ab'],
  ['replacenulls', 'a\0b', 'a b'],
  ['removewhitespace', ' a\tb\nc\xa0d ', 'abcd'],
  ['compresswhitespace', 'a  \t\n b\xa0\xa0c', 'a b c'],
  ['trim', ' \t a b \n', 'a b'],
  ['replacecomments', 'SELECT/* x */1/*open', 'SELECT 1 '],
  ['removecommentschar', 'a/*b*/c--d#e', 'abcde'],
  ['cmdline', 'C^m"D" /c ,dir;  WHO\'AMI', 'cmd/c dir whoami'],
  ['cmdline', 'ping (a)', 'ping(a)'],
  ['normalizepath', '/a//b/./c/../d/', '/a/b/d/'],
  ['normalizepath', '/../../etc/passwd', '/etc/passwd'],
  ['normalizepath', 'a/../../b', '../b'],
  ['normalizepathwin', 'C:\\a\\..\\b\\.\\c', 'C:/b/c'],
  ['utf8tounicode', 'a\xc3\xa9\xe2\x80\x9c\xff', 'a%u00e9%u201c\xff'],
  ['utf8tounicode', '\xe0\x80\xaf', '\xe0\x80\xaf'],
  ['base64decode', 'PHNjcmlwdD4=', '<script>'],
  ['hexencode', 'AB\xff', '4142ff'],
  ['hexdecode', '41424', 'AB'],
  ['length', 'a\xffb', '3'],
  // Decoders copy runs between escapes as slices: escapes at both ends, adjacent, and alone.
  ['urldecode', '%41bc%42%43+', 'AbcBC '],
  ['urldecodeuni', '+%u0041x%41', ' AxA'],
  ['htmlentitydecode', '&lt;&lt;a&amp', '<<a&'],
  ['jsdecode', '\\x41\\x42b\\', 'ABb\\'],
  ['removewhitespace', 'a b', 'ab'],
  ['compresswhitespace', ' a b  c\t', ' a b c '],
  ['replacecomments', '/**/a/* */', ' a '],
  ['removecommentschar', '#a--', 'a'],
  ['cmdline', ' A;B ', 'a b '],
  ['utf8tounicode', '\xc3\xa9a\xc3\xa9', '%u00e9a%u00e9'],
];

describe('transformations', () => {
  it.each(CASES)('%s(%j) = %j', (name, input, output) => {
    expect(t(name, input)).toBe(output);
  });

  it('sha1 and md5 give the raw digest bytes', () => {
    expect(Buffer.from(t('sha1', 'abc'), 'latin1').toString('hex')).toBe(createHash('sha1').update('abc').digest('hex'));
    expect(Buffer.from(t('md5', '\xff'), 'latin1').toString('hex')).toBe(createHash('md5').update(Buffer.from([0xff])).digest('hex'));
  });

  it('applies a t: list in order, none resetting it', () => {
    expect(applyTransformations('%3CSCRIPT%3E', ['lowercase', 'none', 'urldecodeuni', 'lowercase'])).toBe('<script>');
    expect(() => applyTransformations('x', ['nope'])).toThrow(/unknown transformation t:nope/);
  });

  it('base64Decode decodes short values as Node does the alphabet characters it keeps (skipped junk, first = ends, partial last group)', () => {
    // The reference is the long-input path: Buffer on the kept alphabet characters.
    const reference = (s: string): string => Buffer.from(s.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
    for (const s of ['QQ==QUJD', 'QUJ=D', '=QUJD', 'QUJDQQ', 'Q', 'Q=Q=Q=', 'QU-_JD', 'QU\u00e9JD', 'PHNjcmlwdD4']) expect(t('base64decode', s)).toBe(reference(s));
    const alphabet = 'AQUJDz09+/=-_ \u00e9\u0000\n\u4e2dgwab';
    let seed = 7;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      for (let j = next(40); j > 0; j--) s += next(5) < 4 ? alphabet[next(alphabet.length)] : String.fromCharCode(next(0x3000));
      expect(t('base64decode', s)).toBe(reference(s));
    }
  });

  it('stays linear on long hostile inputs', () => {
    const long = '%u'.repeat(100_000) + '\\'.repeat(100_000) + '&#x'.repeat(50_000);
    for (const name of Object.keys(TRANSFORMATIONS)) expect(typeof t(name, long)).toBe('string');
  });
});

const CRS = resolve(import.meta.dirname, '../../../../shared/data/crs');
describe.skipIf(!existsSync(CRS))('CRS coverage', () => {
  it('every transformation the CRS uses exists (the parser rejects unknown ones)', () => {
    const files = [join(CRS, 'crs-setup.conf.example'), ...readdirSync(join(CRS, 'rules')).filter((f) => f.endsWith('.conf')).sort().map((f) => join(CRS, 'rules', f))];
    const used = new Set<string>();
    for (const item of parseRuleSetFiles(files).items) for (let r: Rule | undefined = item.kind === 'SecRule' || item.kind === 'SecAction' ? item : undefined; r; r = r.chained) for (const n of r.transformations) used.add(n);
    used.delete('none');
    expect(used.size).toBe(19);
    for (const n of used) expect(TRANSFORMATIONS[n]).toBeDefined();
  });
});
