/*
 * kiln-run: start one untrusted program as an unprivileged uid under rlimits, wait for it, and report
 * its wait status and resource usage on fd 3.
 *
 * Why a helper at all: Node can neither set a child's rlimits nor read its rusage. The util-linux chain
 * (GNU time -> prlimit -> setpriv -> choom) does the same job but costs four extra execs, about 7 ms per
 * run on our machines against a 3 ms budget; this does it in one exec and one fork.
 *
 * Usage (argv only, never a shell):
 *   kiln-run --uid U --gid G --dir DIR [--nproc N] [--fsize BYTES] [--nofile N] [--cpu SECONDS]
 *            [--as BYTES] [--data BYTES] [--stack BYTES] [--landlock 0|1] -- PROGRAM [ARGS...]
 * The environment is passed to PROGRAM unchanged: the agent builds the minimal one.
 * fd 3 (if open) receives one line: "status=S utime_us=U stime_us=S maxrss_kb=M clean=C\n", preceded by
 * "setup_error=MESSAGE\n" when the program could not be started, or "violation=oom_score_adj\n" when the
 * OOM guard (below) ended the run.
 *
 * After the program exits, every other process of its uid (setsid daemons, double forks: all of them
 * reparent to this helper, a child subreaper) is killed, and clean=1 says the kernel confirmed that no
 * process of the uid is left. That check is what lets the agent skip its own /proc scan on the normal path.
 * Exit codes: 0 after the child was reaped, 125 on a usage or setup error (message on stderr).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <linux/close_range.h>
#include <linux/landlock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define SETUP_FAILED 125

struct limit { const char *flag; int resource; long long value; };

static struct limit limits[] = {
    {"--nproc", RLIMIT_NPROC, -1},   {"--fsize", RLIMIT_FSIZE, -1}, {"--nofile", RLIMIT_NOFILE, -1},
    {"--cpu", RLIMIT_CPU, -1},       {"--as", RLIMIT_AS, -1},       {"--data", RLIMIT_DATA, -1},
    {"--stack", RLIMIT_STACK, -1},
};
#define NLIMITS (sizeof(limits) / sizeof(limits[0]))

static void die(const char *what) {
  fprintf(stderr, "kiln-run: %s: %s\n", what, strerror(errno));
  _exit(SETUP_FAILED);
}

/* In the child, a setup failure is reported on fd 3 too, so the agent never mistakes it for the program's. */
static void child_die(const char *what) {
  dprintf(3, "setup_error=%s: %s\n", what, strerror(errno));
  _exit(SETUP_FAILED);
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

static void allow(int ruleset, const char *path, __u64 access) {
  int fd = open(path, O_PATH | O_CLOEXEC);
  if (fd < 0) return; /* not there (e.g. no /dev/mqueue): nothing to allow */
  struct landlock_path_beneath_attr rule = {.allowed_access = access, .parent_fd = fd};
  if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) child_die(path);
  close(fd);
}

/*
 * Landlock: the program may create, change and remove files only in its work dir, /tmp, /dev/shm and
 * /dev/mqueue (and write /dev/null). Above all it cannot write /proc/self/oom_score_adj, which it owns and
 * could otherwise lower to the agent's value (the floor is not pinned without CAP_SYS_RESOURCE), then get
 * the agent OOM-killed. Reads are not restricted. Where the kernel has no Landlock, the OOM guard below is
 * the only defence of that kind.
 */
static void restrict_writes(const char *dir) {
  if (!use_landlock) return;
  long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  if (abi < 1) return;
  __u64 files = LANDLOCK_ACCESS_FS_WRITE_FILE | (abi >= 3 ? LANDLOCK_ACCESS_FS_TRUNCATE : 0);
  __u64 all = files | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
              LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
              LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
              LANDLOCK_ACCESS_FS_MAKE_SYM | (abi >= 2 ? LANDLOCK_ACCESS_FS_REFER : 0);
  struct landlock_ruleset_attr attr = {.handled_access_fs = all};
  int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof attr, 0);
  if (ruleset < 0) child_die("landlock_create_ruleset");
  const char *trees[] = {dir, "/tmp", "/dev/shm", "/dev/mqueue"};
  for (size_t i = 0; i < sizeof trees / sizeof trees[0]; i++) allow(ruleset, trees[i], all);
  allow(ruleset, "/dev/null", files);
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_die("no_new_privs");
  if (syscall(SYS_landlock_restrict_self, ruleset, 0) != 0) child_die("landlock_restrict_self");
  close(ruleset);
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

