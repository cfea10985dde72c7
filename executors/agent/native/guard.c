/*
 * The guard: while the program runs, every GUARD_INTERVAL_MS, it looks at every process the program started
 * and ends the run at once when the run as a whole breaks a rule the kernel cannot enforce for it.
 *
 * 1. Memory. A run's memory is the total of its processes, threads, shared memory and files: the limit must
 *    mean that, or a program that spreads itself over forked children (each under its own address-space
 *    limit), shared mappings or tmpfs files takes far more than it was given, and the kernel's OOM killer
 *    then picks the biggest process in the container, which may be another slot's honest program. Per-run
 *    memory cgroups would do this in the kernel, but an executor cannot create them on Docker 20.10 with
 *    cgroup v1 (docs/SECURITY.md). So each tick takes a cheap sum that can only over-count:
 *      Σ (RssAnon + RssShmem) over the processes + the largest RssFile (the interpreter's own code, shared
 *      by every process that runs it) + the run's tmpfs files + its SysV shared memory,
 *    where the files are those counted by the last walk plus everything the file systems gained since
 *    (statfs: one call per file system). Only when that sum passes the limit is the exact total taken:
 *      Σ Pss_Anon (proportional: pages a fork shares with its parent count once, not once per process, which
 *      sank a plain RSS sum) + the largest RssFile + every tmpfs file, memfd and shared object of the run
 *      counted once by (device, inode), whether it is named in the work dir, /tmp or /dev/shm, open, or
 *      mapped + SysV segments.
 *    Reading another uid's smaps needs ptrace access: the helper has no CAP_SYS_PTRACE, so it takes the
 *    uid's file-system identity for the read (setfsuid; the check uses it). A process that makes itself
 *    non-dumpable to hide is counted by its RSS instead, which can only over-count.
 *    memfd_create is refused to programs (seccomp, in kiln-run.c): a memfd's pages are on no file system the
 *    cheap sum can see.
 * 2. Files. The scratch file systems are shared by the slots, and an inode limit protects each from a flood
 *    of empty files (see compose.yaml): a run may hold at most its share of them (the limit divided by the
 *    slots plus one), or it could leave the run in the other slot unable to create a file. The estimate
 *    (statfs: what the file systems gained since the last count, all of it the run's) flags a run at once;
 *    the run is then stopped while its own entries are counted (see guard_tick).
 * 3. The OOM score (only without Landlock, which refuses the write): a process of the run that lowers its
 *    oom_score_adj below 1000 could make the agent the kernel's choice (see kiln-run.c).
 *
 * What a tick costs for a one-process program: a few small /proc reads and one statfs per file system.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "kiln-run.h"

#define MAX_TREE 4096
/* While the cheap sum stays past the limit, the exact total is retaken at most this often. */
#define PRECISE_INTERVAL_NS (4 * 1000 * 1000LL)
/* Under the limit, the files are counted again when the file systems grew this much, at most this often. */
#define WALK_GROWTH_KB 4096
#define WALK_INTERVAL_NS (20 * 1000 * 1000LL)

struct fs_state {
  dev_t dev;
  const char *path;            /* a directory on it, for statfs */
  long long files_share;       /* entries one run may hold here; < 0: no limit */
  long long used_bytes, used_entries;       /* as statfs saw them at the last walk */
  long long owned_bytes, owned_entries;     /* what the last walk found the run's */
  long long growth_bytes;                   /* what it gained since, as of the last tick */
};

struct process {
  long pid;
  long long anon_kb, file_kb, shmem_kb;
};

struct guard {
  const struct run_config *config;
  int check_oom_score;
  struct fs_state fs[MAX_FS];
  int nfs;
  dev_t shm_dev; /* the kernel's internal tmpfs: anonymous shared mappings, SysV segments, memfds */
  struct inode_set *seen;
  struct process procs[MAX_TREE];
  size_t nprocs;
  long long peak_kb, precise_kb;
  long long last_precise_ns;
  const char *files_over; /* the file system where the last exact count found the run past its share */
  int suspect;            /* the last exact total was past the memory limit: the next one confirms */
  int rss_unsplit;        /* /proc/<pid>/status has no RssAnon (gVisor): anonymous memory from smaps */
};

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long field_kb(const char *text, const char *name) {
  const char *at = strstr(text, name);
  return at ? atoll(at + strlen(name)) : 0;
}

