import type { Limits } from '@kiln/protocol';
import type { AgentConfig } from './config.js';
import { fillArgv, type LanguageSpec, type Toolchain } from './language.js';
import { type Program, type Rlimits, type StartOptions, startProgram } from './sandbox/program.js';
import type { Slot } from './slots.js';

const MB = 1024 * 1024;

/**
 * How a program is started in a slot, whatever the stage (a compile, a run, a warm start): the slot's
 * sandbox, rlimits and a run-wide memory limit made from the stage's limits, and the language's command
 * filled in. Every program of a slot goes through `start`, so the slot always knows the helper it must
 * wait for before it is used again (`Slot.helperDone`, see janitor.ts).
 */
export class Launcher {
  constructor(
    private readonly config: AgentConfig,
    private readonly toolchain: Toolchain,
    private readonly slots: number,
  ) {}

  /** Start a program in the slot; its helper is the slot's last from now on. */
  start(slot: Slot, options: StartOptions): Program {
    const program = startProgram(options);
    slot.helperDone = program.done;
    return program;
  }

  /** The language's run command under a run's limits: the last stage of a run, so its helper sweeps. */
  programOptions(slot: Slot, limits: Limits): StartOptions {
    const { spec } = this.toolchain;
    const files = {
      source: spec.sourceFile,
      binary: spec.compile?.binaryFile ?? '',
      memoryMb: String(limits.memoryMb),
    };
    const argv = fillArgv(spec.run, files).map((part, i) => (i === 0 ? this.toolchain.resolve(part) : part));
    return { ...this.program(slot, argv, limits), sweep: true };
  }

  /**
   * `argv` in the slot's sandbox under `limits`: RLIMIT_CPU in whole seconds, RLIMIT_AS only where the
   * memory is held by the address space (the language's table says which; a compiler always is), and the
   * run-wide memory limit that the helper's guard enforces.
   */
  program(
    slot: Slot,
    argv: string[],
    limits: ProgramLimits,
    memoryRlimit: LanguageSpec['memoryRlimit'] = this.toolchain.spec.memoryRlimit,
  ): Omit<StartOptions, 'sweep'> {
    return {
      helper: this.config.runner,
      landlock: this.config.landlock,
      uid: slot.uid,
      gid: slot.gid,
      dir: slot.dir,
      scratchDirs: this.config.scratchDirs,
      slots: this.slots,
      // A minimal environment: nothing of the agent's (no token path, no config) reaches the program.
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: slot.dir, TMPDIR: slot.dir, LANG: 'C.UTF-8' },
      argv,
      rlimits: this.rlimits(Math.ceil(limits.cpuTimeMs / 1000), limits.memoryMb, memoryRlimit),
      memoryBytes: limits.memoryMb * MB,
    };
  }

  private rlimits(cpuSeconds: number, memoryMb: number, kind: LanguageSpec['memoryRlimit']): Rlimits {
    const { spec } = this.toolchain;
    return {
      nproc: spec.processes,
      fsizeBytes: spec.fileSizeMb * MB,
      nofile: spec.openFiles,
      cpuSeconds,
      ...(kind === 'address-space' ? { addressSpaceBytes: memoryMb * MB } : {}),
    };
  }
}

/** What a program's rlimits and run-wide memory are made from: a run's limits, or the compile stage's. */
export interface ProgramLimits {
  cpuTimeMs: number;
  memoryMb: number;
}
