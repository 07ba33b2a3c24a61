/*
 * test=netif: drives the hypervisor's network rings (ABI §13, public/netif.h) directly, with
 * no stack above them. ARP for the gateway 10.0.2.2 and an ICMP echo to it travel through the
 * card to QEMU's user network and back; then every kind of bad request (a buffer not the
 * guest's, in a page table, across a page end, zero or huge lengths, req_prod far ahead, a
 * buffer posted twice, a posted buffer's frame pinned as a page table) must come back with its
 * error status and counter, and disconnecting must leave the frame accounting as it was.
 * Its frames come from the kernel's page allocator (SELFTEST_MM) and are read and written through
 * the direct map.
 */
#include <selftest/check.h>
#include <kernel/selftest_table.h>
#include <kernel/mm/page.h>
#include <kernel/mm/physmap.h>
#include <kernel/sched.h>
#include <pv/console.h>
#include <pv/events.h>
#include <pv/hypercall.h>
#include <pv/mmu.h>
#include <pv/time.h>
#include <lib/string.h>
#include <public/netif.h>

#define NBUF 8
#define BAD_ID 100
#define PIN_ID 60

static netif_tx_ring_t *tx;
static netif_rx_ring_t *rx;
static uint32_t port, tx_rsp_cons, rx_rsp_cons;
static uint32_t rx_pfn[NBUF], tx_pfn, tx_ring_pfn;
static uint32_t query_model, query_features, shared_info_mfn;
static uint8_t mac[6], gw_mac[6];
static int got_arp, got_echo, pin_answered;
static int32_t bad_status[64]; /* rx refusals by id - BAD_ID */

static int netif_op(netif_op_t *op)
{
    return hypercall1(__HYPERVISOR_netif_op, (uint32_t)op);
}

static int net_stats(netif_stats_t *s)
{
    return hypercall3(__HYPERVISOR_hv_op, HVOP_get_net_stats, (uint32_t)s, sizeof(*s));
}

/* The kernel's own address space: its L2 is a page table, never a buffer or a ring. */
static uint32_t kernel_l2_mfn(void)
{
    return pfn_to_mfn(physmap.boot_l2_pfn);
}

/* A zeroed frame from the kernel's allocator, writable through the direct map. A test this
 * early never runs out: no frame means the allocator is broken, and the test stops there. */
static uint32_t zeroed_frame(void)
{
    uint32_t pfn = pfn_alloc_kernel();
    if (!pfn) {
        printk("netif: FAILED: no frame from the kernel's allocator\n");
        HYPERVISOR_shutdown(SHUTDOWN_crash);
    }
    memset(pfn_to_virt(pfn), 0, XEN_PAGE_SIZE);
    return pfn;
}

/* A frame becomes a table only once no writable mapping of it is left: its direct-map entry goes
 * read-only in the batch that pins it (as kernel/mm/pgtable.c makes tables), and writable again
 * after the unpin, or when the pin is refused. */
static int pin_l1(uint32_t pfn)
{
    physmap_queue_protect(pfn, 0);
    mmu_queue_ext(MMUEXT_PIN_L1_TABLE, pfn_to_mfn(pfn));
    int rc = mmu_flush(0);
    if (rc) {
        physmap_queue_protect(pfn, 1);
        mmu_flush(0);
    }
    return rc;
}

static void unpin_l1(uint32_t pfn)
{
    mmu_queue_ext(MMUEXT_UNPIN_TABLE, pfn_to_mfn(pfn));
    physmap_queue_protect(pfn, 1);
    mmu_flush(0);
}

static uint32_t maddr(uint32_t pfn, uint32_t off)
{
    return pfn_to_mfn(pfn) << 12 | off;
}

static void rx_post(uint32_t addr, uint16_t id)
{
    rx->ring[rx->hdr.req_prod % NETIF_RING_SIZE].req = (netif_rx_request_t){addr, id, 0};
    __atomic_store_n(&rx->hdr.req_prod, rx->hdr.req_prod + 1, __ATOMIC_SEQ_CST);
}

static void parse(const uint8_t *f, int len)
{
    static const uint8_t gw_ip[4] = {10, 0, 2, 2};
    if (len >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[21] == 2 && !memcmp(f + 28, gw_ip, 4)) {
        memcpy(gw_mac, f + 22, 6);
        got_arp = 1;
    }
    if (len >= 42 && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1 && !memcmp(f + 26, gw_ip, 4) &&
        f[34] == 0 && f[38] == 0x42 && f[39] == 0x42)
        got_echo = 1;
}

/* Take every new receive response: frames are parsed and their buffers posted again, refusals
 * are recorded by id. */
