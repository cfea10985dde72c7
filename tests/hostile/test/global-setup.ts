import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { IMAGE_TAG, LABEL } from './support/executor.js';
import { PACKAGE_DIR } from './support/programs.js';

const REPO_ROOT = resolve(PACKAGE_DIR, '../..');
const SERVICES = ['executor-python', 'executor-javascript', 'executor-cpp'];

function removeLeftovers(): void {
  const listed = spawnSync('docker', ['ps', '-aq', '--filter', `label=${LABEL}`], {
    encoding: 'utf8',
  });
  const ids = listed.stdout.split('\n').filter(Boolean);
  if (ids.length > 0) spawnSync('docker', ['rm', '-f', ...ids], { stdio: 'ignore' });
}

/**
 * The attacks only mean something against the real images under their real limits, so a missing Docker
 * engine fails the run loudly instead of skipping it. The images are built from this checkout first.
 */
export default function setup(): () => void {
  const engine = spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' });
  if (engine.error || engine.status !== 0) {
    throw new Error(
      `the hostile tests need a running Docker engine (they attack the executor images): ${
        engine.error?.message ?? engine.stderr.trim()
      }. On a fresh machine, run .ci/prepare-docker.sh first.`,
    );
  }
  removeLeftovers();
  if (IMAGE_TAG !== 'dev') return removeLeftovers; // another build, attacked as it is
  const build = spawnSync('docker', ['compose', 'build', ...SERVICES], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (build.error || build.status !== 0) {
    throw new Error(
      `docker compose build ${SERVICES.join(' ')} failed (exit ${build.status}): ${build.error?.message ?? 'see above'}`,
    );
  }
  return removeLeftovers;
}
