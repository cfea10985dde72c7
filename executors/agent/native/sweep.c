/*
 * After a run: kill every process of the slot's uid, remove its SysV IPC, its work dir and everything it
 * owns in the scratch dirs, then check that the slot is back at its baseline. Done here, in the helper that
 * ran the program, so that the next run of the slot waits for no other process.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kiln-run.h"

/* SysV IPC objects outlive their creator. IPC_RMID needs the owner's uid (or CAP_SYS_ADMIN, which nothing
   here holds): this runs as the uid. Returns how many were found. */
static int remove_ipc(uid_t uid, int remove) {
  static const char *const kinds[] = {"shm", "msg", "sem"};
  static const char *const ids[] = {"shmid", "msqid", "semid"};
  int found = 0;
  for (int k = 0; k < 3; k++) {
    char path[32], line[512];
    snprintf(path, sizeof path, "/proc/sysvipc/%s", kinds[k]);
    FILE *file = fopen(path, "re");
    if (!file) continue;
    int id_column = -1, uid_column = -1, cuid_column = -1;
    for (int row = 0; fgets(line, sizeof line, file); row++) {
      char *save = NULL;
      long long values[24] = {0};
      int column = 0;
      for (char *token = strtok_r(line, " \t\n", &save); token && column < 24;
           token = strtok_r(NULL, " \t\n", &save), column++) {
        if (row > 0) values[column] = atoll(token);
        else if (strcmp(token, ids[k]) == 0) id_column = column;
        else if (strcmp(token, "uid") == 0) uid_column = column;
        else if (strcmp(token, "cuid") == 0) cuid_column = column;
      }
      if (row == 0 || id_column < 0 || uid_column < 0) continue;
      if (values[uid_column] != (long long)uid && (cuid_column < 0 || values[cuid_column] != (long long)uid))
        continue;
      found++;
      if (!remove) continue;
      int id = (int)values[id_column];
      if (k == 0) shmctl(id, IPC_RMID, NULL);
      if (k == 1) msgctl(id, IPC_RMID, NULL);
      if (k == 2) semctl(id, 0, IPC_RMID);
    }
    fclose(file);
  }
  return found;
}

static int become(uid_t uid, gid_t gid) {
  return setgroups(0, NULL) == 0 && setresgid(gid, gid, gid) == 0 && setresuid(uid, uid, uid) == 0 ? 0 : -1;
}

/* Send `sig` to every process of uid, from a child that becomes uid: kill(-1) then signals exactly the
   processes the uid may signal (its own, in this pid namespace), in one pass the kernel makes under the
   task-list lock. With `remove_ipc_too`, the same child removes the uid's SysV IPC objects. */