static void rx_poll(void)
{
    uint32_t prod = __atomic_load_n(&rx->hdr.rsp_prod, __ATOMIC_SEQ_CST);
    for (; rx_rsp_cons != prod; rx_rsp_cons++) {
        netif_response_t r = rx->ring[rx_rsp_cons % NETIF_RING_SIZE].rsp;
        if (r.id >= BAD_ID && r.id < BAD_ID + 64) {
            bad_status[r.id - BAD_ID] = r.status;
        } else if (r.id == PIN_ID) {
            pin_answered = 1;
        } else if (r.id < NBUF) {
            if (r.status > 0) {
                parse(pfn_to_virt(rx_pfn[r.id]), r.status);
            }
            rx_post(maddr(rx_pfn[r.id], 0), r.id);
        }
    }
    rx->hdr.rsp_event = rx_rsp_cons + 1;
}

static void kick(void)
{
    evtchn_send(port);
}

/* Poll (every hypercall returns through the hypervisor's safe point) until done or 3 s. */
static int wait_for(volatile int *flag)
{
    uint64_t end = clock_now() + 3000000000ull;
    while (!*flag && clock_now() < end) {
        HYPERVISOR_xen_version(0);
        rx_poll();
        kick();
    }
    return *flag;
}

/* One transmit request (len with its NETIF_TXF_* flags); its response's status (or 1 if none
 * came). */
static int tx_one(uint32_t addr, uint32_t len, uint16_t id)
{
    tx->ring[tx->hdr.req_prod % NETIF_RING_SIZE].req =
        (netif_tx_request_t){addr, (uint16_t)len, id};
    __atomic_store_n(&tx->hdr.req_prod, tx->hdr.req_prod + 1, __ATOMIC_SEQ_CST);
    kick();
    for (unsigned i = 0; i < 1000 && tx_rsp_cons == tx->hdr.rsp_prod; i++)
        HYPERVISOR_xen_version(0);
    if (tx_rsp_cons == tx->hdr.rsp_prod)
        return 1;
    netif_response_t r = tx->ring[tx_rsp_cons++ % NETIF_RING_SIZE].rsp;
    tx->hdr.rsp_event = tx_rsp_cons + 1;
    return r.id == id ? r.status : 2;
}

/* One bad receive request: its refusal's status. */
static int rx_bad(uint32_t addr, unsigned k)
{
    bad_status[k] = 1;
    rx_post(addr, (uint16_t)(BAD_ID + k));
    kick();
    rx_poll();
    return bad_status[k];
}

static void put_be16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)(v >> 8), p[1] = (uint8_t)v;
}

static unsigned ip_sum(const uint8_t *p, unsigned n)
{
    uint32_t s = 0;
    for (unsigned i = 0; i + 1 < n; i += 2)
        s += (uint32_t)p[i] << 8 | p[i + 1];
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return ~s & 0xffff;
}

static unsigned build_arp(uint8_t *f)
{
    static const uint8_t hdr[] = {0, 1, 8, 0, 6, 4, 0, 1};
    memset(f, 0, 60);
    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    put_be16(f + 12, 0x0806);
    memcpy(f + 14, hdr, 8);
    memcpy(f + 22, mac, 6);
    memcpy(f + 28, (uint8_t[]){10, 0, 2, 15}, 4);
    memcpy(f + 38, (uint8_t[]){10, 0, 2, 2}, 4);
    return 60;
}

static unsigned build_echo(uint8_t *f)
{
    memset(f, 0, 98);
    memcpy(f, gw_mac, 6);
    memcpy(f + 6, mac, 6);
    put_be16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    put_be16(ip + 2, 84);
    put_be16(ip + 4, 0x1234);
    ip[8] = 64;
    ip[9] = 1;
    memcpy(ip + 12, (uint8_t[]){10, 0, 2, 15}, 4);
    memcpy(ip + 16, (uint8_t[]){10, 0, 2, 2}, 4);
    put_be16(ip + 10, ip_sum(ip, 20));
    uint8_t *icmp = ip + 20;
    icmp[0] = 8;
    put_be16(icmp + 4, 0x4242);
    put_be16(icmp + 6, 1);
    for (unsigned i = 8; i < 64; i++)
        icmp[i] = (uint8_t)i;
    put_be16(icmp + 2, ip_sum(icmp, 64));
    return 98;
}

/* A UDP datagram to the gateway's discard port, its checksum left blank (0x5555: anything the
 * guest leaves there is overwritten). ip_total and udp_len may be set wrong on purpose. */
