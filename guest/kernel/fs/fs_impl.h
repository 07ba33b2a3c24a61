/*
 * Inside the file system: inodes, directory entries, the file-system kinds ("superblocks")
 * and the helpers the system calls share. Nothing here is seen outside kernel/fs/.
 *
 * Lifetimes: an inode is freed when no directory names it (nlink 0, or an anonymous pipe) and
 * nobody holds a reference (open files, working directories, execve). Directory entries do not
 * count as references. The kernel is non-preemptive and path walks never sleep, so the tree
 * cannot change under a walk: walks use plain pointers and take a reference only on what they
 * return.
 */
#ifndef FS_IMPL_H
#define FS_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <kernel/fs/fs.h>
#include <kernel/fs/vfs.h>
#include <linux/abi.h>
#include <linux/errno.h>

/* One mounted kind of file system: its device number (st_dev) and whether it is writable. */
struct fs_sb {
    const char *name;
    uint32_t dev_major, dev_minor;
    int readonly;   /* creating, removing, renaming or writing files here is -EROFS */
    int anon;       /* inodes that no directory names (pipes): freed at the last reference */
    uint32_t magic; /* statfs's f_type, as Linux's */
};
extern struct fs_sb tmpfs_sb, devfs_sb, procfs_sb, pipefs_sb;

struct dentry {
    struct dentry *next;
    struct inode *inode;
    uint32_t seq; /* getdents cookie: increasing along the list */
    uint32_t len;
    char name[]; /* len bytes and a NUL */
};

struct procfs_entry;
struct pipe;

struct inode {
    uint32_t ino, mode, nlink, refs;
    uint32_t uid, gid;
    uint64_t size;
    uint32_t atime, mtime, ctime; /* seconds since 1970 */
    uint32_t rdev_major, rdev_minor;
    const struct fs_sb *sb;
    const struct file_ops *fops; /* what open() gives */
    int32_t pid;                 /* /proc/<pid>/ files: whose */
    uint32_t proc_fd;            /* /proc/<pid>/fd/N links: N + 1; the fd/ directory: PROC_FD_DIR;
                                    a /proc/<pid>/ directory not filled yet: PROC_PID_UNFILLED */
    char *proc_link;             /* /proc symlinks: the target last made (kmalloc'd) */
    struct inode *mounted;       /* a mount point: the root of what covers it (mount.c) */
    struct inode *covers;        /* a tmpfs mount's root: its mount point */
    union {
        struct {
            struct dentry *head, *tail;
            uint32_t next_seq;
            struct inode *parent; /* ".."; the root is its own */
        } dir;
        struct {
            void *root;      /* a data page (depth 0) or an index page of 1024 slots */
            uint32_t depth;  /* 0, 1 or 2 levels of index pages */
            uint32_t npages; /* data pages allocated (st_blocks) */
        } tmp;
        char *link_target; /* tmpfs symlink: kmalloc'd */
        const struct procfs_entry *proc;
        struct pipe *pipe;
    } u;
};

/* ---- inode.c ---- */
extern struct inode *fs_root_inode;
struct inode *inode_new(const struct fs_sb *sb, uint32_t mode); /* refs 0, nlink 0 */
void inode_maybe_free(struct inode *ino);                       /* after nlink or refs dropped */
void inode_free(struct inode *ino);  /* now, whatever the counts (fs_fini) */
void inode_numbers_reset(void);      /* the next inode is 1 again (empty tree only) */
uint32_t fs_now(void);               /* wall-clock seconds for timestamps */
void inode_touch(struct inode *ino); /* mtime = ctime = now */

/* ---- dir.c ---- */
struct dentry *dir_find(struct inode *dir, const char *name, size_t len);
struct dentry *dir_find_inode(struct inode *dir, const struct inode *ino);
/* Link ino into dir under name (nlink and the parent's link count follow): 0 or -ENOMEM. */
int dir_link(struct inode *dir, const char *name, size_t len, struct inode *ino);
/* A new entry for dir (not yet attached): NULL when memory is out or, in tmpfs, full. */
struct dentry *dentry_new(const struct inode *dir, const char *name, size_t len);
void dentry_free(const struct inode *dir, struct dentry *d); /* one that dir no longer lists */
void dir_attach(struct inode *dir, struct dentry *d, struct inode *ino);
/* Remove the entry; the inode loses a link (and is freed if that was all). */
void dir_unlink(struct inode *dir, struct dentry *d);
void dir_detach(struct inode *dir, struct dentry *d); /* unhook, no link counting, no free */
int dir_is_empty(const struct inode *dir);
struct dentry *dir_next(struct inode *dir, uint32_t seq); /* first entry with seq >= seq */
/* A new directory in parent: mode is the permission bits. NULL when memory is out. */
struct inode *dir_mkdir(struct inode *parent, const struct fs_sb *sb, const char *name, size_t len,
                        uint32_t perm, long *err);
