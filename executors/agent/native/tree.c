/*
 * Walks of a tree a run created: removing it after the run, measuring it while the run goes on.
 *
 * Both work by directory file descriptor (openat, fstatat, unlinkat) and hold one directory open at a time:
 * they go down by name and come back up through "..", checking that it is the directory they came from.
 * So neither builds a path: a tree thousands of levels deep, or names of 255 bytes that are not UTF-8,
 * with newlines or leading dashes, are walked like any other (tests/hostile/<language>/deep_tree,
 * odd_names). Symbolic links are never followed, FIFOs and sockets never opened.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiln-run.h"

/* ---- a growable set of (device, inode) pairs, open addressing ---------------------------------------- */

struct inode_set {
  size_t capacity, count;
  struct pair { dev_t dev; ino_t ino; int used; } *slots;
};

struct inode_set *inode_set_new(size_t capacity) {
  struct inode_set *set = calloc(1, sizeof *set);
  if (!set) return NULL;
  set->capacity = capacity < 64 ? 64 : capacity;
  set->slots = calloc(set->capacity, sizeof *set->slots);
  if (!set->slots) {
    free(set);
    return NULL;
  }
  return set;
}

void inode_set_free(struct inode_set *set) {
  if (!set) return;
  free(set->slots);
  free(set);
}

void inode_set_clear(struct inode_set *set) {
  memset(set->slots, 0, set->capacity * sizeof *set->slots);
  set->count = 0;
}

static size_t slot_of(const struct inode_set *set, dev_t dev, ino_t ino) {
  uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ULL ^ (uint64_t)dev * 0xc2b2ae3d27d4eb4fULL;
  size_t i = (size_t)(h >> 17) % set->capacity;
  while (set->slots[i].used && (set->slots[i].dev != dev || set->slots[i].ino != ino)) {
    i = (i + 1) % set->capacity;
  }
  return i;
}

int inode_set_has(const struct inode_set *set, dev_t dev, ino_t ino) {
  return set->slots[slot_of(set, dev, ino)].used;
}

static int grow(struct inode_set *set) {
  struct inode_set bigger = {set->capacity * 2, 0, calloc(set->capacity * 2, sizeof *set->slots)};
  if (!bigger.slots) return -1;
  for (size_t i = 0; i < set->capacity; i++) {
    if (!set->slots[i].used) continue;
    bigger.slots[slot_of(&bigger, set->slots[i].dev, set->slots[i].ino)] = set->slots[i];
    bigger.count++;
  }
  free(set->slots);
  *set = bigger;
  return 0;
}

int inode_set_add(struct inode_set *set, dev_t dev, ino_t ino) {
  /* Out of memory: count it as new. An over-count only errs towards the limit, never past it. */
  if (set->count * 2 >= set->capacity && grow(set) != 0) return 1;
  size_t i = slot_of(set, dev, ino);
  if (set->slots[i].used) return 0;
  set->slots[i] = (struct pair){dev, ino, 1};
  set->count++;
  return 1;
}

/* ---- the path back up ------------------------------------------------------------------------------- */

struct frame {
  dev_t dev;
  ino_t ino;
  long cookie; /* where the walk stopped reading this directory (measuring only) */
};

struct stack {
  struct frame *frames;
  size_t depth, capacity;
};

static int push(struct stack *stack, const struct stat *st) {
  if (stack->depth == stack->capacity) {
    size_t capacity = stack->capacity ? stack->capacity * 2 : 64;
    struct frame *frames = realloc(stack->frames, capacity * sizeof *frames);
    if (!frames) return -1;
    stack->frames = frames;
    stack->capacity = capacity;
  }
  stack->frames[stack->depth++] = (struct frame){st->st_dev, st->st_ino, 0};
  return 0;
}

/* The parent of the directory open as `d`, checked to be the one the walk came down from. */
static DIR *up(DIR *d, const struct frame *expected) {
  int parent = openat(dirfd(d), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) return NULL;
  struct stat st;
  if (fstat(parent, &st) != 0 || st.st_dev != expected->dev || st.st_ino != expected->ino) {
    close(parent);
    return NULL;
  }
  DIR *opened = fdopendir(parent);
  if (!opened) close(parent);
  return opened;
}