static unsigned build_udp(uint8_t *f, unsigned ip_total, unsigned udp_len)
{
    memset(f, 0, 60);
    memcpy(f, gw_mac, 6);
    memcpy(f + 6, mac, 6);
    put_be16(f + 12, 0x0800);
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    put_be16(ip + 2, ip_total);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, (uint8_t[]){10, 0, 2, 15}, 4);
    memcpy(ip + 16, (uint8_t[]){10, 0, 2, 2}, 4);
    put_be16(ip + 10, ip_sum(ip, 20));
    put_be16(ip + 20, 40000);
    put_be16(ip + 22, 9);
    put_be16(ip + 24, udp_len);
    put_be16(ip + 26, 0x5555);
    memcpy(ip + 28, "blank checksum", 14);
    return 60;
}

/* A TCP segment with RST and ACK to the gateway's port 9, over IPv4 or IPv6 (link-local): QEMU's
 * user network never answers a reset, so no reply takes a posted buffer. Checksum left blank. */
static unsigned build_tcp_rst(uint8_t *f, int v6, unsigned payload)
{
    unsigned ip_len = v6 ? 40 : 20, len = 14 + ip_len + 20 + payload;
    memset(f, 0, len < 60 ? 60 : len);
    memcpy(f, gw_mac, 6);
    memcpy(f + 6, mac, 6);
    uint8_t *ip = f + 14, *t = ip + ip_len;
    if (v6) {
        put_be16(f + 12, 0x86dd);
        ip[0] = 0x60;
        put_be16(ip + 4, 20 + payload);
        ip[6] = 6;
        ip[7] = 64;
        ip[8] = 0xfe, ip[9] = 0x80, ip[24] = 0xfe, ip[25] = 0x80, ip[39] = 2;
        memcpy(ip + 16, mac, 3); /* fe80::5054:ff:fe12:3456 (EUI-64 of the MAC) to fe80::2 */
        ip[16] ^= 2, ip[19] = 0xff, ip[20] = 0xfe;
        memcpy(ip + 21, mac + 3, 3);
    } else {
        put_be16(f + 12, 0x0800);
        ip[0] = 0x45;
        put_be16(ip + 2, 40 + payload);
        ip[8] = 64;
        ip[9] = 6;
        memcpy(ip + 12, (uint8_t[]){10, 0, 2, 15}, 4);
        memcpy(ip + 16, (uint8_t[]){10, 0, 2, 2}, 4);
        put_be16(ip + 10, ip_sum(ip, 20));
    }
    put_be16(t, 40001);
    put_be16(t + 2, 9);
    t[4] = 0x12, t[11] = 0x34;
    t[12] = 0x50;
    t[13] = 0x14; /* RST, ACK */
    memcpy(t + 20, "checksum by the card....", payload);
    return len;
}

/* A UDP datagram whose checksum computes to 0: its last payload word makes the sum 0xffff. */
static unsigned build_udp_zero(uint8_t *f)
{
    uint8_t pseudo[12 + 22];
    unsigned len = build_udp(f, 42, 22);
    put_be16(f + 14 + 20 + 6, 0);
    put_be16(f + 14 + 20 + 20, 0);
    memcpy(pseudo, f + 14 + 12, 8);
    pseudo[8] = 0, pseudo[9] = 17;
    put_be16(pseudo + 10, 22);
    memcpy(pseudo + 12, f + 14 + 20, 22);
    put_be16(f + 14 + 20 + 20, ip_sum(pseudo, sizeof(pseudo)));
    return len;
}

/* Frames the hypervisor completes, sent for the scenario's capture to check (pcapcsum): TCP over
 * IPv4 (one padded to the minimum frame) and IPv6 (the card's engine), a UDP datagram whose sum
 * is 0 (sent as 0xffff). */
static void csum_sent(void)
{
    uint32_t f = maddr(tx_pfn, 0), blank = NETIF_TXF_CSUM_BLANK;
    uint8_t *v = pfn_to_virt(tx_pfn);
    unsigned len = build_tcp_rst(v, 0, 24);
    check_eq("tx: TCP over IPv4, checksum completed", tx_one(f, len | blank, 40), (int)len);
    len = build_tcp_rst(v, 0, 0);
    for (unsigned i = len; i < 60; i++)
        v[i] = (uint8_t)(0xa1 + i); /* padding the card must not sum (nor e1000e count) */
    check_eq("tx: a short TCP segment, padded", tx_one(f, 60 | blank, 43), 60);
    len = build_tcp_rst(v, 1, 24);
    check_eq("tx: TCP over IPv6, checksum completed", tx_one(f, len | blank, 41), (int)len);
    len = build_udp_zero(v);
    check_eq("tx: UDP whose checksum computes to 0", tx_one(f, len | blank, 42), (int)len);
}

