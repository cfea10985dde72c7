import { boolean, integer, oneOf } from './settings.js';

/** Settings more than one service reads: declared once here, so they are read alike everywhere. */

/** Every service's log level. */
export const logLevel = oneOf({
  env: 'KILN_LOG_LEVEL',
  // The services' former name for it: still read, when KILN_LOG_LEVEL is unset.
  formerly: 'LOG_LEVEL',
  values: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
  default: 'info',
  doc: 'pino log level of every service (LOG_LEVEL, its former name, is read when it is unset)',
});

/**
 * The limits of a run that asks for none. The gateway fills requests with them; the executors start each
 * slot's waiting runtime with them, so that the warm start applies to the runs at these limits.
 */
export const defaultLimits = {
  timeMs: integer({
    env: 'KILN_DEFAULT_TIME_MS',
    default: 10_000,
    min: 1,
    max: 3_600_000,
    doc: 'Default wall-clock limit of a run, in ms',
  }),
  cpuTimeMs: integer({
    env: 'KILN_DEFAULT_CPU_TIME_MS',
    default: 5_000,
    min: 1,
    max: 3_600_000,
    doc: 'Default CPU time limit of a run, in ms',
  }),
  memoryMb: integer({
    env: 'KILN_DEFAULT_MEMORY_MB',
    default: 128,
    min: 1,
    max: 65_536,
    doc: 'Default memory limit of a run, in MiB',
  }),
  outputKb: integer({
    env: 'KILN_DEFAULT_OUTPUT_KB',
    default: 64,
    min: 1,
    max: 1_048_576,
    doc: 'Default cap on stdout and on stderr, each, in KiB',
  }),
};

/** The gateway checks callback URLs against it when a request comes, the worker again when it delivers. */
export const webhookAllowPrivate = boolean({
  env: 'KILN_WEBHOOK_ALLOW_PRIVATE',
  default: false,
  doc: 'Accept callback URLs on loopback, private and link-local addresses (tests, private networks)',
});
