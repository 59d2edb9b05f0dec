/**
 * The transaction engine on small inline rule sets (one behaviour per test: setvar, macros,
 * chains, captures, skipAfter, ctl, exclusions, engine modes, body processors) and on the whole
 * CRS with its go-ftw regression suite.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Waf, bundledConfig, loadFtwTests, parseFtwOverrides, runFtwTests, type Transaction } from '../src/index.js';

function run(rules: string, request: { method?: string; uri?: string; headers?: [string, string][]; body?: string } = {}): Transaction {
  const waf = Waf.fromText(`SecRuleEngine On\nSecRequestBodyAccess On\nSecDefaultAction "phase:2,log,pass"\n${rules}`);
  const tx = waf.newTransaction();
  const method = request.method ?? 'GET';
  const uri = request.uri ?? '/';
  tx.processRequestHeaders({ method, uri, protocol: 'HTTP/1.1', line: `${method} ${uri} HTTP/1.1`, headers: request.headers ?? [['Host', 'localhost']] });
  tx.processRequestBody(Buffer.from(request.body ?? '', 'latin1'));
  return tx;
}
const ids = (tx: Transaction): number[] => tx.matched.map((m) => m.id);

describe('transaction engine', () => {
  it('matches ARGS through transformations and logs the rule with expanded macros', () => {
    const tx = run(`SecRule ARGS "@rx select" "id:1,phase:1,t:none,t:urlDecodeUni,t:lowercase,msg:'SQL in %{MATCHED_VAR_NAME}',logdata:'%{MATCHED_VAR}'"`, { uri: '/?q=1%20SELECT%20x' });
    expect(tx.matched).toMatchObject([{ id: 1, msg: 'SQL in ARGS:q', logdata: '1 select x', log: true }]);
    // The record reads the rule's fixed fields through; serialised, it is one plain object.
    expect(JSON.parse(JSON.stringify(tx.matched))).toEqual([{ id: 1, phase: 1, file: '<inline>', line: 4, msg: 'SQL in ARGS:q', logdata: '1 select x', tags: [], log: true, matchedVarName: 'ARGS:q' }]);
  });

  it('setvar sets, adds, subtracts and deletes TX variables; macros read them', () => {
    const tx = run(`SecAction "id:1,phase:1,nolog,pass,setvar:tx.score=5,setvar:tx.points=10"
SecAction "id:2,phase:1,nolog,pass,setvar:'tx.score=+%{tx.points}',setvar:tx.points=-3,setvar:!tx.gone,setvar:tx.name=x%{tx.score}"`);
    expect(tx.tx.get('score')[0]?.value).toBe('15');
    expect(tx.tx.get('points')[0]?.value).toBe('7'); // `=-3` subtracts
    expect(tx.tx.get('name')[0]?.value).toBe('x15');
  });

  it('a chain matches only when every link matches; per-match actions of the last link run then', () => {
    const rules = `SecRule REQUEST_METHOD "@streq POST" "id:1,phase:1,chain"
  SecRule &REQUEST_HEADERS:Content-Type "@eq 0" "setvar:tx.hit=1"`;
    expect(ids(run(rules, { method: 'POST' }))).toEqual([1]);
    expect(run(rules, { method: 'POST' }).tx.get('hit')[0]?.value).toBe('1');
    expect(ids(run(rules, { method: 'POST', headers: [['Content-Type', 'text/plain']] }))).toEqual([]);
    expect(run(rules, { method: 'GET' }).tx.get('hit')).toEqual([]);
  });

  it('capture fills TX:0..n for the next link', () => {
    const tx = run(`SecRule REQUEST_URI "@rx ^/user/(\\d+)" "id:1,phase:1,capture,chain"
  SecRule TX:1 "@eq 42" "setvar:tx.uid=%{tx.1}"`, { uri: '/user/42' });
    expect(ids(tx)).toEqual([1]);
    expect(tx.tx.get('uid')[0]?.value).toBe('42');
  });

  it('skipAfter jumps to the marker; rules after it still run', () => {
    const tx = run(`SecAction "id:1,phase:1,pass,skipAfter:END"
SecAction "id:2,phase:1,pass"
SecMarker END
SecAction "id:3,phase:1,pass"`);
    expect(ids(tx)).toEqual([1, 3]);
  });

  it('counts, key regexes and exclusions select the right values', () => {
    const rules = `SecRule &ARGS "@eq 3" "id:1,phase:1"
SecRule ARGS:/^id_/ "@rx ^x$" "id:2,phase:1"
SecRule ARGS|!ARGS:safe "@rx evil" "id:3,phase:1"`;
    expect(ids(run(rules, { uri: '/?id_a=x&safe=evil&b=1' }))).toEqual([1, 2]);
    expect(ids(run(rules, { uri: '/?id_a=y&other=evil&b=1' }))).toEqual([1, 3]);
  });

  it('ctl removes rules and targets for the rest of the transaction only', () => {
    const rules = `SecRule REQUEST_URI "@beginsWith /admin" "id:1,phase:1,pass,nolog,ctl:ruleRemoveById=10,ctl:ruleRemoveTargetById=11;ARGS:pw"
SecRule ARGS "@rx evil" "id:10,phase:1"
SecRule ARGS "@rx evil" "id:11,phase:1"`;
    expect(ids(run(rules, { uri: '/admin?pw=evil' }))).toEqual([1]);
    expect(ids(run(rules, { uri: '/admin?other=evil' }))).toEqual([1, 11]);
    expect(ids(run(rules, { uri: '/shop?pw=evil' }))).toEqual([10, 11]);
  });

  it('target removals merged for one transaction are reused only by transactions whose ctls removed the same targets', () => {
    // Rules 10 and 12 select what 11 selects, untrimmed: the resolved lists must stay apart.
    const waf = Waf.fromText(`SecRuleEngine On
SecRule REQUEST_URI "@beginsWith /admin" "id:1,phase:1,pass,nolog,ctl:ruleRemoveTargetById=11;ARGS:pw"
SecRule REQUEST_URI "@beginsWith /shop" "id:2,phase:1,pass,nolog,ctl:ruleRemoveTargetById=11;ARGS:q"
SecRule ARGS:drop "@rx ." "id:3,phase:1,pass,nolog,ctl:ruleRemoveTargetById=11;ARGS:%{ARGS.drop}"
SecRule ARGS "@rx evil" "id:10,phase:1,pass"
SecRule ARGS "@rx evil" "id:11,phase:1,pass"
SecRule ARGS "@rx evil" "id:12,phase:1,pass"`);
    const matched = (uri: string): number[] => {
      const tx = waf.newTransaction();
      tx.processRequestHeaders({ method: 'GET', uri, protocol: 'HTTP/1.1', line: `GET ${uri} HTTP/1.1`, headers: [['Host', 'localhost']] });
      return tx.matched.map((m) => m.id);
    };
    for (let round = 0; round < 2; round++) {
      expect(matched('/admin?pw=evil&q=evil')).toEqual([1, 10, 11, 12]); // q still seen
      expect(matched('/admin?pw=evil')).toEqual([1, 10, 12]);
      expect(matched('/other?pw=evil')).toEqual([10, 11, 12]);
      expect(matched('/shop?pw=evil')).toEqual([2, 10, 11, 12]);
      expect(matched('/shop?q=evil')).toEqual([2, 10, 12]);
      expect(matched('/other?drop=pw&pw=evil')).toEqual([3, 10, 12]);
      expect(matched('/other?drop=x&pw=evil')).toEqual([3, 10, 11, 12]);
    }
  });

  it('target lists trimmed by request-chosen ctls get slots up to a bound, then are resolved each time', () => {
    const waf = Waf.fromText(`SecRuleEngine On
SecRule ARGS:drop "@rx ." "id:3,phase:1,pass,nolog,ctl:ruleRemoveTargetById=11;ARGS:%{ARGS.drop}"
SecRule ARGS "@rx evil" "id:11,phase:1,pass"`);
    const matched = (uri: string): number[] => {
      const tx = waf.newTransaction();
      tx.processRequestHeaders({ method: 'GET', uri, protocol: 'HTTP/1.1', line: `GET ${uri} HTTP/1.1`, headers: [['Host', 'localhost']] });
      return tx.matched.map((m) => m.id);
    };
    for (let i = 0; i < 4200; i++) expect(matched(`/?drop=p${i}&p${i}=evil`)).toEqual([3]);
    expect(waf.rules.slots.listSlots).toBeLessThanOrEqual(4096);
    expect(matched('/?drop=p1&p1=evil&p2=evil')).toEqual([3, 11]);
    expect(matched('/?drop=p9999&p9999=evil')).toEqual([3]);
  });

  it('deny interrupts with its status when the engine is On; DetectionOnly only records it; Off inspects nothing', () => {
    const rules = `SecRule ARGS "@contains attack" "id:1,phase:1,deny,status:418"
SecAction "id:2,phase:1,pass"`;
    const on = run(rules, { uri: '/?a=attack' });
    expect(on.interruption).toEqual({ ruleId: 1, action: 'deny', status: 418 });
    expect(ids(on)).toEqual([1]);
    const detect = run(`SecRuleEngine DetectionOnly\n${rules}`, { uri: '/?a=attack' });
    expect(detect.interruption).toBeUndefined();
    expect(detect.wouldInterrupt?.status).toBe(418);
    expect(ids(detect)).toEqual([1, 2]);
    // Off: not even the response body is asked for (the proxy then streams it untouched).
    const off = run(`SecRuleEngine Off\nSecResponseBodyAccess On\nSecResponseBodyMimeType text/html\n${rules}\nSecRule RESPONSE_BODY "@contains secret" "id:3,phase:4,deny"`, { uri: '/?a=attack' });
    expect(off.interruption).toBeUndefined();
    expect(off.processResponseHeaders(200, 'HTTP/1.1', [['Content-Type', 'text/html']])).toBeUndefined();
    expect(off.wantsResponseBody()).toBe(false);
    expect(off.processResponseBody(Buffer.from('secret'))).toBeUndefined();
    expect(ids(off)).toEqual([]);
    expect(off.tx.get('anything')).toEqual([]);
  });

  it('block takes the phase default disruptive action', () => {
    const tx = run(`SecDefaultAction "phase:1,log,deny,status:406"\nSecRule ARGS "@contains x" "id:1,phase:1,block"`, { uri: '/?a=x' });
    expect(tx.interruption?.status).toBe(406);
  });

  it('a transformation outcome kept for a value is dropped when the value changes, and kept apart per chain', () => {
    // Phase 1 sees REQUEST_BODY empty (lowercase leaves it as it is); phase 2 sees the body.
    const rules = `SecRule REQUEST_BODY "@streq x" "id:1,phase:1,t:lowercase"
SecRule REQUEST_BODY "@streq abc" "id:2,phase:2,t:lowercase"
SecRule ARGS:q "@streq ABC" "id:3,phase:1,t:uppercase"
SecRule ARGS:q "@streq abc" "id:4,phase:1,t:lowercase"
SecRule ARGS:q "@streq ABC" "id:5,phase:1,t:lowercase"`;
    expect(ids(run(rules, { method: 'POST', uri: '/?q=ABC', headers: [['Host', 'localhost'], ['Content-Type', 'application/x-www-form-urlencoded']], body: 'ABC' }))).toEqual([3, 4, 2]);
  });

  it('multiMatch tries the operator after every transformation', () => {
    const rules = (mm: string): string => `SecRule ARGS "@rx ^%41$" "id:1,phase:1,t:none,t:urlDecode${mm}"`;
    expect(ids(run(rules(',multiMatch'), { uri: '/?a=%2541' }))).toEqual([1]);
    expect(ids(run(rules(''), { uri: '/?a=%2541' }))).toEqual([]);
  });

  it('URL-encoded, JSON, multipart and XML bodies become arguments, files and XML nodes', () => {
    const post = (type: string, body: string, rules: string): Transaction => run(`SecRule REQUEST_HEADERS:Content-Type "@rx json" "id:100,phase:1,pass,nolog,ctl:requestBodyProcessor=JSON"
SecRule REQUEST_HEADERS:Content-Type "@rx xml" "id:101,phase:1,pass,nolog,ctl:requestBodyProcessor=XML"
${rules}`, { method: 'POST', headers: [['Content-Type', type]], body });
    expect(post('application/x-www-form-urlencoded', 'a=1&b=%27x', `SecRule ARGS_POST:b "@streq 'x" "id:1"`).matched.map((m) => m.matchedVarName)).toEqual(['ARGS_POST:b']);
    expect(post('application/json', '{"user":{"name":"bob"},"tags":["x","<script>"]}', `SecRule ARGS "@contains <script>" "id:1,msg:'%{MATCHED_VAR_NAME}'"`).matched.find((m) => m.id === 1)?.msg).toBe('ARGS:json.tags.1');
    const multipart = '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name="upload"; filename="shell.php"\r\nContent-Type: text/plain\r\n\r\n<?php\r\n--XyZ--\r\n';
    const m = post('multipart/form-data; boundary=XyZ', multipart, `SecRule FILES "@endsWith .php" "id:1"\nSecRule ARGS:title "@streq hello" "id:2"\nSecRule MULTIPART_PART_HEADERS "@rx ^content-type" "id:3,t:lowercase"\nSecRule MULTIPART_STRICT_ERROR "@eq 0" "id:4"`);
    expect(ids(m).filter((id) => id < 100)).toEqual([1, 2, 3, 4]);
    expect(ids(post('text/xml', '<a x="attr1"><b>text1</b><![CDATA[cdata1]]></a>', `SecRule XML:/* "@streq text1" "id:1"\nSecRule XML:/* "@streq cdata1" "id:2"\nSecRule XML://@* "@streq attr1" "id:3"`)).filter((id) => id < 100)).toEqual([1, 2, 3]);
    // UTF-8 text and \u escapes both become the same UTF-8 bytes; ASCII stays as sent.
    const utf8Body = Buffer.from('{"name":"\u00e9","esc":"\\u00e9","plain":"ok","\u00e9t\u00e9":1}', 'utf8').toString('latin1');
    expect(ids(post('application/json', utf8Body, 'SecRule ARGS:json.name "@streq \xc3\xa9" "id:1"\nSecRule ARGS:json.esc "@streq \xc3\xa9" "id:2"\nSecRule ARGS:json.plain "@streq ok" "id:3"\nSecRule ARGS_NAMES "@streq json.\xc3\xa9t\xc3\xa9" "id:4"')).filter((id) => id < 100)).toEqual([1, 2, 3, 4]);
    const broken = post('application/json', '{"a":', `SecRule REQBODY_ERROR "@eq 1" "id:1,msg:'%{REQBODY_ERROR_MSG}'"`);
    expect(broken.matched.find((m) => m.id === 1)?.msg).toMatch(/^JSON parsing error/);
  });

  it('removes rules by id range and tag at load time, and updates targets by id', () => {
    const tx = run(`SecRule ARGS "@rx x" "id:10,phase:1"
SecRule ARGS "@rx x" "id:11,phase:1,tag:'attack-x'"
SecRule ARGS "@rx x" "id:12,phase:1"
SecRule ARGS "@rx x" "id:13,phase:1"
SecRuleRemoveById 10 20-21
SecRuleRemoveByTag attack-x
SecRuleUpdateTargetById 12 "!ARGS:a"`, { uri: '/?a=x' });
    expect(ids(tx)).toEqual([13]);
  });

  it('request ids stay apart across worker processes that share a clock and count from zero', () => {
    // Two processes minting ids as fast as they can in the same milliseconds, as two workers do.
    const startAt = Date.now() + 1500;
    const mint = `import('${resolve(import.meta.dirname, '../dist/index.js')}').then(({ Waf }) => { const w = Waf.fromText('SecRuleEngine On'); while (Date.now() < ${startAt}); const out = []; for (let i = 0; i < 2000; i++) out.push(w.newTransaction().id); console.log(out.join(' ')); })`;
    const children = [0, 1].map(() => spawn(process.execPath, ['-e', mint]));
    return Promise.all(children.map((c) => new Promise<string[]>((done) => { let out = ''; c.stdout.on('data', (d: Buffer) => (out += d.toString())); c.on('close', () => done(out.trim().split(' '))); }))).then(([a = [], b = []]) => {
      expect(a).toHaveLength(2000);
      expect(new Set([...a, ...b]).size).toBe(4000);
    });
  });
});

const CRS = resolve(import.meta.dirname, '../../../../shared/data/crs');
describe.skipIf(!existsSync(CRS))('CRS v4 regression suite in-process', () => {
  const waf = Waf.fromFiles([bundledConfig('base.conf'), `${CRS}/crs-setup.conf.example`, bundledConfig('crs-regression.conf'), `${CRS}/rules/*.conf`]);

  it('loads the CRS as shipped', () => {
    expect(waf.rules.ruleCount).toBeGreaterThan(600);
    expect(waf.rules.warnings).toEqual([]);
  });

  it('passes at least 99% of the go-ftw tests (Coraza overrides applied)', () => {
    const { tests } = loadFtwTests(`${CRS}/tests/regression/tests`);
    const overrides = parseFtwOverrides(readFileSync(`${CRS}/tests/regression/coraza-overrides.yaml`, 'utf8'));
    const summary = runFtwTests(waf, tests, overrides);
    const rate = summary.passed / (summary.passed + summary.failed);
    expect(summary.passed + summary.failed + summary.skipped).toBe(3646);
    expect(rate).toBeGreaterThanOrEqual(0.99);
  }, 120_000);

  it('a plain browser GET matches no attack rule', () => {
    const tx = waf.newTransaction();
    tx.processRequestHeaders({ method: 'GET', uri: '/index.html?lang=en&page=2', protocol: 'HTTP/1.1', line: 'GET /index.html?lang=en&page=2 HTTP/1.1', headers: [['Host', 'localhost'], ['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'], ['Accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'], ['Accept-Language', 'en-US,en;q=0.9'], ['Accept-Encoding', 'gzip, deflate, br']] });
    tx.processRequestBody();
    expect(tx.matched.filter((m) => m.log).map((m) => m.id)).toEqual([]);
  });
});