/* Checksum completion (NETIF_F_TX_CSUM): a flag not offered, a reserved flag, and frames that
 * cannot have a checksum completed are refused; a good one is sent. */
static void csum_requests(void)
{
    uint32_t f = maddr(tx_pfn, 0);
    uint8_t *v = pfn_to_virt(tx_pfn);
    const uint32_t blank = NETIF_TXF_CSUM_BLANK;

    if (!(query_features & NETIF_F_TX_CSUM)) {
        build_udp(v, 42, 22);
        check_eq("tx: checksum flag not offered", tx_one(f, 60 | blank, 30), -XEN_EINVAL);
        return;
    }
    check_eq("tx: a reserved flag", tx_one(f, 60 | 0x1000, 31), -XEN_EINVAL);
    build_arp(v);
    check_eq("tx: checksum flag on an ARP frame", tx_one(f, 60 | blank, 32), -XEN_EINVAL);
    build_udp(v, 42, 22);
    v[14] = 0x4f; /* IHL 15: a 60-byte header, past the IP total length */
    check_eq("tx: IPv4 header length past the datagram", tx_one(f, 60 | blank, 33), -XEN_EINVAL);
    build_udp(v, 200, 22);
    check_eq("tx: IPv4 total length past the frame", tx_one(f, 60 | blank, 34), -XEN_EINVAL);
    build_udp(v, 24, 4);
    check_eq("tx: truncated UDP header", tx_one(f, 60 | blank, 35), -XEN_EINVAL);
    build_udp(v, 30, 10);
    v[23] = 6; /* TCP, 10 bytes of it */
    check_eq("tx: truncated TCP header", tx_one(f, 60 | blank, 36), -XEN_EINVAL);
    build_udp(v, 42, 22);
    check_eq("tx: short frame", tx_one(f, 30 | blank, 37), -XEN_EINVAL);
    check_eq("tx: UDP with its checksum completed", tx_one(f, 60 | blank, 38), 60);
    check_eq("tx: ... and the guest's page left as it was", v[40] << 8 | v[41], 0x5555);
    csum_sent();
}

static const char *model_name(uint32_t m)
{
    return m == NETIF_MODEL_VIRTIO_NET ? "virtio-net"
           : m == NETIF_MODEL_E1000    ? "e1000"
           : m == NETIF_MODEL_E1000E   ? "e1000e"
                                       : "none";
}

static void connect_refusals(uint32_t a, uint32_t b)
{
    netif_op_t op = {.cmd = NETIFOP_connect, .u.connect = {a, a, 0}};
    check_eq("connect: one frame for both rings refused", netif_op(&op), -XEN_EINVAL);
    op = (netif_op_t){.cmd = NETIFOP_connect, .u.connect = {1, b, 0}};
    check_eq("connect: a frame not the guest's refused", netif_op(&op), -XEN_EFAULT);
    op = (netif_op_t){.cmd = NETIFOP_connect, .u.connect = {kernel_l2_mfn(), b, 0}};
    check_eq("connect: a page-table frame refused", netif_op(&op), -XEN_EPERM);
    op = (netif_op_t){.cmd = NETIFOP_connect, .u.connect = {shared_info_mfn, b, 0}};
    check_eq("connect: shared_info as a ring refused", netif_op(&op), -XEN_EPERM);
    op = (netif_op_t){.cmd = NETIFOP_connect, .dev = 1, .u.connect = {a, b, 0}};
    check_eq("connect: no device 1", netif_op(&op), -XEN_ENODEV);
    op = (netif_op_t){.cmd = NETIFOP_disconnect};
    check_eq("disconnect before connect refused", netif_op(&op), -XEN_EINVAL);
    op = (netif_op_t){.cmd = 77};
    check_eq("unknown netif_op refused", netif_op(&op), -XEN_ENOSYS);
}

