/*
 * kiln-run: run one untrusted program as an unprivileged uid under rlimits, guard it while it runs, report
 * how it ended, and leave its slot as it found it.
 *
 * Why a helper at all: Node can neither set a child's rlimits nor read its rusage, and the util-linux chain
 * (GNU time -> prlimit -> setpriv -> choom) costs four extra execs, about 7 ms per run against a 3 ms budget.
 *
 * Usage (argv only, never a shell):
 *   kiln-run --uid U --gid G --dir DIR [--nproc N] [--fsize BYTES] [--nofile N] [--cpu SECONDS]
 *            [--as BYTES] [--stack BYTES] [--landlock 0|1] [--memory BYTES] [--scratch DIR]... [--slots N]
 *            [--gate NAME] [--sweep] -- PROGRAM [ARGS...]
 *   kiln-run --sweep-only --uid U --gid G --dir DIR [--scratch DIR]...
 * The environment is passed to PROGRAM unchanged: the agent builds the minimal one.
 *
 * Standard streams. The agent's ends (fd 0, 1, 2 here) are socket pairs, as Node makes them; the program
 * gets real pipes instead, relayed to and from them, so that it can open /dev/stdin, /dev/stdout,
 * /dev/stderr or /proc/self/fd/N by name as it could under a shell (a socket cannot be opened: ENXIO).
 *
 * The gate (--gate NAME, the warm start): the program is started before its run exists, with NAME in DIR a
 * FIFO instead of its source, so that `python3 -I -S main.py` or `node main.js` pays its whole start-up and
 * then waits, inside the sandbox, in the read of its own source. The agent then writes on fd 0
 * "<length>\n<source>" and the run's stdin. Released, this helper records the CPU time spent so far (it is
 * not the run's), puts a regular file NAME with the source in the FIFO's place, gives DIR to the uid, and
 * writes the source into the FIFO: the interpreter reads it and runs it exactly as it would have run the
 * file, with no launcher in between (same tracebacks, exit paths, atexit, signals). Until then DIR is
 * root's (0711): the uid can read the FIFO but create nothing. Nothing of the user's runs before release.
 *
 * Signals from the agent: SIGUSR1 ends the run now (its wall clock, its output cap, a cancel).
 *
 * The report on fd 3 (if open). Every line the helper writes there is listed here; nothing else writes to
 * fd 3: guard.c, sweep.c and tree.c report to this file, which writes the lines, and the program never holds
 * fd 3 (it is marked close-on-exec before the exec). Lines come in this order, each ends in '\n', and no
 * line holds a name or text the program chose. The agent reads them in src/sandbox/program.ts (and, for
 * --sweep-only, in src/sandbox/sweep.ts); it ignores a line of any other kind.
 *
 *   setup_error=STEP: ERROR
 *       The program could not be started: the child failed a step between fork and exec, and exits 125
 *       (the status line then has S = 125 << 8). STEP names the step (an rlimit's flag, "setresuid",
 *       "landlock_restrict_self", "chdir (dir MODE, owner UID)", the program's path when the exec failed,
 *       ...); ERROR is strerror(errno). At most once. The agent keeps up to 500 bytes of it and calls the
 *       run an internal error, never the program's own.
 *   violation=KIND
 *       The guard (guard.c) ended the run; the helper then kills the program and every process of the uid.
 *       KIND is "memory" (the run as a whole went over --memory), "files" (the run holds more entries on a
 *       scratch file system than its share of that file system's inodes) or "oom_score_adj" (a process of
 *       the run lowered its OOM score; looked at only where Landlock is missing). Normally once; if the
 *       program is not yet gone at the next tick, the line can come again, and the agent keeps the last.
 *   status=S cpu_us=C memory_kb=M clean=K
 *       Once, after the program's main process was reaped, however it ended (by itself, by the agent's
 *       SIGUSR1, by the guard, or in setup). S: its wait status in decimal (the agent reads an exit code,
 *       (S >> 8) & 0xff, when S & 0x7f is 0, else the signal S & 0x7f). C: CPU time, user and system, in
 *       microseconds, of every process of the run that the helper reaped, less what the program's start-up
 *       had spent before release when there is a gate. M: the peak memory of the run as a whole, in KiB,
 *       as the guard sampled it, or the largest process's peak RSS if that is more. K: 1 when the kernel
 *       confirmed that no process of the uid is left, 0 when it could not; only the sweep uses it (to skip
 *       its own scan of /proc), the agent does not read it. The program's output streams end (EOF) before
 *       this line. A helper that fails itself (exit 125, message on stderr) or is killed writes no status
 *       line: the agent calls that an internal error, unless it stopped the helper itself before anything
 *       was started (its SIGUSR1 came before the helper blocked it).
 *   swept=1 | swept=0 problems=TEXT
 *       With --sweep, once, after the status line; with --sweep-only, the only line. Whether the slot is
 *       back at its baseline (sweep.c). TEXT lists what is left, joined by "; ", at most 255 bytes: "processes
 *       left", "work dir path unusable", "work dir not removed", "entries left in scratch dir N" (N: the
 *       index of its --scratch, from 0), "SysV IPC left". When a --sweep ends without a clean swept line,
 *       the agent runs --sweep-only before the slot is used again; a slot that is not clean after that is
 *       retired.
 * Exit codes: 0 after the child was reaped, 125 on a usage or setup error (message on stderr).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/close_range.h>
#include <linux/filter.h>
#include <linux/landlock.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiln-run.h"

struct limit { const char *flag; int resource; long long value; };

static struct limit limits[] = {
    {"--nproc", RLIMIT_NPROC, -1},   {"--fsize", RLIMIT_FSIZE, -1}, {"--nofile", RLIMIT_NOFILE, -1},
    {"--cpu", RLIMIT_CPU, -1},       {"--as", RLIMIT_AS, -1},       {"--data", RLIMIT_DATA, -1},
    {"--stack", RLIMIT_STACK, -1},
};
#define NLIMITS (sizeof(limits) / sizeof(limits[0]))

/* The guard's tick: a C++ program forking sixty 5 MB children outran a 10 ms tick (seen once in CI). */
#define GUARD_INTERVAL_MS 2
#define PROGRAM_NICENESS 10

