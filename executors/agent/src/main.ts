#!/usr/bin/env node
import { chmodSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { checkCapacity } from './capacity.js';
import { perRunCgroups } from './cgroup.js';
import { ConfigError, parseConfig, readToken } from './config.js';
import { loadToolchain } from './language.js';
import { createLogger } from './log.js';
import { Runner } from './runner.js';
import { AgentServer } from './server.js';
import { replicaUidBase, SlotPool } from './slots.js';

export async function startAgent(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(env);
  const log = createLogger(config.logLevel);
  const toolchain = loadToolchain(config.languageFile, config.toolPath);
  const token = readToken(config.tokenFile);
  // Files the program creates are its own alone unless it says otherwise (the helper sets 077 as well).
  process.umask(0o077);
  mkdirSync(config.workRoot, { recursive: true });
  // Slots must be able to reach their own dir below it, never list the others.
  chmodSync(config.workRoot, 0o711);
  // The compile cache's parent (a tmpfs, /run/kiln) must not be listable by a slot: its mode option is not
  // always what a restarted container gets back. Private, unless the work dirs live below it.
  const cacheParent = dirname(config.cacheDir);
  if (!`${config.workRoot}/`.startsWith(`${cacheParent}/`)) {
    try {
      chmodSync(cacheParent, 0o700);
    } catch (err) {
      log.warn({ err, dir: cacheParent }, 'could not make the compile cache directory private');
    }
  }
  const { spec } = toolchain;
  checkCapacity({
    slots: config.slots,
    largestRunMb: Math.max(spec.limits.maximums.memoryMb, spec.compile?.limits.memoryMb ?? 0),
    reserveMb: config.memoryReserveMb,
    writableDirs: [config.workRoot, ...config.scratchDirs],
  });
  const runner = new Runner(config, toolchain, config.slots, log);
  const pool = new SlotPool(
    config.slots,
    config.uidBase ?? replicaUidBase(spec.uidBase, hostname()),
    config.workRoot,
  );
  // Start from a clean baseline: whatever a previous agent left in this container goes first. A slot that
  // cannot be cleaned is retired; an executor with none left cannot serve.
  for (const slot of pool.all) {
    try {
      await runner.janitor.clean(slot);
      runner.warm.start(slot);
    } catch (err) {
      pool.retire(slot);
      log.error({ slot: slot.index, err }, 'slot is dirty at start: retired');
    }
  }
  if (pool.live === 0) throw new Error('no slot of this executor could be cleaned at start');

  let stopping: Promise<void> | undefined;
  const server = new AgentServer({
    runner,
    pool,
    token,
    version: toolchain.version,
    log,
    onDirty: (err) => {
      if (!config.exitWhenDirty) return;
      log.fatal({ err }, 'executor is dirty: exiting so that it is recreated');
      stopping ??= server.shutdown(0).finally(() => process.exit(70));
    },
  });
  await new Promise<void>((resolve) => server.http.listen(config.port, config.host, resolve));
  const address = server.http.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const uids = `${pool.all[0]!.uid}-${pool.all.at(-1)!.uid}`;
  const { language } = spec;
  // Runs are held to their memory limits by the guard in kiln-run; whether the engine would allow a
  // memory cgroup per run instead is said here, for the operator (docs/SECURITY.md, "Memory").
  const cgroups = perRunCgroups();
  log.info(
    {
      language,
      version: toolchain.version,
      slots: config.slots,
      uids,
      port,
      memory: 'guard',
      perRunCgroups: cgroups,
    },
    'executor agent ready',
  );
  return {
    server,
    port,
    config,
    log,
    stop: (graceMs = config.shutdownGraceMs) => (stopping ??= server.shutdown(graceMs)),
  };
}

async function main() {
  try {
    const agent = await startAgent();
    process.on('SIGTERM', () => {
      agent.log.info({ runs: agent.server.runs }, 'SIGTERM: finishing runs in flight');
      agent.stop().then(() => process.exit(0));
    });
    process.on('SIGINT', () => agent.stop().then(() => process.exit(0)));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`kiln executor agent: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