static void bad_requests(uint32_t pin_pfn)
{
    uint32_t f = maddr(tx_pfn, 0);
    check_eq("tx: frame not the guest's", tx_one(1u << 12, 60, 1), -XEN_EFAULT);
    check_eq("tx: frame is the L2", tx_one(kernel_l2_mfn() << 12, 60, 2), -XEN_EPERM);
    check_eq("tx: crosses its page end", tx_one(f + 4000, 200, 3), -XEN_EINVAL);
    check_eq("tx: length 0", tx_one(f, 0, 4), -XEN_EINVAL);
    check_eq("tx: length 13", tx_one(f, 13, 5), -XEN_EINVAL);
    check_eq("tx: length 1515", tx_one(f, 1515, 6), -XEN_EINVAL);
    check_eq("tx: length 65535", tx_one(f, 65535, 7), -XEN_EINVAL);
    check_eq("tx: from the tx ring page itself", tx_one(maddr(tx_ring_pfn, 64), 60, 8), -XEN_EPERM);
    csum_requests();

    check_eq("rx: frame not the guest's", rx_bad(1u << 12, 0), -XEN_EFAULT);
    check_eq("rx: frame is the L2", rx_bad(kernel_l2_mfn() << 12, 1), -XEN_EPERM);
    check_eq("rx: buffer crosses its page end", rx_bad(f + 2600, 2), -XEN_EINVAL);
    check_eq("rx: buffer posted twice", rx_bad(maddr(rx_pfn[0], 0), 3), -XEN_EBUSY);
    check_eq("rx: overlapping a posted buffer", rx_bad(maddr(rx_pfn[1], 100), 4), -XEN_EBUSY);

    /* req_prod far ahead: nothing consumed, the counter moves, then the ring works again. */
    netif_stats_t s0, s1;
    net_stats(&s0);
    uint32_t prod = tx->hdr.req_prod;
    tx->hdr.req_prod = prod + 1000;
    kick();
    net_stats(&s1);
    check_eq("tx: req_prod 1000 ahead counted",
             (int)(s1.bad[NETIF_BAD_INDEX] - s0.bad[NETIF_BAD_INDEX]), 1);
    check_eq("tx: ... and nothing consumed", (int)(s1.tx.requests - s0.tx.requests), 0);
    tx->hdr.req_prod = prod;
    rx->hdr.req_prod += 300;
    kick();
    rx->hdr.req_prod -= 300;
    net_stats(&s0);
    check_eq("rx: req_prod 300 ahead counted",
             (int)(s0.bad[NETIF_BAD_INDEX] - s1.bad[NETIF_BAD_INDEX]), 1);
    /* A frame nobody answers (a local experimental ethertype), so no reply takes a buffer. */
    uint8_t *quiet = pfn_to_virt(tx_pfn);
    memset(quiet, 0xff, 6);
    memcpy(quiet + 6, mac, 6);
    put_be16(quiet + 12, 0x88b5);
    memset(quiet + 14, 0, 46);
    check_eq("tx: the ring works again", tx_one(f, 60, 9), 60);

    /* A posted buffer's frame cannot become a page table while the hypervisor holds it. */
    rx_post(maddr(pin_pfn, 0), PIN_ID);
    kick();
    int rc = pin_l1(pin_pfn);
    if (rc == 0)
        unpin_l1(pin_pfn);
    check_true("pin a posted buffer's frame as an L1 refused", rc < 0, "got %d", rc);
}

static int link_up_now(void)
{
    netif_op_t q = {.cmd = NETIFOP_query};
    netif_op(&q);
    return (q.u.query.link & NETIF_LINK_UP) != 0;
}

static int wait_link(int up)
{
    uint64_t end = clock_now() + 30000000000ull;
    while (link_up_now() != up && clock_now() < end)
        HYPERVISOR_xen_version(0);
    return link_up_now() == up;
}

/* test=netif-link: the host takes the link down and up again through QEMU's monitor when it
 * sees the two marker lines; the port must be raised, a transmit while down fails with -EIO,
 * and traffic flows again once it is up. */
static void link_flap(void)
{
    evtchn_clear(port);
    printk("netif: waiting for the link to go down\n");
    check_true("link down seen", wait_link(0), "still up after 30 s");
    check_true("link change raised the port", evtchn_is_pending(port), "not pending");
    check_eq("tx while the link is down", tx_one(maddr(tx_pfn, 0), 60, 20), -XEN_EIO);
    printk("netif: link down seen\n");
    check_true("link up again", wait_link(1), "still down after 30 s");
    got_arp = 0;
    unsigned len = build_arp(pfn_to_virt(tx_pfn));
    check_eq("tx: ARP after the link came back", tx_one(maddr(tx_pfn, 0), len, 21), (int)len);
    check_true("rx: ARP reply after the link came back", wait_for(&got_arp), "none in 3 s");
}

/* Receive-only state of test=netif-wire. */
static unsigned wire_frames, wire_largest, wire_bad_len;
static int wire_end;