static int signal_as(uid_t uid, gid_t gid, int sig, int remove_ipc_too) {
  pid_t sender = fork();
  if (sender < 0) return 0;
  if (sender == 0) {
    if (become(uid, gid) != 0) _exit(2);
    int sent = kill(-1, sig) == 0 || errno == ESRCH;
    if (remove_ipc_too) remove_ipc(uid, 1);
    _exit(sent ? 0 : 1);
  }
  int status = 0;
  while (waitpid(sender, &status, 0) < 0) {
    if (errno != EINTR) return 0;
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Kill every process of uid (a fork bomb cannot slip a child past the one pass: a task with a fatal signal
   pending cannot fork), and remove its SysV IPC objects. */
int kill_as(uid_t uid, gid_t gid) {
  return signal_as(uid, gid, SIGKILL, 1);
}

int stop_as(uid_t uid, gid_t gid) {
  return signal_as(uid, gid, SIGSTOP, 0);
}

int continue_as(uid_t uid, gid_t gid) {
  return signal_as(uid, gid, SIGCONT, 0);
}

/*
 * After the program's main process is reaped, every process it left is ours (we are their subreaper): kill
 * them all, then reap until none is left. ECHILD then means the kernel confirms no process of the run is.
 */
int kill_all_of(uid_t uid, gid_t gid) {
  /* No child left means no process of the uid is left: the kill (a fork) is skipped. */
  if (waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD) return 1;
  int killed = kill_as(uid, gid);
  for (;;) {
    pid_t reaped = waitpid(-1, NULL, 0);
    if (reaped < 0 && errno == ECHILD) return killed;
    if (reaped < 0 && errno != EINTR) return 0;
  }
}

/* Live processes of uid (real, effective, saved or file-system), by a scan of /proc. */
static int processes_of(uid_t uid) {
  DIR *proc = opendir("/proc");
  if (!proc) return -1;
  int found = 0;
  char path[64], text[2048];
  for (struct dirent *entry; (entry = readdir(proc)) != NULL;) {
    char *end = NULL;
    long pid = strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    if (read_small(path, text, sizeof text) != 0) continue;
    const char *line = strstr(text, "\nUid:");
    unsigned long ids[4] = {0};
    if (!line || sscanf(line, "\nUid:%lu%lu%lu%lu", &ids[0], &ids[1], &ids[2], &ids[3]) != 4) continue;
    char state = ' ';
    const char *state_line = strstr(text, "\nState:");
    if (state_line) sscanf(state_line, "\nState: %c", &state);
    if (state == 'Z' || state == 'X') continue; /* zombies hold nothing but a pid */
    if (ids[0] == uid || ids[1] == uid || ids[2] == uid || ids[3] == uid) found++;
  }
  closedir(proc);
  return found;
}

/* Processes that are not ours to reap (a janitor pass for a slot whose helper died): kill until none. */
static int kill_until_none(uid_t uid, gid_t gid) {
  for (int round = 0; round < 100; round++) {
    int left = processes_of(uid);
    if (left == 0) return 1;
    kill_as(uid, gid);
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
    struct timespec pause = {0, (round < 20 ? 1 + round : 20) * 1000000L};
    nanosleep(&pause, NULL);
  }
  return processes_of(uid) == 0;
}

/* Remove what uid owns at the top of a scratch dir; returns the entries left (its own and below them). */
static long remove_owned(const char *path, uid_t uid, long *found) {
  int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) return errno == ENOENT ? 0 : 1;
  long left = 0;
  DIR *listing = fdopendir(dup(dir));
  for (int pass = 0; listing && pass < 2; pass++) {
    rewinddir(listing);
    for (struct dirent *entry; (entry = readdir(listing)) != NULL;) {
      struct stat st;
      if (entry->d_name[0] == '.' && (entry->d_name[1] == '\0' || strcmp(entry->d_name, "..") == 0)) continue;
      if (fstatat(dir, entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || st.st_uid != uid) continue;
      if (pass == 0) {
        (*found)++;
        tree_remove(dir, entry->d_name);
      } else {
        left++;
      }
    }
  }
  if (listing) closedir(listing);
  close(dir);
  return left;
}

static void note(char *problems, size_t size, const char *what) {
  size_t used = strlen(problems);
  if (used + 1 < size) snprintf(problems + used, size - used, "%s%s", used ? "; " : "", what);
}

int sweep(const struct run_config *config, int processes_confirmed_gone, char *problems, size_t size) {
  problems[0] = '\0';
  if (!processes_confirmed_gone && !kill_until_none(config->uid, config->gid)) note(problems, size, "processes left");
  /* The work dir: its parent is root's, so it is removed by name below that parent. */
  const char *slash = strrchr(config->dir, '/');
  char parent[4096];
  if (!slash || (size_t)(slash - config->dir) >= sizeof parent) {
    note(problems, size, "work dir path unusable");
  } else {
    size_t length = slash == config->dir ? 1 : (size_t)(slash - config->dir);
    memcpy(parent, config->dir, length);
    parent[length] = '\0';
    int dir = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0 || tree_remove(dir, slash + 1) != 0) note(problems, size, "work dir not removed");
    if (dir >= 0) close(dir);
  }
  for (int i = 0; i < config->nscratch; i++) {
    long found = 0;
    if (remove_owned(config->scratch[i], config->uid, &found) != 0) {
      char what[64];
      snprintf(what, sizeof what, "entries left in scratch dir %d", i);
      note(problems, size, what);
    }
  }
  if (remove_ipc(config->uid, 0) > 0) {
    kill_as(config->uid, config->gid); /* removes them, as the uid */
    if (remove_ipc(config->uid, 0) > 0) note(problems, size, "SysV IPC left");
  }
  return problems[0] == '\0';
}
