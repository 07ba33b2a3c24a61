/* Ring-3 programs for test=preempt: two counters that never stop and a hog that never yields
 * (all in .user, each with a small stack of its own). */
    .section .user.text, "ax"
    .globl u_count0, u_count1, u_hog
u_count0:
    incl user_counters
    jmp u_count0
u_count1:
    incl user_counters + 4
    jmp u_count1
u_hog:
    incl user_counters + 8
    jmp u_hog

    .section .user.data, "aw"
    .balign 16
    .globl user_counters, user_task_stacks
user_counters:
    .long 0, 0, 0
    .balign 16
user_task_stacks:               /* 3 x 256 bytes */
    .skip 768

    .section .note.GNU-stack, "", @progbits