struct inode *dir_lookup_path(const char *path); /* kernel-only absolute path, no symlinks */
extern const struct file_ops dir_fops;

/* ---- path.c ---- */
#define WALK_FOLLOW 1    /* follow a symlink in the last component */
#define WALK_DIRECTORY 2 /* the result must be a directory */
/* A resolved parent: the directory and the last component (pointing into the path or into a
 * symlink's target, valid until the tree changes). last_len 0: the path named dir itself. */
struct walk {
    struct inode *dir;
    const char *last;
    size_t last_len;
    int trailing_slash;
    int follows; /* symlinks followed so far */
};
/* Resolve path (kernel memory, NUL-terminated) from base (NULL: the current directory) to a
 * counted reference: 0 or -errno. */
int path_lookup(struct inode *base, const char *path, int flags, struct inode **out);
/* The same, also giving the walk that found it (w->dir, w->last: where the result is named). */
int path_lookup_walk(struct inode *base, const char *path, int flags, struct inode **out,
                     struct walk *w);
/* Resolve all but the last component; w->dir is not counted (the tree cannot change first). */
int path_parent(struct inode *base, const char *path, struct walk *w);
/* The last component of w in w->dir, without following it: NULL when absent. Handles "."/"..". */
struct inode *walk_last(struct walk *w);
/* Having found a symlink as the last component, resolve its target's parent into w again. */
int walk_into_symlink(struct walk *w, struct inode *link);
int name_is_dot(const char *s, size_t n); /* 1 for ".", 2 for "..", else 0 */
struct inode *cwd_inode(void);            /* the current process's cwd, or the root */
int symlink_target(struct inode *link, const char **s, size_t *n);

/* ---- tmpfs.c (the root, from the initramfs, and /tmp) ---- */
extern const struct file_ops tmpfs_fops;
long tmpfs_pread(struct inode *ino, const struct iobuf *b, size_t n, uint64_t off);
long tmpfs_pwrite(struct inode *ino, const struct iobuf *b, size_t n, uint64_t off);
int tmpfs_truncate(struct inode *ino, uint64_t size);
void tmpfs_evict(struct inode *ino);
#define TMPFS_MAX_SIZE 0xFFFFF000ull /* two levels of 1024-slot index pages, minus a page */
#define TMPFS_RESERVE_PAGES 256      /* free pages tmpfs leaves to the rest of the kernel */
/* tmpfs's size: everything it keeps counts (data and index pages, inodes, entries, symlink
 * targets, as kmalloc_size measures them), against a limit of half of the memory, and so do its
 * inodes, against half as many as there are pages (Linux's defaults for a tmpfs). charge: 0,
 * or -ENOSPC when that would pass a limit. */
int tmpfs_charge(size_t bytes);
void tmpfs_uncharge(size_t bytes);
int tmpfs_inode_charge(void); /* an inode: its count and its bytes */
void tmpfs_inode_uncharge(void);
struct tmpfs_usage {
    uint64_t bytes, max_bytes;
    uint32_t inodes, max_inodes;
};
void tmpfs_usage(struct tmpfs_usage *u);
/* A tmpfs symlink's target: charged, copied, ino->size set. 0 or -ENOSPC. */
int tmpfs_set_link(struct inode *ino, const char *target, size_t len);

/* ---- dev.c, tty.c ---- */
void dev_init(struct inode *devdir);
extern const struct file_ops null_fops, zero_fops, tty_fops, fifo_fops;
extern const struct file_ops kmsg_fops;   /* kernel/klog.c */
void tty_reset(void);                     /* termios and buffered input back to the defaults */
extern const struct file_ops devtty_fops; /* /dev/tty: ENXIO without a controlling terminal */
/* tty_job.c: the console as a controlling terminal (session, foreground group, job control). */
void tty_job_reset(void);
void tty_input_arrived(void); /* tty.c: cook what console_in holds (an upcall) */
int tty_has_ctty(void);       /* the current process's session has it */
void tty_signal_fg(int sig);  /* to the foreground process group, if any */
long tty_read_allowed(void);  /* 0, or SIGTTIN sent (-EINTR), or -EIO */
/* A write under TOSTOP or a change of the settings: 0, or SIGTTOU sent (-EINTR), or -EIO. */
long tty_change_allowed(void);
long tty_job_ioctl(uint32_t cmd, uint32_t arg); /* TIOCSCTTY, TIOCNOTTY, TIOC[GS]PGRP, TIOCGSID */

