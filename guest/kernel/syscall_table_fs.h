/* The file-system part of the system-call table (kernel/syscall_table.c). */
[__NR_read] = H(sys_read), [__NR_write] = H(sys_write), [__NR_readv] = H(sys_readv),
                           [__NR_writev] = H(sys_writev), [__NR_open] = H(sys_open),
                           [__NR_close] = H(sys_close), [__NR_ioctl] = H(sys_ioctl),
