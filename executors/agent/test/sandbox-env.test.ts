import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotDirsAtBaseline, startTestAgent, TEST_UID_BASE, type TestAgent } from './support/agent.js';

interface Identity {
  env: string[];
  home: string;
  tmp: string;
  cwd: string;
  uid: number;
  euid: number;
  gid: number;
  groups: number;
}

/** Print the program's environment names, directories and ids as one JSON object (an `Identity`). */
const whoAmI: Record<Language, { uidBase: number; code: string }> = {
  python: {
    uidBase: TEST_UID_BASE.python,
    code:
      'import json, os\nprint(json.dumps({"env": sorted(os.environ), "home": os.environ["HOME"],\n' +
      '  "tmp": os.environ["TMPDIR"], "cwd": os.getcwd(), "uid": os.getuid(), "euid": os.geteuid(),\n' +
      '  "gid": os.getgid(), "groups": len(os.getgroups())}))\n',
  },
  javascript: {
    uidBase: TEST_UID_BASE.javascript,
    // Node's getgroups() adds the effective gid to the supplementary groups: leave it out.
    code:
      'console.log(JSON.stringify({ env: Object.keys(process.env).sort(), home: process.env.HOME,\n' +
      '  tmp: process.env.TMPDIR, cwd: process.cwd(), uid: process.getuid(), euid: process.geteuid(),\n' +
      '  gid: process.getgid(), groups: process.getgroups().filter((g) => g !== process.getegid()).length }));\n',
  },
  cpp: {
    uidBase: TEST_UID_BASE.cpp,
    code:
      '#include <cstdlib>\n#include <iostream>\n#include <set>\n#include <string>\n#include <unistd.h>\n' +
      'extern char **environ;\nint main() {\n  std::set<std::string> names;\n' +
      '  for (char **e = environ; *e; e++) { std::string kv(*e); names.insert(kv.substr(0, kv.find("="))); }\n' +
      '  std::cout << "{\\"env\\": [";\n  bool first = true;\n' +
      '  for (auto &n : names) { std::cout << (first ? "" : ",") << "\\"" << n << "\\""; first = false; }\n' +
      '  char cwd[4096];\n  if (!getcwd(cwd, sizeof cwd)) return 1;\n' +
      '  std::cout << "], \\"home\\": \\"" << std::getenv("HOME") << "\\", \\"tmp\\": \\"" << std::getenv("TMPDIR")\n' +
      '            << "\\", \\"cwd\\": \\"" << cwd << "\\", \\"uid\\": " << getuid() << ", \\"euid\\": " << geteuid()\n' +
      '            << ", \\"gid\\": " << getgid() << ", \\"groups\\": " << getgroups(0, nullptr) << "}\\n";\n}\n',
  },
};

describe.each(Object.keys(whoAmI) as Language[])('%s: the sandbox a program runs in', (language) => {
  const { uidBase, code } = whoAmI[language];
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent(language, { KILN_SLOTS: '2' });
  });
  afterAll(() => agent?.stop());

  it('has a minimal env, its work dir as HOME and TMPDIR, and a slot uid that is not root', async () => {
    const result = await agent.client.run(code);
    expect(result.status).toBe('ok');
    const me = JSON.parse(result.stdout) as Identity;
    expect(me.env).toEqual(['HOME', 'LANG', 'PATH', 'TMPDIR']);
    expect(me.home).toBe(me.cwd);
    expect(me.tmp).toBe(me.cwd);
    expect(me.cwd).toMatch(new RegExp(`^${join(agent.root, 'sandbox')}/slot-[01]$`));
    expect(me.uid).toBeGreaterThanOrEqual(uidBase);
    expect(me.uid).toBeLessThanOrEqual(uidBase + 15);
    expect({ euid: me.euid, gid: me.gid, groups: me.groups }).toEqual({
      euid: me.uid,
      gid: me.uid,
      groups: 0,
    });
  });

  it('runs concurrent programs as distinct uids', async () => {
    const results = await Promise.all([0, 1].map(() => agent.client.run(code)));
    const uids = results.map((r) => (JSON.parse(r.stdout) as Identity).uid);
    expect(new Set(uids).size).toBe(2);
    expect(uids.every((uid) => uid >= uidBase && uid <= uidBase + 1)).toBe(true);
  });

  it('removes the work dir after every run: a slot waits with none, or a warm one holding only its gate', async () => {
    await agent.client.run(code);
    await agent.idle();
    for (const { slot, entries, gate } of slotDirsAtBaseline(agent.root)) {
      expect(slot).toMatch(/^slot-[01]$/);
      expect(entries.length === 0 || gate, `${slot}: ${entries.join(', ')}`).toBe(true);
    }
  });
});

describe('python: isolation and leftovers', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('python');
  });
  afterAll(() => agent?.stop());

  it('runs the interpreter isolated (-I)', async () => {
    const result = await agent.client.run('import sys\nprint(sys.flags.isolated, sys.flags.no_user_site)\n');
    expect(result).toMatchObject({ status: 'ok', stdout: '1 1\n' });
  });

  it('does not import a module planted next to the script', async () => {
    const code =
      'open("json.py", "w").write("raise SystemExit(9)")\nimport importlib, sys\n' +
      'sys.modules.pop("json", None)\nimport json\nprint(json.dumps([1]))\n';
    expect(await agent.client.run(code)).toMatchObject({ status: 'ok', stdout: '[1]\n' });
  });

  it('deletes what the program left in its work dir and in /tmp', async () => {
    const leftover = `/tmp/kiln-leftover-${Date.now()}`;
    const code = `import os\nopen("notes.txt", "w").write("x")\nos.mkdir(${JSON.stringify(leftover)})\nprint("wrote")\n`;
    expect(await agent.client.run(code)).toMatchObject({ status: 'ok', stdout: 'wrote\n' });
    await agent.idle();
    expect(existsSync(leftover)).toBe(false);
    // The slot waits for its next run in a fresh work dir (the warm start's), holding only its gate.
    for (const { slot, entries, gate } of slotDirsAtBaseline(agent.root)) {
      expect(gate, `${slot}: ${entries.join(', ')}`).toBe(true);
    }
  });
});