static void wire_poll(void)
{
    uint32_t prod = __atomic_load_n(&rx->hdr.rsp_prod, __ATOMIC_SEQ_CST);
    for (; rx_rsp_cons != prod; rx_rsp_cons++) {
        netif_response_t r = rx->ring[rx_rsp_cons % NETIF_RING_SIZE].rsp;
        if (r.id >= NBUF)
            continue;
        if (r.status <= 0 || r.status > (int)NETIF_RX_BUFFER_SIZE) {
            wire_bad_len++;
        } else {
            const uint8_t *f = pfn_to_virt(rx_pfn[r.id]);
            wire_frames++;
            if ((unsigned)r.status > wire_largest)
                wire_largest = (unsigned)r.status;
            if (r.status >= 17 && f[12] == 0x88 && f[13] == 0xb6 && !memcmp(f + 14, "END", 3))
                wire_end = 1;
        }
        rx_post(maddr(rx_pfn[r.id], 0), r.id);
    }
    rx->hdr.rsp_event = rx_rsp_cons + 1;
    kick();
}

/* test=netif-wire: the card is on a QEMU socket netdev and a host program sends junk frames of
 * every size (tests/tools/wire-junk.sh), then an end marker. Every frame that reaches the guest
 * fits its buffer; longer ones are dropped and counted; nothing leaks. */
static void test_netif_wire(void)
{
    hv_stats_t h0, h1;
    netif_stats_t ns;
    check_begin();
    tx_ring_pfn = zeroed_frame();
    uint32_t rx_ring_pfn = zeroed_frame();
    for (unsigned i = 0; i < NBUF; i++)
        rx_pfn[i] = zeroed_frame();
    tx = pfn_to_virt(tx_ring_pfn);
    rx = pfn_to_virt(rx_ring_pfn);
    rx->hdr.rsp_event = 1;
    HYPERVISOR_hv_stats(&h0);
    netif_op_t op = {.cmd = NETIFOP_connect,
                     .u.connect = {pfn_to_mfn(tx_ring_pfn), pfn_to_mfn(rx_ring_pfn), 0}};
    check_eq("connect", netif_op(&op), 0);
    port = op.u.connect.port;
    for (unsigned i = 0; i < NBUF; i++)
        rx_post(maddr(rx_pfn[i], 0), (uint16_t)i);
    kick();
    printk("netif-wire: ready for frames\n");
    uint64_t end = clock_now() + 60000000000ull;
    while (!wire_end && clock_now() < end) {
        HYPERVISOR_xen_version(0);
        wire_poll();
    }
    net_stats(&ns);
    printk("netif-wire: %u frames received, largest %u bytes; card rx errors %u, drops %u\n",
           wire_frames, wire_largest, ns.dev.rx_errors, ns.dev.rx_drops);
    check_true("the end marker arrived", wire_end, "not in 60 s");
    check_true("frames arrived", wire_frames >= 10, "only %u", wire_frames);
    check_eq("every frame fits its buffer", (int)wire_bad_len, 0);
    check_true("largest at most 1536 bytes", wire_largest <= NETIF_RX_BUFFER_SIZE, "%u",
               wire_largest);
    op = (netif_op_t){.cmd = NETIFOP_disconnect};
    check_eq("disconnect", netif_op(&op), 0);
    HYPERVISOR_hv_stats(&h1);
    check_eq("no leak: general references", (int)(h1.guest_refs - h0.guest_refs), 0);
    check_eq("no leak: type references", (int)(h1.guest_type_refs - h0.guest_type_refs), 0);
    check_summary("netif-wire");
}