static void die(const char *what) {
  fprintf(stderr, "kiln-run: %s: %s\n", what, strerror(errno));
  _exit(SETUP_FAILED);
}

/* In the child, a setup failure is reported on fd 3 too, so the agent never mistakes it for the program's. */
static void child_die(const char *what) {
  dprintf(3, "setup_error=%s: %s\n", what, strerror(errno));
  _exit(SETUP_FAILED);
}

int read_small(const char *path, char *buffer, size_t size) {
  return read_small_at(AT_FDCWD, path, buffer, size);
}

int read_small_at(int dir, const char *name, char *buffer, size_t size) {
  int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t got = read(fd, buffer, size - 1);
  int saved = errno;
  close(fd);
  errno = saved;
  if (got < 0) return -1;
  buffer[got] = '\0';
  return 0;
}

static long long parse_number(const char *flag, const char *text) {
  char *end = NULL;
  errno = 0;
  long long value = strtoll(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value < 0) {
    fprintf(stderr, "kiln-run: %s needs a non-negative integer, got '%s'\n", flag, text);
    exit(SETUP_FAILED);
  }
  return value;
}

/* ---- the child: from root to the program ------------------------------------------------------------- */

static void apply_limits(void) {
  for (size_t i = 0; i < NLIMITS; i++) {
    if (limits[i].value < 0) continue;
    rlim_t soft = (rlim_t)limits[i].value;
    /* CPU: SIGXCPU at the soft limit (catchable, reported as a time limit), SIGKILL one second later. */
    rlim_t hard = limits[i].resource == RLIMIT_CPU ? soft + 1 : soft;
    struct rlimit rl = {soft, hard};
    if (setrlimit(limits[i].resource, &rl) != 0) child_die(limits[i].flag);
  }
  /* No core files: they would fill the work dir and leak memory contents. */
  struct rlimit none = {0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) child_die("--core");
}

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif

static int use_landlock = 1;

static int landlock_abi(void) {
  return use_landlock ? (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION) : 0;
}

static void allow(int ruleset, const char *path, __u64 access) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return; /* not there (e.g. no /dev/mqueue): nothing to allow */
  struct landlock_path_beneath_attr rule = {.allowed_access = access, .parent_fd = fd};
  if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) child_die(path);
  close(fd);
}