static int fs_index(const struct guard *guard, dev_t dev) {
  for (int i = 0; i < guard->nfs; i++)
    if (guard->fs[i].dev == dev) return i;
  return -1;
}

static void add_fs(struct guard *guard, const char *path) {
  struct stat st;
  struct statfs sf;
  if (guard->nfs == MAX_FS || stat(path, &st) != 0 || fs_index(guard, st.st_dev) >= 0) return;
  struct fs_state *fs = &guard->fs[guard->nfs++];
  *fs = (struct fs_state){.dev = st.st_dev, .path = path, .files_share = -1};
  if (statfs(path, &sf) == 0) {
    fs->used_bytes = (long long)(sf.f_blocks - sf.f_bfree) * sf.f_bsize;
    fs->used_entries = (long long)(sf.f_files - sf.f_ffree);
    /* A file system with an inode limit (tmpfs nr_inodes) is shared out; one without (f_files 0) is not. */
    if (sf.f_files > 0 && sf.f_files < (1u << 24) && guard->config->slots > 0)
      fs->files_share = (long long)sf.f_files / (guard->config->slots + 1);
  }
}

struct guard *guard_new(const struct run_config *config, int check_oom_score) {
  struct guard *guard = calloc(1, sizeof *guard);
  if (!guard) return NULL;
  guard->config = config;
  guard->check_oom_score = check_oom_score;
  guard->seen = inode_set_new(1024);
  add_fs(guard, config->dir);
  for (int i = 0; i < config->nscratch; i++) add_fs(guard, config->scratch[i]);
  /* gVisor's status has no RssAnon (its VmRSS counts the pages of mapped files): known from our own. */
  char own[2048];
  if (read_small("/proc/self/status", own, sizeof own) == 0 && !strstr(own, "\nRssAnon:")) guard->rss_unsplit = 1;
  int probe = (int)memfd_create("kiln-probe", MFD_CLOEXEC);
  struct stat st;
  if (probe >= 0 && fstat(probe, &st) == 0) guard->shm_dev = st.st_dev;
  if (probe >= 0) close(probe);
  return guard->seen ? guard : NULL;
}

long long guard_peak_kb(const struct guard *guard) {
  return guard->peak_kb;
}

int guard_rss_unsplit(const struct guard *guard) {
  return guard->rss_unsplit;
}

/* ---- the process tree ---------------------------------------------------------------------------------- */

/* Without the children files (gVisor, or a kernel without CONFIG_PROC_CHILDREN): every process of the
   run's uid, found in /proc (a container's /proc is short). A program cannot leave its uid. Returns -1, as
   the tree was not walked. */
static int collect_by_uid(struct guard *guard) {
  guard->nprocs = 0;
  DIR *proc = opendir("/proc");
  if (!proc) return -1;
  char path[64], text[2048];
  for (struct dirent *entry; guard->nprocs < MAX_TREE && (entry = readdir(proc)) != NULL;) {
    char *end = NULL;
    long pid = strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (read_small(path, text, sizeof text) != 0) continue;
    const char *line = strstr(text, "\nUid:");
    unsigned long ids[4] = {0};
    if (!line || sscanf(line, "\nUid:%lu%lu%lu%lu", &ids[0], &ids[1], &ids[2], &ids[3]) != 4) continue;
    uid_t uid = guard->config->uid;
    if (ids[0] == uid || ids[1] == uid || ids[2] == uid || ids[3] == uid)
      guard->procs[guard->nprocs++] = (struct process){.pid = pid};
  }
  closedir(proc);
  return -1;
}

/*
 * Every process the program started is a descendant of this helper (it is their subreaper), so the tree is
 * walked through /proc/<pid>/task/<tid>/children: a few reads for a normal program, where a scan of all of
 * /proc would cost milliseconds. Fills guard->procs (this helper excluded); -1 without that file.
 */
