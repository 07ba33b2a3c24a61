/*
 * The guest's own GDT: set_gdt and update_descriptor (ABI §1, §8).
 *
 * GDT frames are guest frames of type GDT: while they are, the guest may map them only
 * read-only, so every change goes through update_descriptor and its checks. Entries 256-295
 * of the first frame are the hypervisor's (its code, data, ring-1/3 flat segments and TSS):
 * set_gdt writes them there and update_descriptor refuses to touch them. The frames are mapped
 * contiguously at GDT_VIRT_START, which is what GDTR points at.
 */
#include "desc.h"
#include "internal.h"
#include "hv/arch.h"
#include "hv/domain.h"
#include "hv/frame.h"
#include "hv/hypercall.h"
#include "hv/page_type.h"
#include "hv/uaccess.h"
#include "layout.h"
#include "lib/string.h"
#include <public/xen.h>

#define ENTRIES_PER_FRAME 512u
#define RESERVED_BYTES ((LAST_RESERVED_GDT_ENTRY + 1 - FIRST_RESERVED_GDT_ENTRY) * 8u)

static uint32_t cur_mfns[GDT_MAX_FRAMES];
static unsigned cur_frames;

static int in_reserved_area(unsigned frame_index, uint32_t offset)
{
    return frame_index == 0 && offset >= FIRST_RESERVED_GDT_BYTE &&
           offset < FIRST_RESERVED_GDT_BYTE + RESERVED_BYTES;
}

/* Check every descriptor of a would-be GDT frame, on copies: a refused set_gdt must leave the
 * guest's frames as they were (the fuzzer found limits cut short in frame 0 of a call that
 * frame 1 then failed). With write_back, once every frame passed, the truncated limits are
 * stored. */
static long validate_frame(uint32_t mfn, unsigned index, int write_back)
{
    struct desc *p = arch_map_frame(mfn);
    const char *why = 0;
    unsigned bad = 0;
    for (unsigned e = 0; e < ENTRIES_PER_FRAME && !why; e++) {
        struct desc d = p[e];
        if (in_reserved_area(index, e * 8))
            continue;
        if (desc_check_guest(&d, &why))
            bad = e;
        else if (write_back)
            p[e] = d;
    }
    arch_unmap_frame(p);
    if (why)
        return hv_refuse("set_gdt", mfn, -XEN_EPERM, "frame %u entry %u: %s", index, bad, why);
    return 0;
}

static void load_gdtr(uint32_t base, uint32_t entries)
{
    struct {
        uint16_t limit;
        uint32_t base;
    } __attribute__((packed)) gdtr = {(uint16_t)(entries * 8 - 1), base};
    __asm__ volatile("lgdt %0" ::"m"(gdtr));
}

long do_set_gdt(uint32_t frame_list, uint32_t entries)
{
    uint32_t mfns[GDT_MAX_FRAMES];
    struct domain *d = current_domain();
    if (entries == 0 || entries > GDT_MAX_FRAMES * ENTRIES_PER_FRAME)
        return hv_refuse("set_gdt", entries, -XEN_EINVAL, "%u entries (1-%u)", entries,
                         GDT_MAX_FRAMES * ENTRIES_PER_FRAME);
    unsigned n = (entries + ENTRIES_PER_FRAME - 1) / ENTRIES_PER_FRAME;
    if (copy_from_guest(mfns, frame_list, n * sizeof(uint32_t)))
        return hv_refuse("set_gdt", frame_list, -XEN_EFAULT, "frame list unreadable");
    /* Check every frame, then take the references: a refusal leaves nothing behind. */
    for (unsigned i = 0; i < n; i++) {
        for (unsigned j = 0; j < i; j++)
            if (mfns[j] == mfns[i])
                return hv_refuse("set_gdt", mfns[i], -XEN_EINVAL, "frame listed twice");
        if (mfns[i] == d->shared_info_mfn || !frame_owned_by(mfns[i], d->id))
            return hv_refuse("set_gdt", mfns[i], -XEN_EPERM, "frame is not the guest's");
        struct frame_info *f = &frame_table[mfns[i]];
        if (f->type_count && f->type != FT_GDT)
            return hv_refuse("set_gdt", mfns[i], -XEN_EPERM,
                             "frame %u is mapped writable or is a table", i);
        long err = validate_frame(mfns[i], i, 0);
        if (err)
            return err;
    }
    for (unsigned i = 0; i < n; i++)
        validate_frame(mfns[i], i, 1); /* passed above: now the cut limits are stored */
    for (unsigned i = 0; i < n; i++) {
        const char *why;
        if (get_page_and_type(mfns[i], FT_GDT, d->id, &why)) { /* only at a count's maximum */
            while (i-- > 0)
                put_page_and_type(mfns[i]);
            return hv_refuse("set_gdt", mfns[0], -XEN_EBUSY, "%s", why);
        }
    }

    /* New frames took their type before the old ones drop theirs, so a frame in both lists
     * never passes through type "none". */
    for (unsigned i = 0; i < cur_frames; i++)
        put_page_and_type(cur_mfns[i]);
    uint8_t *first = arch_map_frame(mfns[0]);
    memcpy(first + FIRST_RESERVED_GDT_BYTE, &gdt[FIRST_RESERVED_GDT_ENTRY], RESERVED_BYTES);
    arch_unmap_frame(first);
    for (unsigned i = 0; i < GDT_MAX_FRAMES; i++)
        x86_map_window_page(GDT_VIRT_START + (i << 12), i < n ? mfns[i] : 0);
    memcpy(cur_mfns, mfns, sizeof(mfns));
    cur_frames = n;
    load_gdtr(GDT_VIRT_START,
              entries > LAST_RESERVED_GDT_ENTRY ? entries : LAST_RESERVED_GDT_ENTRY + 1);
    return 0;
}

/* Keep the hypervisor's reserved entry e equal in its own GDT and in the guest's frame 0. */
void x86_set_reserved_gdt_entry(unsigned e, struct desc v)
{
    gdt[e] = v;
    if (cur_frames) {
        struct desc *p = arch_map_frame(cur_mfns[0]);
        p[e] = v;
        arch_unmap_frame(p);
    }
}

long do_update_descriptor(uint32_t maddr, uint32_t lo, uint32_t hi)
{
    struct domain *d = current_domain();
    uint32_t mfn = maddr >> 12, off = maddr & 0xfff;
    if (maddr & 7)
        return hv_refuse("update_descriptor", maddr, -XEN_EINVAL, "address not 8-byte aligned");
    if (!frame_owned_by(mfn, d->id) || mfn == d->shared_info_mfn)
        return hv_refuse("update_descriptor", maddr, -XEN_EPERM, "frame is not the guest's");
    uint8_t type = frame_table[mfn].type;
    if ((type == FT_L1 || type == FT_L2) && frame_table[mfn].type_count)
        return hv_refuse("update_descriptor", maddr, -XEN_EPERM, "frame is a page table");
    if (type == FT_GDT && cur_frames && mfn == cur_mfns[0] && in_reserved_area(0, off))
        return hv_refuse("update_descriptor", maddr, -XEN_EPERM, "entry %u is the hypervisor's",
                         off / 8);
    struct desc desc = {lo, hi};
    const char *why;
    if (desc_check_guest(&desc, &why))
        return hv_refuse("update_descriptor", maddr, -XEN_EPERM, "%s", why);
    struct desc *p = arch_map_frame(mfn);
    p[off / 8] = desc;
    arch_unmap_frame(p);
    return 0;
}
