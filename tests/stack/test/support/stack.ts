import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';
import { api, containersOf, docker, refreshBaseUrl, until } from './http.js';

/**
 * Fault injection on the shared compose stack: find a service's container (running or not), wait for it to be
 * healthy again, and check the whole stack is back before the next test (or the next file) uses it.
 */

/** The one container of a single-replica service, stopped or running (`containersOf` sees running ones only). */
export function containerOf(service: string): string {
  const ids = projectContainers(service);
  if (ids.length !== 1) throw new Error(`expected one ${service} container, found ${ids.length}`);
  return ids[0]!;
}

/** Every container of the test project (of one service when named), whatever its state. */
function projectContainers(service?: string): string[] {
  const filters = [`label=com.docker.compose.project=${inject('project')}`];
  if (service) filters.push(`label=com.docker.compose.service=${service}`);
  const out = execFileSync('docker', ['ps', '-aq', ...filters.flatMap((filter) => ['--filter', filter])]);
  return out.toString().split('\n').filter(Boolean);
}

/** `running`, `paused`, `exited`… and the health check's verdict (`healthy`, `starting`, `unhealthy`). */
export function stateOf(container: string): { status: string; health: string } {
  const [status, health] = docker(
    'inspect',
    '-f',
    '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
    container,
  )
    .trim()
    .split(' ');
  return { status: status!, health: health! };
}

export function waitHealthy(container: string, timeoutMs = 120_000): Promise<true> {
  return until(async () => (stateOf(container).health === 'healthy' ? true : undefined), timeoutMs);
}

/**
 * Undo whatever a fault test did, even one that failed half-way: unpause what is paused, start what is
 * stopped (the one-shot `secrets` service excepted), then wait for the whole stack.
 */
export async function restoreStack(): Promise<number> {
  for (const container of projectContainers()) {
    const service = docker(
      'inspect',
      '-f',
      '{{index .Config.Labels "com.docker.compose.service"}}',
      container,
    );
    if (service.trim() === 'secrets') continue;
    const { status } = stateOf(container);
    if (status === 'paused') docker('unpause', container);
    else if (status !== 'running') docker('start', container);
  }
  refreshBaseUrl();
  return stackHealthy();
}

const SERVICES = ['redis', 'worker', 'gateway', 'executor-python', 'executor-javascript', 'executor-cpp'];
/** compose.test.yaml runs two python replicas. */
const PYTHON_REPLICAS = 2;

/**
 * The stack as compose.test.yaml made it: every container of every service running and healthy, the gateway
 * ready, and the worker linked to both python replicas (presence, as /api/v1/languages shows it). Returns how
 * long that took, for the reports of the fault tests.
 */
export async function stackHealthy(timeoutMs = 180_000): Promise<number> {
  const started = Date.now();
  await until(async () => {
    for (const service of SERVICES) {
      const running = containersOf(service);
      const expected = service === 'executor-python' ? PYTHON_REPLICAS : 1;
      if (running.length !== expected) return undefined;
      if (running.some((id) => stateOf(id).health !== 'healthy')) return undefined;
    }
    const ready = await api('GET', '/ready').catch(() => undefined);
    if (ready?.status !== 200) return undefined;
    const languages = await api('GET', '/api/v1/languages').catch(() => undefined);
    const python = languages?.json?.languages?.find(
      (entry: { language: string }) => entry.language === 'python',
    );
    return python?.replicas === PYTHON_REPLICAS ? true : undefined;
  }, timeoutMs);
  return Date.now() - started;
}

/** Poll an execution until it is finished; undefined answers (a gateway or Redis coming back) are retried. */
export async function finishedExecution(id: string, timeoutMs: number) {
  return until(async () => {
    const polled = await api('GET', `/api/v1/executions/${id}`).catch(() => undefined);
    return polled?.status === 200 && polled.json.state === 'finished' ? polled.json : undefined;
  }, timeoutMs);
}

/** Poll a batch until it is finished, as `finishedExecution` does. */
export async function finishedBatch(id: string, timeoutMs: number) {
  return until(async () => {
    const polled = await api('GET', `/api/v1/batches/${id}`).catch(() => undefined);
    return polled?.status === 200 && polled.json.state === 'finished' ? polled.json : undefined;
  }, timeoutMs);
}

/** How many log lines of the container (every run of it, killed ones included) contain every one of `texts`. */
export function logLines(container: string, ...texts: string[]): number {
  const all = execFileSync('docker', ['logs', container], { maxBuffer: 256 * 1024 * 1024 }).toString();
  return all.split('\n').filter((line) => texts.every((text) => line.includes(text))).length;
}