static void test_netif(const start_info_t *si, int link_test)
{
    netif_op_t op = {.cmd = NETIFOP_query};
    hv_stats_t h0, h1;
    netif_stats_t ns;

    shared_info_mfn = si->shared_info >> 12;
    check_begin();
    int rc = netif_op(&op);
    check_eq("query", rc, 0);
    if (rc) {
        check_summary("netif");
        return;
    }
    memcpy(mac, op.u.query.mac, 6);
    query_model = op.u.query.model;
    query_features = op.u.query.features;
    printk("netif: model %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, mtu %u, link %s, features %#x\n",
           model_name(op.u.query.model), mac[0], mac[1], mac[2], mac[3], mac[4], mac[5],
           op.u.query.mtu, op.u.query.link & NETIF_LINK_UP ? "up" : "down", query_features);
    check_eq("query: mtu 1500", op.u.query.mtu, 1500);
    check_true("query: a MAC", mac[0] | mac[1] | mac[2] | mac[5], "all zero");

    tx_ring_pfn = zeroed_frame();
    uint32_t rx_ring_pfn = zeroed_frame(), pin_pfn = zeroed_frame(); /* a valid L1 once released */
    tx_pfn = zeroed_frame();
    for (unsigned i = 0; i < NBUF; i++)
        rx_pfn[i] = zeroed_frame();
    tx = pfn_to_virt(tx_ring_pfn);
    rx = pfn_to_virt(rx_ring_pfn);
    tx->hdr.rsp_event = rx->hdr.rsp_event = 1;
    connect_refusals(pfn_to_mfn(tx_ring_pfn), pfn_to_mfn(rx_ring_pfn));
    HYPERVISOR_hv_stats(&h0);

    op = (netif_op_t){.cmd = NETIFOP_connect,
                      .u.connect = {pfn_to_mfn(tx_ring_pfn), pfn_to_mfn(rx_ring_pfn), 0}};
    check_eq("connect", netif_op(&op), 0);
    port = op.u.connect.port;
    check_eq("connect twice refused", netif_op(&op), -XEN_EBUSY);
    evtchn_op_t close = {.cmd = EVTCHNOP_close, .u.close = {.dom = DOMID_SELF, .port = port}};
    check_eq("close the device's port refused", HYPERVISOR_event_channel_op(&close), -XEN_EINVAL);

    for (unsigned i = 0; i < NBUF; i++)
        rx_post(maddr(rx_pfn[i], 0), (uint16_t)i);
    kick();

    unsigned len = build_arp(pfn_to_virt(tx_pfn));
    check_eq("tx: ARP request for 10.0.2.2", tx_one(maddr(tx_pfn, 0), len, 1), (int)len);
    check_true("rx: ARP reply from 10.0.2.2", wait_for(&got_arp), "none in 3 s");
    check_true("an event on the port", evtchn_is_pending(port), "not pending");
    evtchn_clear(port);
    len = build_echo(pfn_to_virt(tx_pfn));
    check_eq("tx: ICMP echo to 10.0.2.2", tx_one(maddr(tx_pfn, 0), len, 2), (int)len);
    check_true("rx: ICMP echo reply from 10.0.2.2", wait_for(&got_echo), "none in 3 s");

    if (link_test)
        link_flap();
    bad_requests(pin_pfn);

    rx_poll(); /* frames that came meanwhile: their buffers go back */
    kick();
    net_stats(&ns);
    printk("netif stats: tx %u packets %u bytes, rx %u packets %u bytes, interrupts %u, events %u, "
           "bad %u %u %u %u %u %u %u %u, posted %u, link changes %u, resets %u\n",
           ns.dev.tx_packets, (unsigned)ns.dev.tx_bytes, ns.dev.rx_packets,
           (unsigned)ns.dev.rx_bytes, ns.dev.interrupts, ns.rx.events + ns.tx.events, ns.bad[0],
           ns.bad[1], ns.bad[2], ns.bad[3], ns.bad[4], ns.bad[5], ns.bad[6], ns.bad[7],
           ns.rx_posted, ns.dev.link_changes, ns.dev.resets);
    check_eq("stats: size", (int)ns.size, sizeof(ns));
    check_eq("stats: model", (int)ns.model, (int)query_model);
    check_eq("stats: not-owned refusals", (int)ns.bad[NETIF_BAD_NOT_OWNED], 2);
    check_eq("stats: wrong-type refusals", (int)ns.bad[NETIF_BAD_TYPE], 3);
    check_eq("stats: page-crossing refusals", (int)ns.bad[NETIF_BAD_STRADDLE], 2);
    check_eq("stats: length refusals", (int)ns.bad[NETIF_BAD_LENGTH], 4);
    check_eq("stats: duplicate refusals", (int)ns.bad[NETIF_BAD_DUPLICATE], 2);
    check_eq("stats: index refusals", (int)ns.bad[NETIF_BAD_INDEX], 2);
    int offered = (query_features & NETIF_F_TX_CSUM) != 0;
    check_eq("stats: flag refusals", (int)ns.bad[NETIF_BAD_FLAGS], 1);
    check_eq("stats: checksum refusals", (int)ns.bad[NETIF_BAD_CSUM], offered ? 6 : 0);
    check_true("stats: packets both ways", ns.dev.tx_packets >= 3 && ns.dev.rx_packets >= 2,
               "tx %u rx %u", ns.dev.tx_packets, ns.dev.rx_packets);
    check_true("stats: interrupts", ns.dev.interrupts > 0, "none");
    check_eq("stats: buffers posted", (int)ns.rx_posted, NBUF + !pin_answered);

    op = (netif_op_t){.cmd = NETIFOP_disconnect};
    check_eq("disconnect", netif_op(&op), 0);
    check_eq("disconnect twice refused", netif_op(&op), -XEN_EINVAL);
    net_stats(&ns);
    check_eq("stats: nothing posted after disconnect", (int)ns.rx_posted, 0);
    int prc = pin_l1(pin_pfn);
    check_eq("pin the released buffer's frame as an L1", prc, 0);
    if (prc == 0)
        unpin_l1(pin_pfn);
    HYPERVISOR_hv_stats(&h1);
    check_eq("no leak: general references", (int)(h1.guest_refs - h0.guest_refs), 0);
    check_eq("no leak: type references", (int)(h1.guest_type_refs - h0.guest_type_refs), 0);
    check_eq("no leak: writable frames",
             (int)(h1.guest_frames_by_type[5] - h0.guest_frames_by_type[5]), 0);
    check_summary("netif");
}

