/* Shared declarations of kiln-run's parts: main (kiln-run.c), the guard (guard.c), the file-system walks
   (tree.c) and the clean-up after a run (sweep.c). */
#ifndef KILN_RUN_H
#define KILN_RUN_H

#include <stddef.h>
#include <sys/types.h>

#define SETUP_FAILED 125
#define MAX_SCRATCH 8
#define MAX_FS (MAX_SCRATCH + 1)

/* What the run may touch and how much of it: filled from argv, read by every part. */
struct run_config {
  uid_t uid;
  gid_t gid;
  const char *dir;                   /* the run's work dir: its whole tree is the run's */
  const char *scratch[MAX_SCRATCH];  /* shared dirs (/tmp, /dev/shm, /dev/mqueue): the uid's entries */
  int nscratch;
  long long memory_bytes;            /* run-wide memory limit; < 0: none */
  int slots;                         /* slots sharing the scratch file systems (for the per-run file share) */
};

/* ---- tree.c: walks by directory file descriptor, never by path, so no name and no depth defeats them. */

/* A set of (device, inode) pairs: what has been counted once already. */
struct inode_set;
struct inode_set *inode_set_new(size_t capacity);
void inode_set_free(struct inode_set *set);
void inode_set_clear(struct inode_set *set);
/* Adds the pair; returns 1 if it was new, 0 if already there (or the set is full: counted as new). */
int inode_set_add(struct inode_set *set, dev_t dev, ino_t ino);
int inode_set_has(const struct inode_set *set, dev_t dev, ino_t ino);

/* Totals of a walk: bytes allocated and entries, per device. */
struct usage {
  long long bytes;
  long long entries;
};

/* Add to *usage every entry of the tree `name` (below the directory `parent`) that `uid` owns and that is not
   in `seen` yet, adding it to `seen`. Runs as the caller's fsuid: call it with the uid's. Returns 0, or -1
   if the tree changed under it in a way that makes the total unreliable (the caller then estimates). */
int tree_account(int parent, const char *name, uid_t uid, struct inode_set *seen, struct usage *usage);

/* Remove the tree `name` below `parent` whoever owns it, taking each directory back first (chown to root,
   then chmod 0700: the agent has CAP_CHOWN, not CAP_DAC_OVERRIDE). Returns the number of entries that could
   not be removed (0: all gone). */
long tree_remove(int parent, const char *name);

/* ---- guard.c: the OOM-score guard and the run-wide memory and file accounting, sampled while it runs. */

struct guard;
struct guard *guard_new(const struct run_config *config, int check_oom_score);
/* One sample of the program's process tree (rooted at this helper). Returns 0 while within its limits, or
   the violation that ended it: "oom_score_adj", "memory" or "files". */
const char *guard_tick(struct guard *guard);
/* The run's peak memory, in KiB, as sampled. */
long long guard_peak_kb(const struct guard *guard);
/* The processes' RSS counts file pages and has no anonymous part of its own (gVisor): see guard.c. */
int guard_rss_unsplit(const struct guard *guard);

/* ---- sweep.c: after the run, kill everything of the uid and remove everything it left. */

/* Kill every process of the uid and reap what was ours; 1 when the kernel confirmed none is left. */
int kill_all_of(uid_t uid, gid_t gid);
/* Kill every process of the uid once, from a child that becomes the uid; its SysV IPC goes too. */
int kill_as(uid_t uid, gid_t gid);
/* Stop, then let go on, every process of the uid (the guard, while it counts the run's files). */
int stop_as(uid_t uid, gid_t gid);
int continue_as(uid_t uid, gid_t gid);
/* Leave the slot as it was: no process, work dir, scratch entry or SysV IPC object of the uid. Writes
   what is still left (bounded) into `problems`; returns 1 when clean. */
int sweep(const struct run_config *config, int processes_confirmed_gone, char *problems, size_t size);

/* ---- small helpers (kiln-run.c) */
int read_small(const char *path, char *buffer, size_t size);
int read_small_at(int dir, const char *name, char *buffer, size_t size);

#endif
