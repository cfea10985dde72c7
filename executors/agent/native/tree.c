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

/* ---- the path back up, and what is left to visit on it ------------------------------------------- */

/*
 * Each directory on the path is read once, all of it, and the subdirectories it holds are kept by name (and
 * inode, to check that the name still leads to the same one) until the walk has been down each. Coming back
 * up from a child, the walk takes the next name: it never reads a directory again from where it was. That
 * is what keeps a walk linear. Resuming a read instead (seekdir to the child's cookie) makes the kernel
 * hand over a whole buffer of entries again for every child, so a directory of thousands of subdirectories
 * cost seconds: the guard measured a flood of entries too late to stop it, and the sweep after it held
 * the other slot's file systems full (tests/hostile/<language>/many_files).
 */
struct child {
  dev_t dev;
  ino_t ino;
  size_t name; /* offset into the frame's names */
};

struct frame {
  dev_t dev;
  ino_t ino;
  int listed, busy; /* read once already; the last reading found something to do (removing only) */
  struct child *children;
  size_t count, next, capacity;
  char *names;
  size_t used, room;
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
  stack->frames[stack->depth++] = (struct frame){.dev = st->st_dev, .ino = st->st_ino};
  return 0;
}

static void forget_children(struct frame *frame) {
  free(frame->children);
  free(frame->names);
  frame->children = NULL;
  frame->names = NULL;
  frame->count = frame->next = frame->capacity = frame->used = frame->room = 0;
}

static void pop(struct stack *stack) {
  forget_children(&stack->frames[--stack->depth]);
}

static void free_stack(struct stack *stack) {
  while (stack->depth > 0) pop(stack);
  free(stack->frames);
}

static int add_child(struct frame *frame, const char *name, const struct stat *st) {
  size_t length = strlen(name) + 1;
  if (frame->count == frame->capacity) {
    size_t capacity = frame->capacity ? frame->capacity * 2 : 16;
    struct child *children = realloc(frame->children, capacity * sizeof *children);
    if (!children) return -1;
    frame->children = children;
    frame->capacity = capacity;
  }
  if (frame->used + length > frame->room) {
    size_t room = frame->room ? frame->room * 2 : 1024;
    while (room < frame->used + length) room *= 2;
    char *names = realloc(frame->names, room);
    if (!names) return -1;
    frame->names = names;
    frame->room = room;
  }
  memcpy(frame->names + frame->used, name, length);
  frame->children[frame->count++] = (struct child){st->st_dev, st->st_ino, frame->used};
  frame->used += length;
  return 0;
}

/* The next child of `frame` still to visit, looked up again below `dir`: 1 with its name and stat, 0 when
   there is none left. A name that no longer leads to the same directory is passed over. */
static int next_child(struct frame *frame, int dir, const char **name, struct stat *st) {
  while (frame->next < frame->count) {
    const struct child *child = &frame->children[frame->next++];
    *name = frame->names + child->name;
    if (fstatat(dir, *name, st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st->st_mode) && st->st_dev == child->dev &&
        st->st_ino == child->ino)
      return 1;
  }
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

/* Read the directory open as `d` again from its start, for `frame`: unlink what is not a directory, keep
   the subdirectories to go down into. Returns whether there was anything to do. */
static int list_to_remove(DIR *d, struct frame *frame, struct inode_set *stuck, long *left) {
  int busy = 0;
  forget_children(frame);
  rewinddir(d);
  for (struct dirent *entry; (entry = readdir(d)) != NULL;) {
    if (dots(entry->d_name)) continue;
    struct stat st;
    if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) (*left)++;
      continue;
    }
    if (inode_set_has(stuck, st.st_dev, st.st_ino)) continue;
    busy = 1;
    if (S_ISDIR(st.st_mode) ? add_child(frame, entry->d_name, &st) != 0
                            : unlinkat(dirfd(d), entry->d_name, 0) != 0 && errno != ENOENT) {
      inode_set_add(stuck, st.st_dev, st.st_ino);
      (*left)++;
    }
  }
  return busy;
}

/*
 * Empty the directory open as `d` (its frame is the stack's first). Returns the entries left. Each
 * directory is taken before it is read, so nothing is added to it meanwhile; it is read again once its
 * subdirectories are gone, for what readdir may have passed over while entries were being unlinked, until
 * a reading finds nothing left to do.
 */
static long empty(DIR *d, struct stack *stack, struct inode_set *stuck) {
  long left = 0;
  for (;;) {
    struct frame *frame = &stack->frames[stack->depth - 1];
    const char *name;
    struct stat st;
    if (next_child(frame, dirfd(d), &name, &st)) {
      DIR *child = take(dirfd(d), name, &st);
      if (!child || push(stack, &st) != 0) {
        if (child) closedir(child);
        inode_set_add(stuck, st.st_dev, st.st_ino);
        left++;
        continue;
      }
      closedir(d);
      d = child;
      continue;
    }
    if (!frame->listed || frame->busy) {
      frame->busy = list_to_remove(d, frame, stuck, &left);
      frame->listed = 1;
      continue;
    }
    /* This directory holds nothing removable any more: back up and remove it, by the name it was found
       under, once that name is checked to still lead to it. */
    if (stack->depth == 1) {
      closedir(d);
      return left;
    }
    struct frame done = *frame;
    pop(stack);
    DIR *parent = up(d, &stack->frames[stack->depth - 1]);
    closedir(d);
    if (!parent) return left + 1;
    d = parent;
    const struct frame *above = &stack->frames[stack->depth - 1];
    name = above->names + above->children[above->next - 1].name;
    if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_dev == done.dev && st.st_ino == done.ino &&
        unlinkat(dirfd(d), name, AT_REMOVEDIR) != 0) {
      inode_set_add(stuck, st.st_dev, st.st_ino);
      left++;
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
  free_stack(&stack);
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
    struct frame *frame = &stack.frames[stack.depth - 1];
    if (!frame->listed) {
      frame->listed = 1;
      for (struct dirent *entry; (entry = readdir(d)) != NULL;) {
        if (dots(entry->d_name)) continue;
        if (++visits > MAX_VISITS) {
          result = -1;
          goto out;
        }
        if (fstatat(dirfd(d), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        count(&st, uid, seen, usage);
        if (S_ISDIR(st.st_mode) && add_child(frame, entry->d_name, &st) != 0) {
          result = -1;
          goto out;
        }
      }
    }
    const char *child_name;
    if (next_child(frame, dirfd(d), &child_name, &st)) {
      DIR *child = open_to_read(dirfd(d), child_name, &st, uid);
      if (!child) continue;
      if (push(&stack, &st) != 0) {
        closedir(child);
        result = -1;
        goto out;
      }
      closedir(d);
      d = child;
      continue;
    }
    if (stack.depth == 1) break;
    pop(&stack);
    DIR *parent_dir = up(d, &stack.frames[stack.depth - 1]);
    closedir(d);
    d = parent_dir;
    if (!d) {
      result = -1; /* moved while we were below it */
      break;
    }
  }
out:
  if (d) closedir(d);
  free_stack(&stack);
  return result;
}