/*
 * Landlock: the program may create, change and remove files only in its work dir and the scratch dirs (and
 * write /dev/null). Above all it cannot write /proc/self/oom_score_adj, which it owns and could otherwise
 * lower to the agent's value (the floor is not pinned without CAP_SYS_RESOURCE), then get the agent
 * OOM-killed. Reads are not restricted. Its standard streams are pipes, which Landlock leaves alone, so
 * /dev/stdout still opens. Where the kernel has no Landlock, the guard is the only defence of that kind.
 */
static void restrict_writes(const struct run_config *config, int abi) {
  if (abi < 1) return;
  __u64 files = LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
  __u64 all = files | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
              LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
              LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
              LANDLOCK_ACCESS_FS_MAKE_SYM | (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0);
  struct landlock_ruleset_attr attr = {.handled_access_fs = all};
  int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0) child_die("landlock_create_ruleset");
  allow(ruleset, config->dir, all);
  for (int i = 0; i < config->nscratch; i++) allow(ruleset, config->scratch[i], all);
  allow(ruleset, "/dev/null", files);
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) child_die("landlock_restrict_self");
  close(ruleset);
}

/*
 * memfd_create is refused (ENOSYS, as on a kernel without it): a memfd's pages live on no file system the
 * guard's cheap sum can see, so a program could hold gigabytes in memfds it never maps. Every ABI the
 * kernel accepts on this architecture is covered (i386 and x32 calls on x86-64 too).
 */
static void refuse_memfd(void) {
#if defined(__x86_64__)
#define MEMFD_ARCH AUDIT_ARCH_X86_64
#define MEMFD_NR 319
#define MEMFD_OTHER_ARCH AUDIT_ARCH_I386
#define MEMFD_OTHER_NR 356
#elif defined(__aarch64__)
#define MEMFD_ARCH AUDIT_ARCH_AARCH64
#define MEMFD_NR 279
#define MEMFD_OTHER_ARCH AUDIT_ARCH_ARM
#define MEMFD_OTHER_NR 385
#endif
#ifdef MEMFD_ARCH
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MEMFD_ARCH, 0, 4),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~0x40000000u), /* the x32 bit */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MEMFD_NR, 4, 5),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), /* never reached */
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MEMFD_OTHER_ARCH, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, MEMFD_OTHER_NR, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {.len = sizeof filter / sizeof filter[0], .filter = filter};
  if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) child_die("seccomp");
#endif
}

/* Mark every fd from `low` up close-on-exec. CLOSE_RANGE_CLOEXEC does it in one call; kernels and gVisor
   without that flag (EINVAL, ENOSYS) get each open fd marked from /proc/self/fd. */