/*
 * test=netif-nobuf: a frame that finds no guest buffer waits in the card's receive ring; the
 * hypervisor's idle loop must not service the card again and again for it while it polls
 * (hypervisor/core/idle.c, net_dev.rx_held): each try counts one more receive drop for the same
 * frame. The ARP reply is that frame: no buffer is posted until after 32 blocks of 150 us
 * (within idlepoll='s 200 us), then one is, and the reply must reach it.
 */
#define NOBUF_SLEEPS 32
static void test_netif_nobuf(void)
{
    netif_op_t op = {.cmd = NETIFOP_query};
    netif_stats_t s0, s1;

    check_begin();
    if (netif_op(&op)) {
        check_true("query", 0, "refused");
        check_summary("netif-nobuf");
        return;
    }
    memcpy(mac, op.u.query.mac, 6);
    tx_ring_pfn = zeroed_frame();
    uint32_t rx_ring_pfn = zeroed_frame();
    tx_pfn = zeroed_frame();
    rx_pfn[0] = zeroed_frame();
    tx = pfn_to_virt(tx_ring_pfn);
    rx = pfn_to_virt(rx_ring_pfn);
    tx->hdr.rsp_event = rx->hdr.rsp_event = 1;
    op = (netif_op_t){.cmd = NETIFOP_connect,
                      .u.connect = {pfn_to_mfn(tx_ring_pfn), pfn_to_mfn(rx_ring_pfn), 0}};
    check_eq("connect", netif_op(&op), 0);
    port = op.u.connect.port;
    evt_enable();

    unsigned len = build_arp(pfn_to_virt(tx_pfn));
    check_eq("tx: ARP request for 10.0.2.2, no receive buffer posted",
             tx_one(maddr(tx_pfn, 0), len, 1), (int)len);
    /* The reply comes (once QEMU's card has its link up: it may be just after boot) and waits
     * in the card's ring, counted as a drop once. */
    for (unsigned i = 0; i < 300 && (net_stats(&s0), s0.rx.drops == 0); i++)
        sleep_ns(10 * NSEC_PER_MSEC);
    sleep_ns(10 * NSEC_PER_MSEC);
    net_stats(&s0);
    for (unsigned i = 0; i < NOBUF_SLEEPS; i++)
        sleep_ns(150 * 1000);
    net_stats(&s1);
    uint32_t tries = s1.rx.drops - s0.rx.drops;
    printk("netif-nobuf: %u receive drops over %u blocks of 150 us (%u before them)\n", tries,
           NOBUF_SLEEPS, s0.rx.drops);
    check_true("the reply waited for a buffer", s0.rx.drops >= 1, "no drop before the blocks");
    check_true("a waiting frame is not retried while the idle loop polls", tries <= NOBUF_SLEEPS,
               "%u tries in %u blocks", tries, NOBUF_SLEEPS);

    rx_post(maddr(rx_pfn[0], 0), 0);
    kick();
    check_true("rx: the ARP reply, once a buffer is posted", wait_for(&got_arp), "none in 3 s");
    op = (netif_op_t){.cmd = NETIFOP_disconnect};
    check_eq("disconnect", netif_op(&op), 0);
    check_summary("netif-nobuf");
}

static void run_netif_nobuf(const struct selftest_env *env)
{
    (void)env;
    test_netif_nobuf();
}
SELFTEST(netif_nobuf, "test=netif-nobuf", run_netif_nobuf, SELFTEST_EVENTS | SELFTEST_MM);

static void run_netif(const struct selftest_env *env)
{
    test_netif(env->si, 0);
}
SELFTEST(netif, "test=netif", run_netif, SELFTEST_TRAPS | SELFTEST_MM);

static void run_netif_link(const struct selftest_env *env)
{
    test_netif(env->si, 1);
}
SELFTEST(netif_link, "test=netif-link", run_netif_link, SELFTEST_TRAPS | SELFTEST_MM);

static void run_netif_wire(const struct selftest_env *env)
{
    (void)env;
    test_netif_wire();
}
SELFTEST(netif_wire, "test=netif-wire", run_netif_wire, SELFTEST_TRAPS | SELFTEST_MM);
