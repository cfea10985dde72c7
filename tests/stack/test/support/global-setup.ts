import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerComposeEnvironment, type StartedDockerComposeEnvironment, Wait } from 'testcontainers';
import type { TestProject } from 'vitest/node';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
let environment: StartedDockerComposeEnvironment | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    project: string;
  }
}

/**
 * The real stack, built from this checkout with compose.yaml + compose.test.yaml, once for every stack test.
 * Without Docker this fails (never skips): the stack tests are the point of the run.
 */
export async function setup(project: TestProject) {
  const name = `kiln-test-${randomBytes(4).toString('hex')}`;
  environment = await new DockerComposeEnvironment(root, ['compose.yaml', 'compose.test.yaml'])
    .withProjectName(name)
    // Two C++ submissions graded at once (the default is one per two executor slots): a batch's identical
    // sources then reach the compile stage together, which is what its compile-once promise is about.
    .withEnvironment({ KILN_GRADING_CONCURRENCY: '2' })
    .withBuild()
    .withWaitStrategy('secrets-1', Wait.forOneShotStartup())
    .withDefaultWaitStrategy(Wait.forHealthCheck())
    .withStartupTimeout(600_000)
    .up();
  const gateway = environment.getContainer('gateway-1');
  project.provide('baseUrl', `http://127.0.0.1:${gateway.getMappedPort(5000)}`);
  project.provide('project', name);
}

export async function teardown() {
  await environment?.down({ removeVolumes: true, timeout: 10_000 });
}