static int collect(struct guard *guard) {
  static long pids[MAX_TREE];
  size_t count = 0, next = 0;
  pids[count++] = getpid();
  char path[96], text[4096];
  guard->nprocs = 0;
  while (next < count) {
    long pid = pids[next++];
    if (next > 1) guard->procs[guard->nprocs++] = (struct process){.pid = pid};
    snprintf(path, sizeof path, "/proc/%ld/task", pid);
    DIR *tasks = opendir(path);
    if (!tasks) continue;
    for (struct dirent *task; (task = readdir(tasks)) != NULL;) {
      if (task->d_name[0] < '0' || task->d_name[0] > '9') continue;
      snprintf(path, sizeof path, "/proc/%ld/task/%.20s/children", pid, task->d_name);
      if (read_small(path, text, sizeof text) != 0) {
        if (errno == ENOENT && next == 1) {
          closedir(tasks);
          return collect_by_uid(guard);
        }
        continue;
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

static int oom_score_lowered(long pid) {
  char path[64], text[32];
  snprintf(path, sizeof path, "/proc/%ld/oom_score_adj", pid);
  return read_small(path, text, sizeof text) == 0 && atoi(text) < 1000;
}

/* Without the children files (CONFIG_PROC_CHILDREN), every process of the uid is looked at instead. */
static int uid_oom_score_lowered(uid_t uid) {
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
    lowered = oom_score_lowered(pid);
  }
  closedir(proc);
  return lowered;
}

/* ---- the cheap sum ------------------------------------------------------------------------------------- */

static long long sysv_shm_kb(uid_t uid) {
  FILE *file = fopen("/proc/sysvipc/shm", "re");
  if (!file) return 0;
  char line[512];
  long long total = 0;
  int uid_column = -1, cuid_column = -1, rss_column = -1;
  for (int row = 0; fgets(line, sizeof line, file); row++) {
    char *save = NULL;
    int column = 0;
    long long values[24] = {0};
    for (char *token = strtok_r(line, " \t\n", &save); token && column < 24;
         token = strtok_r(NULL, " \t\n", &save), column++) {
      if (row == 0) {
        if (strcmp(token, "uid") == 0) uid_column = column;
        if (strcmp(token, "cuid") == 0) cuid_column = column;
        if (strcmp(token, "rss") == 0) rss_column = column;
      } else {
        values[column] = atoll(token);
      }
    }
    if (row == 0 || uid_column < 0 || rss_column < 0) continue;
    if (values[uid_column] == (long long)uid || (cuid_column >= 0 && values[cuid_column] == (long long)uid))
      total += values[rss_column] / 1024;
  }
  fclose(file);
  return total;
}

/* What the run's files can be at most: the last walk's count plus all that each file system gained since. */
static long long files_estimate_kb(struct guard *guard, const char **over_files) {
  long long total = 0;
  for (int i = 0; i < guard->nfs; i++) {
    struct fs_state *fs = &guard->fs[i];
    struct statfs sf;
    if (statfs(fs->path, &sf) != 0) continue;
    long long used = (long long)(sf.f_blocks - sf.f_bfree) * sf.f_bsize;
    long long entries = (long long)(sf.f_files - sf.f_ffree);
    fs->growth_bytes = used > fs->used_bytes ? used - fs->used_bytes : 0;
    total += fs->owned_bytes + fs->growth_bytes;
    long long owned_entries = fs->owned_entries + (entries > fs->used_entries ? entries - fs->used_entries : 0);
    if (fs->files_share >= 0 && owned_entries > fs->files_share) *over_files = fs->path;
  }
  return total / 1024;
}

/* What the file systems gained since the last walk, all of it counted as the run's. */
static long long files_growth_kb(const struct guard *guard) {
  long long growth = 0;
  for (int i = 0; i < guard->nfs; i++) growth += guard->fs[i].growth_bytes;
  return growth / 1024;
}

/* The run's files as the last walk counted them. */
static long long own_files_kb(const struct guard *guard) {
  long long total = 0;
  for (int i = 0; i < guard->nfs; i++) total += guard->fs[i].owned_bytes;
  return total / 1024;
}

/* ---- the exact total ----------------------------------------------------------------------------------- */

static int is_shmem_dev(const struct guard *guard, dev_t dev) {
  return dev == guard->shm_dev || fs_index(guard, dev) >= 0;
}

/* The run's files by name, per file system: the whole work dir, and its own entries in the scratch dirs. */
static int walk_files(struct guard *guard, struct usage owned[MAX_FS]) {
  int reliable = 1;
  for (int i = 0; i < guard->nfs; i++) owned[i] = (struct usage){0, 0};
  const struct run_config *config = guard->config;
  for (int s = -1; s < config->nscratch; s++) {
    const char *path = s < 0 ? config->dir : config->scratch[s];
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    struct stat st;
    if (dir < 0 || fstat(dir, &st) != 0) {
      if (dir >= 0) close(dir);
      continue;
    }
    struct usage usage = {0, 0};
    if (s < 0) {
      if (tree_account(dir, ".", config->uid, guard->seen, &usage) != 0) reliable = 0;
    } else {
      DIR *listing = fdopendir(dup(dir));
      for (struct dirent *entry; listing && (entry = readdir(listing)) != NULL;) {
        struct stat top;
        if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' || strcmp(entry->d_name, "..") == 0)) continue;
        if (fstatat(dir, entry->d_name, &top, AT_SYMLINK_NOFOLLOW) != 0 || top.st_uid != config->uid) continue;
        if (tree_account(dir, entry->d_name, config->uid, guard->seen, &usage) != 0) reliable = 0;
      }
      if (listing) closedir(listing);
    }
    close(dir);
    int fs = fs_index(guard, st.st_dev);
    if (fs >= 0) {
      owned[fs].bytes += usage.bytes;
      owned[fs].entries += usage.entries;
    }
  }
  return reliable;
}

/* Files a process holds open on a tmpfs (unlinked ones too) that no walk could name: added to the owned
   usage of their file system, so that the estimates that follow keep them. Returns what lies on no file
   system the guard watches (memfds: refused to programs, counted all the same). */
static long long open_files_kb(struct guard *guard, long pid, struct usage owned[MAX_FS]) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/fd", pid);
  int fds = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fds < 0) return 0;
  DIR *listing = fdopendir(fds);
  if (!listing) {
    close(fds);
    return 0;
  }
  long long total = 0;
  for (struct dirent *entry; (entry = readdir(listing)) != NULL;) {
    struct stat st;
    if (entry->d_name[0] == '.') continue;
    if (fstatat(fds, entry->d_name, &st, 0) != 0 || !S_ISREG(st.st_mode)) continue;
    if (!is_shmem_dev(guard, st.st_dev) || !inode_set_add(guard->seen, st.st_dev, st.st_ino)) continue;
    int fs = fs_index(guard, st.st_dev);
    if (fs < 0) {
      total += (long long)st.st_blocks / 2;
    } else {
      owned[fs].bytes += (long long)st.st_blocks * 512;
      owned[fs].entries++;
    }
  }
  closedir(listing);
  return total;
}

/* A process's anonymous memory summed over its mappings (smaps' Anonymous), where neither its status
   (RssAnon) nor smaps_rollup says it: under gVisor, whose RSS counts the pages of mapped files too (all of
   the interpreter's binary). -1 when the process cannot be read (gone). */
static long long smaps_anon_kb(long pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/smaps", pid);
  FILE *file = fopen(path, "re");
  if (!file) return -1;
  char *line = NULL;
  size_t size = 0;
  long long total = 0;
  while (getline(&line, &size, file) > 0)
    if (strncmp(line, "Anonymous:", 10) == 0) total += atoll(line + 10);
  free(line);
  fclose(file);
  return total;
}

/* Shared memory a process maps that is not counted already: anonymous shared mappings, memfds, tmpfs
   files no walk found. SysV segments are counted from /proc/sysvipc. Per mapping, its proportional share
   of the pages that are not anonymous. */
static long long mapped_shmem_kb(struct guard *guard, long pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%ld/smaps", pid);
  FILE *file = fopen(path, "re");
  if (!file) return -1;
  char *line = NULL;
  size_t size = 0;
  long long total = 0, pss = 0;
  int counted = 0;
  while (getline(&line, &size, file) > 0) {
    char *space = strchr(line, ' '), *colon = strchr(line, ':');
    if (colon && (!space || colon < space)) {
      if (!counted) continue;
      if (strncmp(line, "Pss:", 4) == 0) pss = atoll(line + 4);
      if (strncmp(line, "Anonymous:", 10) == 0) {
        long long anon = atoll(line + 10);
        if (pss > anon) total += pss - anon;
        counted = 0;
      }
      continue;
    }
    unsigned major = 0, minor = 0;
    unsigned long long inode = 0;
    int name_at = 0;
    counted = 0;
    if (sscanf(line, "%*x-%*x %*s %*x %x:%x %llu %n", &major, &minor, &inode, &name_at) < 3) continue;
    dev_t dev = makedev(major, minor);
    if (!is_shmem_dev(guard, dev) || strncmp(line + name_at, "/SYSV", 5) == 0) continue;
    counted = !inode_set_has(guard->seen, dev, (ino_t)inode);
    pss = 0;
  }
  free(line);
  fclose(file);
  return total;
}

/* The exact total, in KiB (see the top of this file); with `files_only`, only the files are counted again
   (the processes' proportional sizes cost a walk of their page tables: milliseconds for a big compiler). */
static long long precise_kb(struct guard *guard, struct usage owned[MAX_FS], int *reliable, int files_only) {
  const struct run_config *config = guard->config;
  inode_set_clear(guard->seen);
  setfsgid(config->gid);
  setfsuid(config->uid);
  *reliable = walk_files(guard, owned);
  long long total = 0, largest_file = 0;
  for (size_t i = 0; i < guard->nprocs; i++) total += open_files_kb(guard, guard->procs[i].pid, owned);
  for (int i = 0; i < guard->nfs; i++) total += owned[i].bytes / 1024;
  for (size_t i = 0; i < guard->nprocs && !files_only; i++) {
    struct process *p = &guard->procs[i];
    if (p->file_kb > largest_file) largest_file = p->file_kb;
    char path[64], text[2048];
    snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", p->pid);
    long long shmem = -1;
    if (read_small(path, text, sizeof text) == 0) {
      total += field_kb(text, "\nPss_Anon:");
      shmem = field_kb(text, "\nPss_Shmem:") > 0 ? mapped_shmem_kb(guard, p->pid) : 0;
    } else if (errno != ENOENT && errno != ESRCH) {
      total += p->anon_kb; /* non-dumpable: its RSS, which can only over-count */
    } else if (guard->rss_unsplit) {
      long long anon = smaps_anon_kb(p->pid); /* gVisor: no smaps_rollup */
      total += anon >= 0 ? anon : p->anon_kb;
    }
    total += shmem >= 0 ? shmem : p->shmem_kb;
  }
  setfsuid(0);
  setfsgid(0);
  return total + largest_file + sysv_shm_kb(config->uid);
}

/* Take the exact total. A walk that the program raced (a directory moved while the walk was below it) is
   not trusted: the over-count stands until the next one. */
static void measure(struct guard *guard, long long cheap, const char *over_files, int files_only) {
  /* The file systems are looked at before the walk: what grows during it is counted twice, never missed. */
  long long used_bytes[MAX_FS] = {0}, used_entries[MAX_FS] = {0};
  for (int i = 0; i < guard->nfs; i++) {
    struct statfs sf;
    if (statfs(guard->fs[i].path, &sf) != 0) {
      used_bytes[i] = guard->fs[i].used_bytes;
      used_entries[i] = guard->fs[i].used_entries;
      continue;
    }
    used_bytes[i] = (long long)(sf.f_blocks - sf.f_bfree) * sf.f_bsize;
    used_entries[i] = (long long)(sf.f_files - sf.f_ffree);
  }
  struct usage owned[MAX_FS];
  int reliable = 1;
  long long exact = precise_kb(guard, owned, &reliable, files_only);
  if (!reliable) {
    guard->precise_kb = cheap;
    guard->files_over = over_files;
    return;
  }
  if (!files_only) guard->precise_kb = exact;
  guard->files_over = NULL;
  for (int i = 0; i < guard->nfs; i++) {
    struct fs_state *fs = &guard->fs[i];
    /* From here on the estimate grows from what the walk found. */
    fs->used_bytes = used_bytes[i];
    fs->used_entries = used_entries[i];
    fs->owned_bytes = owned[i].bytes;
    fs->owned_entries = owned[i].entries;
    if (fs->files_share >= 0 && fs->owned_entries > fs->files_share) guard->files_over = fs->path;
  }
}

/* ---- one tick ------------------------------------------------------------------------------------------ */

const char *guard_tick(struct guard *guard) {
  const struct run_config *config = guard->config;
  int tree = collect(guard);
  if (guard->check_oom_score) {
    if (tree < 0 && uid_oom_score_lowered(config->uid)) return "oom_score_adj";
    for (size_t i = 0; i < guard->nprocs; i++)
      if (oom_score_lowered(guard->procs[i].pid)) return "oom_score_adj";
  }
  long long cheap = 0, largest_file = 0;
  char path[64], text[2048];
  for (size_t i = 0; i < guard->nprocs; i++) {
    struct process *p = &guard->procs[i];
    snprintf(path, sizeof path, "/proc/%ld/status", p->pid);
    if (read_small(path, text, sizeof text) != 0) continue;
    p->anon_kb = field_kb(text, "\nRssAnon:");
    p->file_kb = field_kb(text, "\nRssFile:");
    p->shmem_kb = field_kb(text, "\nRssShmem:");
    if (guard->rss_unsplit) {
      /* gVisor: the status has VmRSS only, file pages included; smaps has the anonymous part. Reading
         another uid's smaps takes its fsuid, as for the exact total. */
      setfsgid(config->gid);
      setfsuid(config->uid);
      long long anon = smaps_anon_kb(p->pid);
      setfsuid(0);
      setfsgid(0);
      p->anon_kb = anon >= 0 ? anon : field_kb(text, "\nVmRSS:");
    }
    cheap += p->anon_kb + p->shmem_kb;
    if (p->file_kb > largest_file) largest_file = p->file_kb;
  }
  const char *over_files = NULL;
  long long procs = cheap + largest_file, sysv = sysv_shm_kb(config->uid);
  cheap = procs + files_estimate_kb(guard, &over_files) + sysv;
  long long limit_kb = config->memory_bytes >= 0 ? config->memory_bytes / 1024 : -1;
  long long now = now_ns();
  int over_memory = limit_kb >= 0 && cheap > limit_kb;
  long long since = now - guard->last_precise_ns;
  /* Past the memory limit by the over-count: the exact total decides (at once when a first one found the
     run over, to confirm it). Past a share of a file system's entries by the estimate: they are counted at
     once, with the run stopped (SIGSTOP to every process of the uid, SIGCONT after unless it is ended): a
     flood of empty files makes thousands a second, as fast as a walk counts them, so a run left going
     while it is counted would be far past its share before the count ended. Under both, but the file
     systems grew: the files are counted again, so that what is reported as the run's memory is its own
     files, not what another slot wrote meanwhile. */
  long long before = guard->precise_kb;
  int measured = 0;
  if (over_files || (over_memory ? since >= PRECISE_INTERVAL_NS || guard->suspect
                                 : files_growth_kb(guard) >= WALK_GROWTH_KB && since >= WALK_INTERVAL_NS)) {
    int stopped = over_files && stop_as(config->uid, config->gid);
    guard->last_precise_ns = now;
    measure(guard, cheap, over_files, !over_memory);
    measured = over_memory;
    if (stopped && !guard->files_over) continue_as(config->uid, config->gid);
  }
  long long total = procs + own_files_kb(guard) + sysv;
  if (over_memory) {
    total = guard->precise_kb < cheap ? guard->precise_kb : cheap;
    /* The processes are read one after the other: a fork under way between two reads can make a page
       count twice. A run is over its limit only when two exact totals in a row say so, and the lower of
       the two is its peak; one alone is held (not recorded) until the next, taken at the next tick. */
    int past = total > limit_kb;
    if (measured) {
      int confirmed = past && guard->suspect;
      guard->suspect = past && !confirmed;
      if (confirmed && before < total) total = before;
    }
    if (guard->suspect) return over_files && guard->files_over ? "files" : NULL;
  }
  if (total > guard->peak_kb) guard->peak_kb = total;
  if (limit_kb >= 0 && total > limit_kb) return "memory";
  if (over_files && guard->files_over) return "files";
  return NULL;
}
