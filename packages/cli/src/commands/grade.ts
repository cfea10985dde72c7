import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { Batch, BatchRequest, BatchResults } from '@kiln/api';
import { type KilnClient, KilnNetworkError } from '@kiln/client';
import type { Command, Format } from '../args.js';
import { connect } from '../connect.js';
import { InputError, systemReason } from '../errors.js';
import { gradeExitCode } from '../exit-codes.js';
import { junitXml } from '../format/junit.js';
import { summaryTable, verdictCounts } from '../format/table.js';
import type { Io } from '../io.js';
import { ProgressReporter } from '../progress.js';
import { loadSubmissions } from '../submissions-dir.js';
import { loadTests } from '../tests-dir.js';

type GradeCommand = Extract<Command, { kind: 'grade' }>;

const CREATE_ATTEMPTS = 3;
const POLL_INTERVAL_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Create the batch, trying again when the answer was lost: the idempotency key makes a repeated POST give
 * back the batch the first one created, so a flaky network never grades the class twice.
 */
async function createBatch(client: KilnClient, request: BatchRequest): Promise<Batch> {
  const idempotencyKey = randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      return await client.createBatch(request, { idempotencyKey });
    } catch (err) {
      if (!(err instanceof KilnNetworkError) || attempt >= CREATE_ATTEMPTS) throw err;
      await sleep(1_000 * attempt);
    }
  }
}

/**
 * Wait for the batch to finish, following its event stream. When the stream breaks (a proxy's idle cut, a
 * restarted gateway), poll instead: the batch goes on on the server either way.
 */
async function follow(client: KilnClient, batch: Batch, progress: ProgressReporter): Promise<void> {
  progress.update(batch);
  if (batch.state === 'finished') return;
  try {
    for await (const event of client.batchEvents(batch.id)) {
      progress.update(event.data);
      if (event.type === 'finished') return;
    }
  } catch (err) {
    if (!(err instanceof KilnNetworkError)) throw err;
  }
  for (;;) {
    const current = await client.getBatch(batch.id);
    progress.update(current);
    if (current.state === 'finished') return;
    await sleep(POLL_INTERVAL_MS);
  }
}

async function report(client: KilnClient, format: Format, results: BatchResults): Promise<string> {
  if (format === 'csv') return client.getBatchResultsCsv(results.id);
  if (format === 'junit') return junitXml(results);
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** `kiln grade`: one batch for the whole folder, its progress on stderr, a summary, the exit code. */
export async function gradeFolder(command: GradeCommand, io: Io): Promise<number> {
  const tests = await loadTests(command.tests);
  const submissions = await loadSubmissions(command.submissions, command.language);
  const request: BatchRequest = {
    tests,
    submissions,
    ...(command.checker === undefined ? {} : { checker: command.checker }),
    ...(Object.keys(command.limits).length === 0 ? {} : { limits: command.limits }),
  };

  const client = connect(command.server, io);
  const batch = await createBatch(client, request);
  io.stderr.write(`kiln: batch ${batch.id}: ${submissions.length} submissions, ${tests.length} tests each\n`);
  const progress = new ProgressReporter(io.stderr);
  try {
    await follow(client, batch, progress);
  } finally {
    progress.close();
  }

  const results = await client.getBatchResults(batch.id);
  // With a format but no file, the report owns stdout, so the summary moves to stderr.
  const summaryOut = command.format !== undefined && command.output === undefined ? io.stderr : io.stdout;
  if (command.format !== undefined) {
    const text = await report(client, command.format, results);
    if (command.output === undefined) {
      io.stdout.write(text);
    } else {
      try {
        await writeFile(command.output, text);
      } catch (err) {
        throw new InputError(
          `Cannot write ${command.output}: ${systemReason(err)} (the results stay on the server as batch ${batch.id})`,
          { cause: err },
        );
      }
    }
  }
  summaryOut.write(summaryTable(results.results, tests.length));
  summaryOut.write(`\n${verdictCounts(results.results)}`);

  const exitCode = gradeExitCode(results);
  if (exitCode !== 0) {
    io.stderr.write(
      `kiln: some submissions could not be judged; POST /api/v1/batches/${batch.id}/rejudge queues them again\n`,
    );
  }
  return exitCode;
}