static void become_child(uid_t uid, gid_t gid, const char *dir, char **argv) {
  /* A new session, so a program cannot signal the agent's process group by pid 0. */
  if (setsid() < 0) child_die("setsid");
  apply_limits();
  /* Drop groups first: setgroups needs CAP_SETGID, which setuid below takes away. */
  if (setgroups(0, NULL) != 0) child_die("setgroups");
  if (setresgid(gid, gid, gid) != 0) child_die("setresgid");
  if (setresuid(uid, uid, uid) != 0) child_die("setresuid");
  if (getuid() == 0 || geteuid() == 0) {
    errno = EPERM;
    child_die("still root after setresuid");
  }
  /* Credential changes clear the parent-death signal, so it is set only now. */
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_die("pdeathsig");
  if (getppid() == 1) _exit(SETUP_FAILED);
  if (chdir(dir) != 0) child_die("chdir");
  restrict_writes(dir);
  umask(077);
  /* Nothing the agent or this helper holds open may reach the program: only stdin, stdout, stderr. Marked
     close-on-exec rather than closed, so fd 3 can still report a failing execvp. */
  cloexec_from(3);
  /* The agent may take the work dir back (to add the source of a warm start) only once we are inside it. */
  dprintf(3, "exec\n");
  execvp(argv[0], argv);
  child_die(argv[0]);
}

/*
 * Kill every process of uid, from a child that becomes uid: kill(-1) then signals exactly the processes the
 * uid may signal (its own, in this pid namespace), in one pass the kernel makes under the task-list lock, so
 * a fork bomb cannot slip a child past it (a task with a fatal signal pending cannot fork). Then every
 * descendant is reaped: as child subreaper we inherit all of them, setsid daemons included, so waitpid
 * failing with ECHILD means none is left. Returns 1 when that is confirmed.
 */