static void cloexec_from(int low) {
  if (syscall(SYS_close_range, low, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  if (errno != EINVAL && errno != ENOSYS) child_die("close_range");
  DIR *fds = opendir("/proc/self/fd");
  if (!fds) child_die("opendir /proc/self/fd");
  for (struct dirent *entry; (entry = readdir(fds));) {
    int fd = atoi(entry->d_name);
    if (fd >= low && fd != dirfd(fds) && fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) child_die("fcntl FD_CLOEXEC");
  }
  closedir(fds);
}

static void become_child(const struct run_config *config, const int stdio[3], char **argv) {
  /* What the helper blocked or ignored for itself must not reach the program (both survive exec). */
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  signal(SIGPIPE, SIG_DFL);
  for (int fd = 0; fd < 3; fd++)
    if (dup2(stdio[fd], fd) < 0) child_die("dup2");
  /* A new session, so a program cannot signal the agent's process group by pid 0. */
  if (setsid() < 0) child_die("setsid");
  apply_limits();
  /* The program runs at a lower CPU priority than this helper and the agent (raising one's niceness needs
     no privilege; lowering it back needs CAP_SYS_NICE, which no program has): when the guard wakes it must
     get the CPU at once, or a program spread over many processes allocates for a whole scheduling period
     (and under the container's CPU quota that can be 50 ms) before it is looked at. Programs all run at
     the same niceness, so they share the CPU among themselves as before. */
  if (setpriority(PRIO_PROCESS, 0, PROGRAM_NICENESS) != 0) child_die("setpriority");
  /* Drop groups first: setgroups needs CAP_SETGID, which setuid below takes away. */
  if (setgroups(0, NULL) != 0) child_die("setgroups");
  if (setresgid(config->gid, config->gid, config->gid) != 0) child_die("setresgid");
  if (setresuid(config->uid, config->uid, config->uid) != 0) child_die("setresuid");
  if (getuid() == 0 || geteuid() == 0) {
    errno = EPERM;
    child_die("still root after setresuid");
  }
  /* Credential changes clear the parent-death signal, so it is set only now. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_die("pdeathsig");
  if (getppid() == 1) _exit(SETUP_FAILED);
  if (chdir(config->dir) != 0) {
    int saved = errno;
    struct stat st;
    char what[96] = "chdir";
    if (stat(config->dir, &st) == 0)
      snprintf(what, sizeof what, "chdir (dir %o, owner %u)", (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid);
    errno = saved;
    child_die(what);
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_die("no_new_privs");
  restrict_writes(config, landlock_abi());
  refuse_memfd();
  umask(077);
  /* Nothing the agent or this helper holds open may reach the program: only stdin, stdout, stderr. Marked
     close-on-exec rather than closed, so fd 3 can still report a failing execvp. */
  cloexec_from(3);
  execvp(argv[0], argv);
  child_die(argv[0]);
}

/* ---- the parent: relaying, the gate, the guard ------------------------------------------------------- */

/* Bytes on their way from one fd to another, without blocking either. */
struct relay {
  int from, to;
  char buffer[65536];
  size_t length, offset;
  int from_done, to_done;
};

static void relay_init(struct relay *relay, int from, int to) {
  relay->from = from;
  relay->to = to;
  relay->length = relay->offset = 0;
  relay->from_done = relay->to_done = 0;
  fcntl(from, F_SETFL, fcntl(from, F_GETFL) | O_NONBLOCK);
  fcntl(to, F_SETFL, fcntl(to, F_GETFL) | O_NONBLOCK);
}

static int relay_wants_read(const struct relay *r) {
  return !r->from_done && r->length == 0;
}

static int relay_wants_write(const struct relay *r) {
  return !r->to_done && r->offset < r->length;
}

/* Move what can move now. A reader that went away (EPIPE) gets nothing more; what comes is dropped. */
static void relay_step(struct relay *r) {
  if (relay_wants_read(r)) {
    ssize_t got = read(r->from, r->buffer, sizeof r->buffer);
    if (got > 0) {
      r->length = (size_t)got;
      r->offset = 0;
    } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
      r->from_done = 1;
    }
  }
  while (relay_wants_write(r)) {
    ssize_t put = write(r->to, r->buffer + r->offset, r->length - r->offset);
    if (put < 0) {
      if (errno != EAGAIN && errno != EINTR) r->to_done = 1;
      break;
    }
    r->offset += (size_t)put;
  }
  if (r->to_done || r->offset == r->length) r->length = r->offset = 0;
}

/* Done: nothing more will come, and what came is out. */
static int relay_finished(const struct relay *r) {
  return r->from_done && (r->to_done || r->offset == r->length);
}

/*
 * Pass on what is left in a pipe after the run: every writer is dead by now, unless a pipe end was passed to
 * a process of another uid over a unix socket, so what is not in the pipe yet is not waited for. An agent
 * that stops reading for seconds gets nothing more.
 */
static void drain(struct relay *r) {
  for (int stalls = 0, rounds = 0; stalls < 50 && rounds < 4096 && !relay_finished(r); rounds++) {
    if (relay_wants_read(r)) {
      ssize_t got = read(r->from, r->buffer, sizeof r->buffer);
      if (got > 0) {
        r->length = (size_t)got;
        r->offset = 0;
      } else if (got == 0 || errno != EINTR) {
        r->from_done = 1;
      }
    }
    if (!relay_wants_write(r)) continue;
    struct pollfd out = {r->to, POLLOUT, 0};
    if (poll(&out, 1, 100) == 0) stalls++;
    relay_step(r);
  }
}

struct gate {
  const char *name;
  int dir, fifo;              /* the work dir, and the FIFO the program waits on */
  char header[24];            /* "<length>\n" */
  size_t header_length;
  char *source;
  size_t length, received, written;
  int released;
  long long cpu_before_ns;    /* what the program's start-up cost before release */
};

static void gate_open(struct gate *gate, const struct run_config *config) {
  gate->dir = open(config->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (gate->dir < 0) die("open the work dir");
  if (mkfifoat(gate->dir, gate->name, 0600) != 0) die("mkfifo");
  /* Read-write: the program's open does not wait for a writer, only its read does (for the source). */
  gate->fifo = openat(gate->dir, gate->name, O_RDWR | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
  if (gate->fifo < 0) die("open the gate");
  if (fchown(gate->fifo, config->uid, config->gid) != 0) die("chown the gate");
}

static long long cpu_ns_of(pid_t pid) {
  clockid_t clock;
  struct timespec ts;
  if (clock_getcpuclockid(pid, &clock) != 0 || clock_gettime(clock, &ts) != 0) return 0;
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Read the header and the source from fd 0; 1 once all of it is here. */
static int gate_receive(struct gate *gate, int input) {
  while (gate->source == NULL) {
    char byte;
    ssize_t got = read(input, &byte, 1);
    if (got <= 0) return got == 0 ? -1 : 0;
    if (byte != '\n') {
      if (gate->header_length + 1 >= sizeof gate->header) return -1;
      gate->header[gate->header_length++] = byte;
      continue;
    }
    gate->header[gate->header_length] = '\0';
    char *end = NULL;
    long long length = strtoll(gate->header, &end, 10);
    if (*end != '\0' || length < 0 || length > (64LL << 20)) return -1;
    gate->length = (size_t)length;
    gate->source = malloc(gate->length + 1);
    if (!gate->source) return -1;
  }
  while (gate->received < gate->length) {
    ssize_t got = read(input, gate->source + gate->received, gate->length - gate->received);
    if (got <= 0) return got == 0 ? -1 : 0;
    gate->received += (size_t)got;
  }
  return 1;
}

/* Put the source in place of the FIFO as a regular file, then give the dir to the uid (see the top). */
static void gate_release(struct gate *gate, const struct run_config *config, pid_t program) {
  gate->cpu_before_ns = cpu_ns_of(program);
  static const char temporary[] = ".kiln-source";
  int file = openat(gate->dir, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (file < 0) die("create the source");
  for (size_t done = 0; done < gate->length;) {
    ssize_t put = write(file, gate->source + done, gate->length - done);
    if (put < 0) die("write the source");
    done += (size_t)put;
  }
  if (fchown(file, config->uid, config->gid) != 0) die("chown the source");
  close(file);
  if (renameat(gate->dir, temporary, gate->dir, gate->name) != 0) die("rename the source");
  if (fchmod(gate->dir, 0700) != 0 || fchown(gate->dir, config->uid, config->gid) != 0) die("give the work dir");
  gate->released = 1;
}

/* Write the source into the FIFO; 1 once it is all there and closed (the program then reads to its end). */
static int gate_feed(struct gate *gate) {
  while (gate->fifo >= 0 && gate->written < gate->length) {
    ssize_t put = write(gate->fifo, gate->source + gate->written, gate->length - gate->written);
    if (put < 0) {
      if (errno == EAGAIN || errno == EINTR) return 0;
      break; /* the program is gone: nothing reads the rest */
    }
    gate->written += (size_t)put;
  }
  if (gate->fifo >= 0) {
    close(gate->fifo);
    gate->fifo = -1;
  }
  return 1;
}

/* How often the loop looks for the program's end where there is no pidfd (gVisor). */
#define EXIT_POLL_MS 5

/* Whether the program (pid) has ended: its pidfd became readable, or, without one, waitid says so. */
static int program_ended(int pidfd, short revents, pid_t pid) {
  if (pidfd >= 0) return (revents & POLLIN) != 0;
  siginfo_t info;
  memset(&info, 0, sizeof info);
  return waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info.si_pid == pid;
}

int main(int argc, char **argv) {
  struct run_config config = {.memory_bytes = -1};
  long long uid = -1, gid = -1;
  const char *gate_name = NULL;
  int sweep_after = 0, sweep_only = 0;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (strcmp(argv[i], "--sweep") == 0) { sweep_after = 1; continue; }
    if (strcmp(argv[i], "--sweep-only") == 0) { sweep_only = 1; continue; }
    if (i + 1 >= argc) { fprintf(stderr, "kiln-run: %s needs a value\n", argv[i]); return SETUP_FAILED; }
    const char *flag = argv[i], *value = argv[++i];
    if (strcmp(flag, "--uid") == 0) { uid = parse_number(flag, value); continue; }
    if (strcmp(flag, "--gid") == 0) { gid = parse_number(flag, value); continue; }
    if (strcmp(flag, "--dir") == 0) { config.dir = value; continue; }
    if (strcmp(flag, "--gate") == 0) { gate_name = value; continue; }
    if (strcmp(flag, "--landlock") == 0) { use_landlock = (int)parse_number(flag, value); continue; }
    if (strcmp(flag, "--memory") == 0) { config.memory_bytes = parse_number(flag, value); continue; }
    if (strcmp(flag, "--slots") == 0) { config.slots = (int)parse_number(flag, value); continue; }
    if (strcmp(flag, "--scratch") == 0) {
      if (config.nscratch == MAX_SCRATCH) { fprintf(stderr, "kiln-run: too many --scratch\n"); return SETUP_FAILED; }
      config.scratch[config.nscratch++] = value;
      continue;
    }
    size_t k = 0;
    while (k < NLIMITS && strcmp(limits[k].flag, flag) != 0) k++;
    if (k == NLIMITS) { fprintf(stderr, "kiln-run: unknown option %s\n", flag); return SETUP_FAILED; }
    limits[k].value = parse_number(flag, value);
  }
  /* Refuse root (or a missing uid) outright: code must never run as the agent's uid. */
  if (uid <= 0 || gid <= 0 || config.dir == NULL || config.dir[0] != '/' || (!sweep_only && i >= argc) ||
      (gate_name && strchr(gate_name, '/'))) {
    fprintf(stderr, "kiln-run: usage: kiln-run --uid U --gid G --dir /DIR [limits] -- PROGRAM [ARGS...]\n");
    return SETUP_FAILED;
  }
  config.uid = (uid_t)uid;
  config.gid = (gid_t)gid;
  char problems[256];
  if (sweep_only) {
    int clean = sweep(&config, 0, problems, sizeof problems);
    dprintf(3, clean ? "swept=1\n" : "swept=0 problems=%s\n", problems);
    return 0;
  }
  /* If the agent dies, this helper dies with it (and the next agent's sweep kills the program). */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  /* Orphans of the program (daemons) become our children, so we can reap them after killing them. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  signal(SIGPIPE, SIG_IGN);
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  int signals = signalfd(-1, &usr1, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signals < 0) die("signalfd");
  /* The program's own pipes (see the top). */
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) die("pipe");
  /* A pipe opened by name (/dev/stdin is /proc/self/fd/0) is checked like a file: 0600, so it must be the
     uid's, as it would be had the program's shell made it. */
  if (fchown(in[0], config.uid, config.gid) != 0 || fchown(out[0], config.uid, config.gid) != 0 ||
      fchown(err[0], config.uid, config.gid) != 0) {
    /* gVisor refuses to chown a pipe (EPERM): the pipes are made again, as the uid, which then owns them. */
    if (errno != EPERM) die("chown the pipes");
    for (int i = 0; i < 2; i++) {
      close(in[i]);
      close(out[i]);
      close(err[i]);
    }
    if (setegid(config.gid) != 0 || seteuid(config.uid) != 0) die("become the uid for its pipes");
    int made = pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0 && pipe2(err, O_CLOEXEC) == 0;
    if (seteuid(0) != 0 || setegid(0) != 0) die("become root again");
    if (!made) die("pipe");
  }
  struct gate gate = {.name = gate_name, .dir = -1, .fifo = -1};
  if (gate_name) gate_open(&gate, &config);
  /* When the container runs short of memory the kernel must pick the program, never the agent. Set here,
     before the fork, so that the program has 1000 from its first instant: the guard must never see it
     lower, not even while the child is still being set up on a loaded machine. */
  int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (adj >= 0) {
    if (write(adj, "1000", 4) != 4) die("oom_score_adj");
    close(adj);
  }

  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) {
    int stdio[3] = {in[0], out[1], err[1]};
    become_child(&config, stdio, &argv[i]);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  /* The helper itself steps back to 500: below the program's 1000, above the agent (0, and far bigger than
     this helper). A fork storm can run the container out of kernel memory while every process of the
     program is tiny; the kernel must then kill the program's processes, not this helper or another slot's,
     which would turn the attack, or an innocent run beside it, into an internal error
     (tests/hostile/cpp/fork_bomb). Lowering its own value down to the floor it inherited (the agent's)
     needs no privilege; if it fails, the run goes on as before. */
  adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (adj >= 0) {
    ssize_t ignored = write(adj, "500", 3);
    (void)ignored;
    close(adj);
  }
  /* The program's end wakes the loop through its pidfd. gVisor has no pidfd_open (ENOSYS): there the loop
     wakes every few milliseconds and asks waitid, without reaping, whether the program has ended. */
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0 && errno != ENOSYS) die("pidfd_open");

  struct relay input, output, errors;
  relay_init(&input, 0, in[1]);
  relay_init(&output, out[0], 1);
  relay_init(&errors, err[0], 2);
  struct guard *guard = NULL;
  int exited = 0;
  while (!exited) {
    int ended = 0;
    /* The program is released (and guarded) at once without a gate, after its source with one. */
    int released = !gate_name || gate.released;
    int fed = !gate_name || (gate.released && gate.fifo < 0);
    /* Landlock refuses the OOM-score write; only where it is missing does the guard look at the scores. */
    if (released && !guard && !(guard = guard_new(&config, landlock_abi() < 1))) die("guard");
    struct pollfd fds[] = {
        {pidfd, POLLIN, 0},
        {signals, POLLIN, 0},
        {0, (!released || (fed && relay_wants_read(&input))) ? POLLIN : 0, 0},
        {fed ? in[1] : gate.fifo, fed ? (relay_wants_write(&input) ? POLLOUT : 0) : (released ? POLLOUT : 0), 0},
        {out[0], relay_wants_read(&output) ? POLLIN : 0, 0},
        {1, relay_wants_write(&output) ? POLLOUT : 0, 0},
        {err[0], relay_wants_read(&errors) ? POLLIN : 0, 0},
        {2, relay_wants_write(&errors) ? POLLOUT : 0, 0},
    };
    int wait_ms = guard ? GUARD_INTERVAL_MS : pidfd < 0 ? EXIT_POLL_MS : -1;
    if (poll(fds, sizeof fds / sizeof fds[0], wait_ms) < 0 && errno != EINTR) die("poll");
    int gone = program_ended(pidfd, fds[0].revents, pid);
    struct signalfd_siginfo info;
    while (read(signals, &info, sizeof info) == sizeof info) ended = 1;
    if (!released) {
      int got = gate_receive(&gate, 0);
      if (got < 0) ended = 1; /* the agent went away before the run came: nothing to run */
      if (got > 0) gate_release(&gate, &config, pid);
    }
    if (gate.released && gate.fifo >= 0) gate_feed(&gate);
    if (fed && in[1] >= 0) {
      relay_step(&input);
      if (relay_finished(&input)) {
        close(in[1]); /* the program sees the end of its input */
        in[1] = -1;
      }
    }
    relay_step(&output);
    relay_step(&errors);
    const char *violation = NULL;
    if (!ended && guard && !gone && (violation = guard_tick(guard)) != NULL)
      dprintf(3, "violation=%s\n", violation);
    if (ended || violation) {
      kill(pid, SIGKILL);
      kill_as(config.uid, config.gid);
    }
    exited = gone;
  }

  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) die("waitpid");
  }
  /* The run ends with its main process: whatever it left is killed, then what it wrote is passed on. */
  int clean = kill_all_of(config.uid, config.gid);
  drain(&output);
  drain(&errors);
  close(out[0]);
  close(err[0]);
  close(1);
  close(2);
  if (in[1] >= 0) close(in[1]);
  struct rusage usage;
  getrusage(RUSAGE_CHILDREN, &usage);
  long long cpu_ns = ((long long)usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000000000LL +
                     ((long long)usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1000LL - gate.cpu_before_ns;
  long long memory_kb = guard ? guard_peak_kb(guard) : 0;
  /* One process's peak RSS, which the guard may have sampled too late to see; not where RSS counts the
     pages of mapped files as well (gVisor: all of the interpreter's binary), which would read as a memory
     limit for any run. */
  if (usage.ru_maxrss > memory_kb && !(guard && guard_rss_unsplit(guard))) memory_kb = usage.ru_maxrss;
  dprintf(3, "status=%d cpu_us=%lld memory_kb=%lld clean=%d\n", status, cpu_ns > 0 ? cpu_ns / 1000 : 0,
          memory_kb, clean);
  if (sweep_after) {
    int swept = sweep(&config, clean, problems, sizeof problems);
    dprintf(3, swept ? "swept=1\n" : "swept=0 problems=%s\n", problems);
  }
  return 0;
}
