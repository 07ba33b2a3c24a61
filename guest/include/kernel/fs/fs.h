/*
 * The file system and descriptors (guest/kernel/fs/): an in-memory tree built from the
 * initramfs (files read-only, data left in the module), a writable tmpfs at /tmp, devices in
 * /dev (null, zero, console), a /proc of hypervisor and guest statistics (and a control file),
 * pipes, and the per-process descriptor table. The system calls that use them are in
 * kernel/syscalls.h.
 */
#ifndef GUEST_FS_H
#define GUEST_FS_H

#include <stddef.h>
#include <stdint.h>

struct inode;
struct file;
struct files;

/* Build the tree from a newc cpio archive (it stays in memory: file data points into it).
 * 0, or -errno for a damaged archive (reported on the console). */
int fs_init(const void *cpio, size_t len);

/* For execve: look up path (absolute, or relative to the current process's cwd; symlinks
 * followed) and check it is a regular file with an execute bit. Returns a counted reference,
 * or NULL with *err = -ENOENT, -EACCES, -ENOTDIR, -ELOOP, -ENAMETOOLONG ... */
struct inode *fs_lookup_exec(const char *path, long *err);
long inode_pread(struct inode *ino, void *kbuf, size_t n, uint64_t off); /* bytes or -errno */
uint64_t inode_size(const struct inode *ino);
struct inode *inode_get(struct inode *ino); /* another reference (e.g. cwd at fork) */
void inode_put(struct inode *ino);
struct inode *fs_root(void); /* a counted reference to "/" */
/* The inode mmap reads a file through: descriptor fd of the current process, checked as Linux
 * checks it (-EBADF: not open, or O_PATH; -EACCES: not open for reading; -ENODEV: not a
 * regular file). Not a counted reference: valid during the call. */
long fd_mmap_inode(uint32_t fd, struct inode **out);

/* Descriptor tables. */
struct files *files_new_console(void);    /* fds 0, 1, 2 on /dev/console (the first process) */
struct files *files_dup(struct files *f); /* fork: a copy sharing the open files */
void files_close_on_exec(struct files *f);
void files_put(struct files *f); /* exit: closes everything */

/* A /proc file. name is its path below /proc ("stats", "sys/ringvisor/fasttrap": missing
 * directories are made). gen writes its content into buf (at most size bytes, NUL not needed)
 * and returns the full length it wanted (snprintf-style). write, when given and mode has a write
 * bit, takes what one write(2) wrote (at most 64 bytes; buf NUL-terminated): 0 or -errno. mode
 * is the permission bits (0: 0444); without write bits, opening for writing is -EACCES. */
struct procfs_entry {
    const char *name;
    int (*gen)(char *buf, size_t size);
    int (*write)(const char *buf, size_t n);
    uint32_t mode;
    /* Instead of gen, for the files of /proc/<pid>/ (and /proc/self): gen_pid writes process
     * pid's file (-ESRCH when it has gone: open fails so); link_pid makes the entry a symlink
     * whose target it writes, NUL-terminated, returning its length or -errno. write_pid, as
     * write, for process pid's file. */
    int (*gen_pid)(int pid, char *buf, size_t size);
    int (*link_pid)(int pid, char *buf, size_t size);
    int (*write_pid)(int pid, const char *buf, size_t n);
};
int procfs_register(const struct procfs_entry *e); /* 0, -EEXIST, -ENOENT or -ENOMEM */
/* Generators (here and kernel/proc_pid.c) append with pf_printf; len counts what did not fit
 * too, so it is the length the generator returns. */
struct pfout {
    char *buf;
    size_t size, len;
};
void pf_printf(struct pfout *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Per-process directories (kernel/fs/procfs_pid.c): the entries every /proc/<pid>/ holds (the
 * table stays the caller's), then a directory made when a pid is given out and removed when it
 * is freed. */
void procfs_pid_files(const struct procfs_entry *tab, unsigned n);
void procfs_pid_add(int pid);
void procfs_pid_remove(int pid);

/* Also offered (kernel/fs/): */
void tty_set_default_size(unsigned cols, unsigned rows); /* the console's TIOCGWINSZ (ttysize=) */
/* The first process's session gets the console as its controlling terminal (tty_job.c), and
 * console input is cooked as it arrives from then on (Ctrl-C reaches a job that does not read). */
void tty_attach_first(int sid, int pgid);
/* The leader of session sid exits: if the console is its terminal, the foreground group gets
 * SIGHUP and the console belongs to no session any more (tty_job.c). */
void tty_session_exit(int sid);
/* A directory's absolute path into buf (NULL: the root): its length, or -ENOENT (removed),
 * -ENAMETOOLONG. */
int fs_dir_path(struct inode *dir, char *buf, size_t size);
/* The absolute path, every symlink resolved, of what path (from the cwd) names: as above. */
int fs_real_path(const char *path, char *buf, size_t size);
uint32_t inode_mode(const struct inode *ino); /* S_IFMT type and permission bits */
struct files *files_get(struct files *f);     /* another reference to the same table */
uint32_t files_count(const struct files *f);  /* descriptors open (leak checks) */

#endif
