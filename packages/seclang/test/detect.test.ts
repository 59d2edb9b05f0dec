/**
 * The SQL and XSS detectors behind @detectSQLi / @detectXSS: attack strings from the CRS
 * tests and classic payloads must fire; prose, markup and data that merely look similar must not;
 * as operators, verdicts on values repeating across transactions stay the same.
 */
import { describe, expect, it } from 'vitest';
import { detectSqli, detectXss, tokenizeSql, Waf } from '../src/index.js';

const SQLI = [
  '1234 OR 1=1', "-1839' or '1'='1", '-1839" or "1"="2', "2010-01-01'+sleep(20.to_i)+'", "EmptyValue' and 526=527", "foo') UNION ALL select NULL --",
  "foo')waitfor delay'5:0:20'--", "JKGHUKGDI8TDHLFJH72FZLFJSKFH' and sleep(12) --", "1'||(select extractvalue(xmltype('<?xml version=\"1.0\"?>')))", 'sleep(20)',
  'unittests@coreruleset.org" sleep(10.to_i) "', '" | type %SystemDrive%\\config.ini | "', '"unittests@coreruleset.org"\')) and (select*from(select(sleep(5)))x) --',
  "24'union all select 1,2,3 from aa", "admin'--", '1; DROP TABLE users', "' OR 1 --", '1 UNION SELECT username, password FROM users',
  "x' AND 1=(SELECT COUNT(*) FROM tabname); --", "1' ORDER BY 3--+", '1/*!50000UNION*/ /*!50000SELECT*/ 1,2', "'; exec xp_cmdshell 'dir'--", '1 AND benchmark(5000000,md5(1))',
  '/post/*/*/2 union all/bar', '1/* a /* b */ union', 'x/*/*',
];
const NOT_SQLI = [
  "foo/9'union all/bar", "John O'Reilly", "it's a nice day, isn't it?", "rock 'n' roll", 'Please select your size from the list', 'I want to sleep tonight', '1 + 1 = 2',
  'a or b', 'The price is 5\' 6" tall', 'Hello; how are you', '(555) 123-4567', 'user@example.com', "don't stop; believe", 'SELECT', 'union station',
  "It's 5 o'clock and I'm done", 'me & you = us', 'Q&A: why or why not?', 'He said "yes" or "no" = maybe', 'C:\\Program Files (x86)\\App', "title='Hello' and more",
  'order by date', 'f(x) = x^2 + 1', 'src/**/*.js', 'a/*/b', '/* one */ and /* two */',
];
const XSS = [
  'www.github.com<script><img><iframe>', `"onmouseover='prompt(document.cookie)'"`, '/get/index.php/<svg/onload=alert()', '<script>alert(1)</script>', '<img src=x onerror=alert(1)>',
  '"><img src=x onerror=alert(1)>', 'javascript:alert(1)', '<a href="javascript:alert(1)">x</a>', '<a href="jav&#x09;ascript:alert(1)">', '<body onload=alert(1)>',
  '<iframe src=//evil>', "' onfocus=alert(1) autofocus x='", '<div style="background:url(javascript:alert(1))">', '<object data="data:text/html;base64,PHNjcmlwdD4=">',
  '<SCRIPT SRC=//x.js></SCRIPT>', '<details open ontoggle=alert(1)>', ' onmouseover=alert(1)', '<svg><animate onbegin=alert(1)>',
];
const NOT_XSS = [
  'Hello <b>world</b>', 'a < b and c > d', 'I <3 you', "It's \"quoted\" text", 'see https://example.com/a?b=c', '<p>paragraph</p>', 'Tom & Jerry', 'foo online=1', 'data: 123',
  '<br/>', 'the onion', "O'Reilly on data", 'Use the style guide', '<img src="cat.png" alt="cat">', '<a href="https://example.com">link</a>', 'price < 5 & qty > 2', 'javascript is fun',
];

describe('SQL tokenizer', () => {
  it('types strings, numbers, keywords, functions, logic, comments and variables', () => {
    expect(tokenizeSql("x' OR 1=1 -- c", "'").map((t) => t.type)).toEqual(['string', 'logic', 'number', 'compare', 'number', 'comment']);
    expect(tokenizeSql('select @@version, sleep(5) from `t` /* c */ ;').map((t) => `${t.type}:${t.text}`)).toEqual(['keyword:select', 'variable:@@version', 'comma:,', 'function:sleep', 'open:(', 'number:5', 'close:)', 'keyword:from', 'word:t', 'comment:/*', 'semicolon:;']);
    expect(tokenizeSql("'it''s' \"open")).toEqual([{ type: 'string', text: "it''s", closed: true }, { type: 'string', text: 'open', closed: false }]);
  });
});

describe('detectSqli', () => {
  it.each(SQLI)('detects %s', (s) => expect(detectSqli(s).detected).toBe(true));
  it.each(NOT_SQLI)('leaves %s alone', (s) => expect(detectSqli(s)).toEqual({ detected: false }));
});

describe('detectXss', () => {
  it.each(XSS)('detects %s', (s) => expect(detectXss(s).detected).toBe(true));
  it.each(NOT_XSS)('leaves %s alone', (s) => expect(detectXss(s)).toEqual({ detected: false }));
  it('stays linear on hostile input', () => {
    const big = '<a '.repeat(50_000) + '"'.repeat(50_000) + "'".repeat(50_000) + ';select '.repeat(50_000);
    const t = process.hrtime.bigint();
    detectXss(big);
    detectSqli(big);
    expect(Number(process.hrtime.bigint() - t) / 1e9).toBeLessThan(5);
  });
});

describe('@detectSQLi / @detectXSS operators', () => {
  it('give the same verdict to a value every time it comes back (verdicts on repeats are remembered)', () => {
    const waf = Waf.fromText(`SecRuleEngine On
SecRule ARGS "@detectSQLi" "id:1,phase:1,pass,capture,setvar:tx.sqli=%{TX.0}"
SecRule ARGS "@detectXSS" "id:2,phase:1,pass"`);
    const run = (query: string): { ids: number[]; reason: string } => {
      const tx = waf.newTransaction();
      tx.processRequestHeaders({ method: 'GET', uri: `/?${query}`, protocol: 'HTTP/1.1', line: `GET /?${query} HTTP/1.1`, headers: [['Host', 'localhost']] });
      return { ids: tx.matched.map((m) => m.id), reason: tx.tx.firstLower('sqli')?.value ?? '' };
    };
    const sqli = `q=${encodeURIComponent("1' OR '1'='1")}`;
    const xss = `q=${encodeURIComponent('<script>alert(1)</script>')}`;
    const first = run(sqli);
    expect(first.ids).toEqual([1]);
    expect(first.reason).not.toBe('');
    for (let i = 0; i < 4; i++) {
      expect(run(sqli)).toEqual(first);
      expect(run(xss).ids).toEqual([2]);
      expect(run('q=John+O%27Reilly').ids).toEqual([]);
    }
  });
});