/* ---- procfs.c ---- */
/* struct procfs_entry and procfs_register are in kernel/fs/fs.h (other subsystems add files). */
void procfs_init(struct inode *procdir);
extern struct inode *procfs_dir;
extern const struct file_ops procfs_fops;
/* A procfs inode for entry e of process pid (a file, or a symlink when e->link_pid). */
struct inode *procfs_inode(const struct procfs_entry *e, int pid);
int procfs_link_target(struct inode *link, const char **s, size_t *n); /* procfs_pid.c */
/* ---- procfs_fd.c: /proc/<pid>/fd/ ---- */
#define PROC_FD_DIR 0xffffffffu
/* procfs_pid.c: a /proc/<pid>/ directory whose entries are not made yet (its proc_fd) */
#define PROC_PID_UNFILLED 0xfffffffeu
/* Make a /proc/<pid>/ directory's entries if they are not made yet (a no-op otherwise). */
void procfs_pid_fill(struct inode *dir);
struct inode *procfs_fd_dir_new(struct inode *piddir, int pid); /* NULL when memory is out */
/* Make dir's entries match its process's open descriptors now (a no-op for any other
 * directory). Entries that stay keep their inode, so a walk in progress stays valid. */
void procfs_fd_sync(struct inode *dir);
void procfs_fd_clear(struct inode *dir); /* remove every entry (the process is freed) */
/* The text of fd link `link` (a /proc/<pid>/fd/N inode) into buf: its length or -errno. */
int procfs_fd_link_text(const struct inode *link, char *buf, size_t size);
int procfs_gen_meminfo(char *buf, size_t size);
int procfs_gen_uptime(char *buf, size_t size);
int procfs_gen_stats(char *buf, size_t size);
int procfs_gen_version(char *buf, size_t size);
int procfs_gen_mounts(char *buf, size_t size);
void mounts_list(struct pfout *o); /* mount.c: the mounts made by mount(2), as /proc/mounts lines */
int procfs_gen_filesystems(char *buf, size_t size);
int procfs_gen_hypervisor(char *buf, size_t size);

/* ---- pipe.c ---- */
#define PIPE_PAGES 16 /* 64 KB ring */
#define PIPE_SIZE (PIPE_PAGES * 4096u)
int pipe_create(struct file **rd, struct file **wr, uint32_t flags);
void pipe_evict(struct inode *ino);

/* ---- fdtable.c, sys helpers ---- */
uint32_t files_slots(const struct files *t);                 /* descriptors t can name */
struct file *files_file(const struct files *t, uint32_t fd); /* not counted; NULL: closed */
int fd_close(uint32_t fd);
int fd_dup_to(uint32_t oldfd, uint32_t newfd, int cloexec); /* dup2/dup3's core */
int fd_get_cloexec(uint32_t fd);                            /* 0/1, or -EBADF */
int fd_set_cloexec(uint32_t fd, int on);
/* The directory a *at call starts from: NULL for AT_FDCWD (the cwd), else a counted reference
 * to dirfd's inode (needed only when path is relative; -EBADF, -ENOTDIR). */
int at_base(uint32_t dirfd, const char *path, struct inode **base);
/* The inode dirfd + upath names, for the calls that look at an inode without opening it: a
 * counted reference in *out. An empty path (with AT_EMPTY_PATH, which also lets upath be NULL)
 * names dirfd itself; symbolic links are followed unless AT_SYMLINK_NOFOLLOW. */
long at_inode(uint32_t dirfd, uint32_t upath, uint32_t flags, struct inode **out);
/* Copy a path from ring 3 into a kmalloc'd PATH_MAX buffer: 0, -EFAULT, -ENAMETOOLONG,
 * -ENOMEM; an empty path is -ENOENT unless allow_empty. */
int path_from_user(uint32_t upath, char **out, int allow_empty);
void path_free(char *p);
/* Copy a path in from ring 3 and look it up from the cwd: path_from_user + path_lookup. */
int lookup_user_path(uint32_t upath, int walk_flags, struct inode **out);
long fs_open(struct inode *base, const char *path, uint32_t flags, uint32_t mode,
             struct file **out);
long fs_stat(struct inode *ino, struct linux_stat64 *st);
long fs_read(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos);
long fs_write(struct file *f, const struct iobuf *b, size_t n, uint64_t *pos);

/* ---- poll.c ---- */
unsigned fs_poll_fd(int32_t fd, unsigned events); /* revents now (POLLNVAL: not open) */
/* Call scan until it returns non-zero (ready count or -errno), the timeout passes (ns; -1 none,
 * 0 no wait) or a signal comes (-EINTR). *left_ns: the time left, for the calls that report it. */
long fs_poll_loop(long (*scan)(void *arg), void *arg, int64_t timeout_ns, uint64_t *left_ns);
int fs_timeout_ns(int64_t sec, int64_t nsec, int64_t *out); /* 0 or -EINVAL */

/* ---- cpio.c ---- */
void fs_fini(void); /* frees the whole tree (host tests) */

#endif