static int dots(const char *name) {
  return name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

static int same(const struct stat *a, const struct stat *b) {
  return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* ---- removing --------------------------------------------------------------------------------------- */

/* Make the directory root's and 0700, then open it: from then on no slot uid can add, rename or swap
   anything inside it. Checked to be the directory that was looked at. */
static DIR *take(int parent, const char *name, const struct stat *expected) {
  if (fchownat(parent, name, 0, 0, AT_SYMLINK_NOFOLLOW) != 0) return NULL;
  if (fchmodat(parent, name, 0700, 0) != 0) return NULL;
  int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return NULL;
  struct stat st;
  DIR *d = NULL;
  if (fstat(fd, &st) == 0 && same(&st, expected)) d = fdopendir(fd);
  if (!d) close(fd);
  return d;
}

/* Empty the directory open as `top` (its frame is the stack's first). Returns the entries left. */
static long empty(DIR *d, struct stack *stack, struct inode_set *stuck) {
  long left = 0;
  for (;;) {
    int went_down = 0;
    rewinddir(d);
    for (struct dirent *entry; !went_down && (entry = readdir(d)) != NULL;) {
      if (dots(entry->d_name)) continue;
      struct stat st;
      if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT) left++;
        continue;
      }
      if (inode_set_has(stuck, st.st_dev, st.st_ino)) continue;
      if (!S_ISDIR(st.st_mode)) {
        if (unlinkat(dirfd(d), entry->d_name, 0) != 0 && errno != ENOENT) {
          inode_set_add(stuck, st.st_dev, st.st_ino);
          left++;
        }
        continue;
      }
      DIR *child = take(dirfd(d), entry->d_name, &st);
      if (!child || push(stack, &st) != 0) {
        if (child) closedir(child);
        inode_set_add(stuck, st.st_dev, st.st_ino);
        left++;
        continue;
      }
      closedir(d);
      d = child;
      went_down = 1;
    }
    if (went_down) continue;
    /* This directory holds nothing removable any more: back up and remove it, by its inode. */
    if (stack->depth == 1) {
      closedir(d);
      return left;
    }
    struct frame done = stack->frames[--stack->depth];
    DIR *parent = up(d, &stack->frames[stack->depth - 1]);
    closedir(d);
    if (!parent) return left + 1;
    d = parent;
    for (struct dirent *entry; (entry = readdir(d)) != NULL;) {
      struct stat st;
      if (dots(entry->d_name) || fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      if (st.st_dev != done.dev || st.st_ino != done.ino) continue;
      if (unlinkat(dirfd(d), entry->d_name, AT_REMOVEDIR) != 0) {
        inode_set_add(stuck, st.st_dev, st.st_ino);
        left++;
      }
      break;
    }
  }
}

long tree_remove(int parent, const char *name) {
  struct stat st;
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return errno == ENOENT ? 0 : 1;
  if (!S_ISDIR(st.st_mode)) return unlinkat(parent, name, 0) == 0 || errno == ENOENT ? 0 : 1;
  DIR *d = take(parent, name, &st);
  if (!d) return 1;
  struct stack stack = {0};
  struct inode_set *stuck = inode_set_new(64);
  long left = 1;
  if (stuck && push(&stack, &st) == 0) left = empty(d, &stack, stuck);
  else closedir(d);
  free(stack.frames);
  inode_set_free(stuck);
  if (left == 0 && unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT) left = 1;
  return left;
}

/* ---- measuring -------------------------------------------------------------------------------------- */

/* More entries than any tmpfs here holds (their inode limits are thousands): a walk that sees this many is
   racing a program that keeps creating them, and its total is not trusted. */
#define MAX_VISITS 400000

/*
 * Open a directory of the tree for reading, as the uid. A directory its owner made unreadable (chmod 000)
 * is opened by giving the owner read and search back for a moment: as the uid's fsuid the helper is its
 * owner, so it may; otherwise what is inside would escape the count.
 */
static DIR *open_to_read(int parent, const char *name, const struct stat *st, uid_t uid) {
  int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
  int fd = openat(parent, name, flags);
  if (fd < 0 && errno == EACCES && st->st_uid == uid) {
    mode_t mode = st->st_mode & 07777;
    if (fchmodat(parent, name, mode | 0500, 0) == 0) {
      fd = openat(parent, name, flags);
      fchmodat(parent, name, mode, 0);
    }
  }
  if (fd < 0) return NULL;
  struct stat opened;
  DIR *d = NULL;
  if (fstat(fd, &opened) == 0 && same(&opened, st)) d = fdopendir(fd);
  if (!d) close(fd);
  return d;
}

static void count(const struct stat *st, uid_t uid, struct inode_set *seen, struct usage *usage) {
  if (st->st_uid != uid || !inode_set_add(seen, st->st_dev, st->st_ino)) return;
  usage->bytes += (long long)st->st_blocks * 512;
  usage->entries++;
}

int tree_account(int parent, const char *name, uid_t uid, struct inode_set *seen, struct usage *usage) {
  struct stat st;
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return 0; /* gone meanwhile */
  count(&st, uid, seen, usage);
  if (!S_ISDIR(st.st_mode)) return 0;
  DIR *d = open_to_read(parent, name, &st, uid);
  if (!d) return 0;
  struct stack stack = {0};
  if (push(&stack, &st) != 0) {
    closedir(d);
    return -1;
  }
  long visits = 0;
  int result = 0;
  for (;;) {
    int went_down = 0;
    for (struct dirent *entry; !went_down && (entry = readdir(d)) != NULL;) {
      if (dots(entry->d_name)) continue;
      if (++visits > MAX_VISITS) {
        result = -1;
        goto out;
      }
      if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
      count(&st, uid, seen, usage);
      if (!S_ISDIR(st.st_mode)) continue;
      long cookie = telldir(d);
      DIR *child = open_to_read(dirfd(d), entry->d_name, &st, uid);
      if (!child) continue;
      if (push(&stack, &st) != 0) {
        closedir(child);
        result = -1;
        goto out;
      }
      stack.frames[stack.depth - 2].cookie = cookie;
      closedir(d);
      d = child;
      went_down = 1;
    }
    if (went_down) continue;
    if (stack.depth == 1) break;
    stack.depth--;
    DIR *parent_dir = up(d, &stack.frames[stack.depth - 1]);
    closedir(d);
    d = parent_dir;
    if (!d) {
      result = -1; /* moved while we were below it */
      break;
    }
    seekdir(d, stack.frames[stack.depth - 1].cookie);
  }
out:
  if (d) closedir(d);
  free(stack.frames);
  return result;
}
