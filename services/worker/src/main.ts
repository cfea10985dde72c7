#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { BATCH_QUEUE, recordItemState, submissionQueueName } from '@kiln/grading';
import { LANGUAGES, type Language, QUEUE_PREFIX, queueName } from '@kiln/protocol';
import { startWebhookWorker } from '@kiln/webhooks';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { ConfigError, parseConfig } from './config.js';
import { createExecutionProcessor } from './executions/processor.js';
import { ExecutorPool } from './executors/pool.js';
import { createBatchProcessor } from './grading/batch.js';
import { createSubmissionProcessor, type RecordItem } from './grading/processor.js';
import { Presence } from './presence.js';
import { createNotifier, readWebhookSecret } from './webhooks.js';

export async function startWorker(env: Record<string, string | undefined> = process.env) {
  const config = parseConfig(env);
  const log = pino({ level: config.logLevel, base: { service: 'worker' } });
  const token = readFileSync(config.tokenFile, 'utf8').trim();
  // Workers block on Redis: BullMQ requires maxRetriesPerRequest null on their connections.
  const connection = new Redis({ ...config.redis, maxRetriesPerRequest: null });
  connection.on('error', (err) => log.warn({ err }, 'redis connection error'));
  // Batches' counts are kept where items move: here (see @kiln/grading's batch-counts).
  const recordItem: RecordItem = (move) => recordItemState(connection, move);

  let announced = false;
  let presence: Presence | undefined;
  const workers = {} as Record<Language, Worker>;
  const graders = {} as Record<Language, Worker>;
  const pools = {} as Record<Language, ExecutorPool>;
  // A submission runs several tests at once on the slots plain executions use too: take fewer at a time.
  const gradingConcurrency = (language: Language) =>
    config.gradingConcurrency || Math.max(1, Math.floor((pools[language]?.slots ?? 0) / 2));
  const allReady = () => LANGUAGES.every((language) => (pools[language]?.ready.length ?? 0) > 0);
  const changed = (language: Language) => {
    const pool = pools[language];
    const worker = workers[language];
    // Fetch as many jobs as there are slots: a job stays queued (not "running") until a slot can take it.
    if (pool && worker) worker.concurrency = Math.max(1, pool.slots);
    const grader = graders[language];
    if (grader) grader.concurrency = gradingConcurrency(language);
    if (!announced && allReady()) {
      announced = true;
      log.info('All executor containers are ready');
    }
    void presence?.publish();
  };
  for (const language of LANGUAGES) {
    const { host, port } = config.executors[language];
    pools[language] = new ExecutorPool(language, host, port, token, log, () => changed(language));
  }
  presence = new Presence(connection, pools, log);
  const published = presence;
  const notifier = createNotifier(connection, config);
  const { notify } = notifier;
  await Promise.all(LANGUAGES.map((language) => pools[language].start(config.resolveIntervalMs)));
  for (const language of LANGUAGES) {
    const worker = new Worker(
      queueName(language),
      createExecutionProcessor(pools[language], config, log, notify),
      {
        connection,
        prefix: QUEUE_PREFIX,
        concurrency: Math.max(1, pools[language].slots),
      },
    );
    worker.on('error', (err) => log.error({ language, err }, 'worker error'));
    worker.on('failed', (job, err) => log.warn({ jobId: job?.id, language, err }, 'job attempt failed'));
    workers[language] = worker;
    const grader = new Worker(
      submissionQueueName(language),
      createSubmissionProcessor(pools[language], config, log, notify, recordItem),
      { connection, prefix: QUEUE_PREFIX, concurrency: gradingConcurrency(language) },
    );
    grader.on('error', (err) => log.error({ language, err }, 'grading worker error'));
    grader.on('failed', (job, err) =>
      log.warn({ jobId: job?.id, language, err }, 'submission attempt failed'),
    );
    graders[language] = grader;
  }
  const batches = new Worker(BATCH_QUEUE, createBatchProcessor(log, notify, recordItem), {
    connection,
    prefix: QUEUE_PREFIX,
    concurrency: config.batchConcurrency,
  });
  batches.on('error', (err) => log.error({ err }, 'batch worker error'));
  batches.on('failed', (job, err) => log.warn({ jobId: job?.id, err }, 'batch attempt failed'));
  // Webhook deliveries: signed, retried with backoff. Without a secret they wait in their queue.
  const secret = readWebhookSecret(config);
  const webhooks = secret
    ? startWebhookWorker({
        connection,
        secret,
        log,
        timeoutMs: config.webhookTimeoutMs,
        allowPrivate: config.webhookAllowPrivate,
      })
    : undefined;
  if (!webhooks) {
    log.warn(
      { secretFile: config.webhookSecretFile },
      'no webhook secret (KILN_WEBHOOK_SECRET or its file): callback deliveries stay queued until one is set',
    );
  }
  const consumers = [
    ...Object.values(workers),
    ...Object.values(graders),
    batches,
    ...(webhooks ? [webhooks] : []),
  ];
  published.start();

  const health = createServer((_req, res) => {
    const ok = connection.status === 'ready' && allReady();
    res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        redis: connection.status,
        executors: Object.fromEntries(LANGUAGES.map((l) => [l, pools[l].ready.length])),
      }),
    );
  });
  // Loopback only: the Docker healthcheck asks from inside the container, and the worker shares a network
  // with the executors, where untrusted code runs (tests/hostile/*/network_reach).
  await new Promise<void>((resolve) => health.listen(config.healthPort, '127.0.0.1', resolve));

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Stop fetching, let the jobs in flight finish within the bound; what is left stalls and is picked up
      // again by another worker (or by this one after a restart): never lost.
      const bound = new Promise((resolve) => setTimeout(resolve, config.shutdownGraceMs).unref());
      await Promise.race([Promise.all(consumers.map((worker) => worker.close())), bound]);
      await Promise.all(consumers.map((worker) => worker.close(true)));
      for (const pool of Object.values(pools)) pool.close();
      await published.stop();
      await notifier.queue.close();
      health.close();
      await connection.quit().catch(() => connection.disconnect());
    })());
  return {
    config,
    log,
    pools,
    workers,
    graders,
    batches,
    stop,
    healthPort: (health.address() as { port: number }).port,
  };
}

async function main() {
  try {
    const worker = await startWorker();
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.on(signal, () => {
        worker.log.info({ signal }, 'shutting down');
        worker.stop().then(() => process.exit(0));
      });
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`kiln worker: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