static int kill_as(uid_t uid, gid_t gid) {
  pid_t killer = fork();
  if (killer < 0) return 0;
  if (killer == 0) {
    if (setgroups(0, NULL) != 0 || setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0) _exit(2);
    _exit(kill(-1, SIGKILL) == 0 || errno == ESRCH ? 0 : 1);
  }
  int status = 0;
  while (waitpid(killer, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int kill_all_of(uid_t uid, gid_t gid) {
  /* After the main process is reaped its orphans are already ours (reparented as it exited): no child
     left means no process of the uid is left, and the kill can be skipped. */
  if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD) return 1;
  int killed = kill_as(uid, gid);
  for (;;) {
    pid_t reaped = waitpid(-1, NULL, 0);
    if (reaped < 0 && errno == ECHILD) return killed;
    if (reaped < 0 && errno != EINTR) return 0;
  }
}

/*
 * The OOM guard. The program starts with oom_score_adj 1000 so that the kernel kills it, never the agent,
 * when the container runs short. Without CAP_SYS_RESOURCE that value is not a floor: a process may write
 * it back down to what it inherited (the agent's), then spread its memory over many processes each
 * smaller than the agent, and the kernel's choice falls on the agent. So while the program runs, every
 * process of its uid is checked every GUARD_INTERVAL_MS; one below 1000 ends the run at once. 2 ms: a C++
 * program forking sixty 5 MB children outran a 10 ms guard (seen once in CI); each check is a few reads.
 */
#define GUARD_INTERVAL_MS 2

static int read_small(const char *path, char *buffer, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  ssize_t got = read(fd, buffer, size - 1);
  close(fd);
  if (got < 0) return -1;
  buffer[got] = '\0';
  return 0;
}

static int adj_lowered(long pid) {
  char path[64], text[32];
  snprintf(path, sizeof path, "/proc/%ld/oom_score_adj", pid);
  return read_small(path, text, sizeof text) == 0 && atoi(text) < 1000;
}

/*
 * Every process the program started is a descendant of this helper (it is their subreaper), so the guard
 * walks that tree through /proc/<pid>/task/<tid>/children: a few reads for a normal program, where a scan
 * of all of /proc would cost milliseconds on a busy host. Without that file (CONFIG_PROC_CHILDREN), every
 * process of the uid is checked instead.
 */
#define MAX_TREE 4096

static int tree_lowered(void) {
  static long pids[MAX_TREE];
  size_t count = 0, next = 0;
  pids[count++] = getpid();
  char path[96], text[4096];
  while (next < count) {
    long pid = pids[next++];
    if (next > 1 && adj_lowered(pid)) return 1;
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    DIR *tasks = opendir(path);
    if (!tasks) continue;
    for (struct dirent *task; (task = readdir(tasks)) != NULL;) {
      if (task->d_name[0] < '0' || task->d_name[0] > '9') continue;
      snprintf(path, sizeof path, "/proc/%ld/task/%.20s/children", pid, task->d_name);
      if (read_small(path, text, sizeof text) != 0) {
        closedir(tasks);
        return -1;
      }
      for (char *cursor = text, *end; count < MAX_TREE; cursor = end) {
        long child = strtol(cursor, &end, 10);
        if (end == cursor) break;
        pids[count++] = child;
      }
    }
    closedir(tasks);
  }
  return 0;
}

static int uid_lowered(uid_t uid) {
  DIR *proc = opendir("/proc");
  if (!proc) return 0;
  int lowered = 0;
  char path[64], text[2048];
  for (struct dirent *entry; !lowered && (entry = readdir(proc)) != NULL;) {
    char *end = NULL;
    long pid = strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (read_small(path, text, sizeof text) != 0) continue;
    const char *line = strstr(text, "\nUid:");
    unsigned long ids[4] = {0};
    if (!line || sscanf(line, "\nUid:%lu%lu%lu%lu", &ids[0], &ids[1], &ids[2], &ids[3]) != 4) continue;
    if (ids[0] != uid && ids[1] != uid && ids[2] != uid && ids[3] != uid) continue;
    lowered = adj_lowered(pid);
  }
  closedir(proc);
  return lowered;
}

static int oom_score_lowered(uid_t uid) {
  int lowered = tree_lowered();
  return lowered >= 0 ? lowered : uid_lowered(uid);
}

/* Wait for the program's main process, guarding its OOM score meanwhile. Returns 1 if the guard fired. */
static int wait_guarded(pid_t pid, uid_t uid, gid_t gid) {
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) return 0; /* no pidfd: plain wait, unguarded */
  int fired = 0;
  for (;;) {
    struct pollfd exited = {pidfd, POLLIN, 0};
    int ready = poll(&exited, 1, GUARD_INTERVAL_MS);
    if (ready > 0 || (ready < 0 && errno != EINTR)) break;
    if (ready == 0 && oom_score_lowered(uid)) {
      fired = 1;
      kill_as(uid, gid); /* main is reaped by the caller, with its rusage; the rest after */
      break;
    }
  }
  close(pidfd);
  return fired;
}

int main(int argc, char **argv) {
  long long uid = -1, gid = -1;
  const char *dir = NULL;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) { i++; break; }
    if (i + 1 >= argc) { fprintf(stderr, "kiln-run: %s needs a value\n", argv[i]); return SETUP_FAILED; }
    const char *flag = argv[i], *value = argv[++i];
    if (strcmp(flag, "--uid") == 0) { uid = parse_number(flag, value); continue; }
    if (strcmp(flag, "--gid") == 0) { gid = parse_number(flag, value); continue; }
    if (strcmp(flag, "--dir") == 0) { dir = value; continue; }
    if (strcmp(flag, "--landlock") == 0) { use_landlock = (int)parse_number(flag, value); continue; }
    size_t k = 0;
    while (k < NLIMITS && strcmp(limits[k].flag, flag) != 0) k++;
    if (k == NLIMITS) { fprintf(stderr, "kiln-run: unknown option %s\n", flag); return SETUP_FAILED; }
    limits[k].value = parse_number(flag, value);
  }
  /* Refuse root (or a missing uid) outright: code must never run as the agent's uid. */
  if (uid <= 0 || gid <= 0 || dir == NULL || i >= argc) {
    fprintf(stderr, "kiln-run: usage: kiln-run --uid U --gid G --dir DIR [limits] -- PROGRAM [ARGS...]\n");
    return SETUP_FAILED;
  }
  /* If the agent dies, this helper dies with it (and the janitor of the next agent kills the program). */
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  /* Orphans of the program (daemons) become our children, so we can reap them after killing them. */
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  /* When the container runs short of memory the kernel must pick the program, never the agent. Set here,
     before the fork, so that the program has 1000 from its first instant: the OOM guard must never see it
     lower, not even while the child is still being set up on a loaded machine. */
  int adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (adj >= 0) {
    if (write(adj, "1000", 4) != 4) die("oom_score_adj");
    close(adj);
  }

  pid_t pid = fork();
  if (pid < 0) die("fork");
  if (pid == 0) become_child((uid_t)uid, (gid_t)gid, dir, &argv[i]);
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

  int guard_fired = wait_guarded(pid, (uid_t)uid, (gid_t)gid);
  int status = 0;
  struct rusage usage;
  memset(&usage, 0, sizeof usage);
  while (wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) die("wait4");
  }
  long long utime = (long long)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
  long long stime = (long long)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
  int clean = kill_all_of((uid_t)uid, (gid_t)gid);
  if (guard_fired) dprintf(3, "violation=oom_score_adj\n");
  dprintf(3, "status=%d utime_us=%lld stime_us=%lld maxrss_kb=%ld clean=%d\n", status, utime, stime, usage.ru_maxrss,
          clean);
  return 0;
}
