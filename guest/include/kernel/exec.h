/* Loading programs (kernel/exec.c) and the first process (kernel/init.c). */
#ifndef GUEST_EXEC_H
#define GUEST_EXEC_H

#include <stdint.h>

struct proc;

#define PATH_MAX_LEN 4096

/* exec from the kernel (the first process): path, argv and envp are kernel strings. Replaces
 * the current process's image and fills its frame; 0 or -errno (the old image intact). */
long exec_kernel(const char *path, char *const argv[], char *const envp[]);
/* The first process ended with this wait status: report it and shut the guest down. */
void init_ended(int wait_status) __attribute__((noreturn));
void proc_release_vfork(struct proc *p);
uint32_t cpu_hwcap(void); /* AT_HWCAP: CPUID.1 EDX */

/* Interpreter scripts (kernel/exec_script.c). buf: the file's first SCRIPT_BUF bytes, zeros
 * after its end, one more byte for a NUL. 0 with the interpreter and the optional argument
 * (NULL when none) as strings inside buf, or -ENOEXEC when buf holds no usable "#!" line. */
#define SCRIPT_BUF 256
#define SCRIPT_DEPTH_MAX 5 /* interpreters that are scripts themselves, as Linux allows */
long script_parse(char *buf, char **interp, char **arg);

#endif
