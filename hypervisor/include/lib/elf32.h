/* ELF32 layouts (little-endian, as on the hosts and the target), shared by the hypervisor's
 * domain builder and the guest kernel's program loader. */
#ifndef LIB_ELF32_H
#define LIB_ELF32_H

#include <stdint.h>

struct elf32_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version, entry, phoff, shoff, flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
    uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
struct elf32_shdr {
    uint32_t name, type, flags, addr, offset, size, link, info, addralign, entsize;
};
_Static_assert(sizeof(struct elf32_ehdr) == 52, "ELF32 header size");
_Static_assert(sizeof(struct elf32_phdr) == 32, "ELF32 program header size");
_Static_assert(sizeof(struct elf32_shdr) == 40, "ELF32 section header size");

#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFDATA2LSB 1
#define ET_EXEC 2
#define ET_DYN 3
#define EM_386 3
#define PT_LOAD 1
#define PT_INTERP 3
#define PT_PHDR 6
#define PT_TLS 7
#define PT_GNU_STACK 0x6474e551
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define SHT_NOBITS 8

#endif
