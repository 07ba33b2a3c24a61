/*
 * /api/stats: one JSON object with the hypervisor's and the guest's figures, read from the
 * guest's /proc files on every request (cfg.proc; the tests point it at fixture files):
 *   /proc/stats         the guest kernel's counters ("name value" lines)
 *   /proc/hypervisor    the hypervisor's (hypercall_NAME, bounce_VECTOR, batching, events, ...)
 *   /proc/meminfo, /proc/uptime
 *   /proc/net/dev       per-interface packet counters, /proc/net/snmp the TCP counters: both
 *                       "available": false (and empty) until the guest has a network stack
 * plus the fast-trap switch and httpd's own counters. docs/appliance.md lists every field.
 * A missing file makes its section null; the shape of the object never changes.
 *
 * Each file is read whole into one static buffer (not through fopen, whose FILE and buffer musl
 * allocates per call): serving /api/stats allocates nothing (slots.c says why that matters).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "httpd.h"

#define MAX_ROWS 192
#define FILE_MAX 32768 /* a longer /proc file is read as far as this */

struct table {
    int n;
    char name[MAX_ROWS][48];
    unsigned long long value[MAX_ROWS];
};

static struct table g, hv, mem; /* 10 KB each: not on the stack */
static char text[FILE_MAX + 1]; /* the file being read */
static const char *cursor;      /* the next line in text */

void stats_prefault(void)
{
    prefault(&g, sizeof(g));
    prefault(&hv, sizeof(hv));
    prefault(&mem, sizeof(mem));
    prefault(text, sizeof(text));
}

/* Reads cfg.proc/rel into text; 0, or -1 when it cannot be opened. */
static int read_file(const char *rel)
{
    char path[512];
    size_t len = 0;
    ssize_t n = 1;
    int fd;

    if (snprintf(path, sizeof(path), "%s/%s", cfg.proc, rel) >= (int)sizeof(path))
        return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    while (len < FILE_MAX && n > 0) {
        n = read(fd, text + len, FILE_MAX - len);
        if (n > 0)
            len += (size_t)n;
    }
    close(fd);
    text[len] = 0;
    cursor = text;
    return 0;
}

/* The next line of text (with its newline, cut to size - 1 bytes); 0 at the end. */
static int next_line(char *line, size_t size)
{
    size_t n = 0;

    if (!*cursor)
        return 0;
    while (cursor[n] && cursor[n] != '\n')
        n++;
    if (cursor[n] == '\n')
        n++;
    snprintf(line, size, "%.*s", (int)n, cursor);
    cursor += n;
    return 1;
}

/* "name value" or "Name: value kB" lines. */
static int load(const char *rel, struct table *t)
{
    char line[256];

    t->n = 0;
    if (read_file(rel))
        return -1;
    while (t->n < MAX_ROWS && next_line(line, sizeof(line))) {
        if (sscanf(line, "%47[^: \t\n]%*[: \t]%llu", t->name[t->n], &t->value[t->n]) == 2)
            t->n++;
    }
    return 0;
}

static unsigned long long get(const struct table *t, const char *name)
{
    for (int i = 0; i < t->n; i++)
        if (strcmp(t->name[i], name) == 0)
            return t->value[i];
    return 0;
}

/* Rows whose name starts with prefix (when keep), or does not start with any of the listed
 * prefixes (when !keep), as one JSON object, the prefix taken off the names. */
static void object(struct buf *b, const struct table *t, const char *prefix, int keep,
                   const char *const *skip)
{
    int first = 1;

    buf_str(b, "{");
    for (int i = 0; i < t->n; i++) {
        const char *name = t->name[i];
        int skipped = 0;

        if (keep) {
            if (strncmp(name, prefix, strlen(prefix)) != 0)
                continue;
            name += strlen(prefix);
        } else {
            for (int s = 0; skip && skip[s]; s++)
                skipped |= strncmp(name, skip[s], strlen(skip[s])) == 0;
            if (skipped)
                continue;
        }
        buf_printf(b, "%s", first ? "" : ", ");
        buf_json_string(b, name);
        buf_printf(b, ": %llu", t->value[i]);
        first = 0;
    }
    buf_str(b, "}");
}

static void batch(struct buf *b, const char *name, unsigned long long calls,
                  unsigned long long entries, int last)
{
    buf_printf(b, "\"%s\": {\"calls\": %llu, \"entries\": %llu, \"mean\": %.2f}%s", name, calls,
               entries, calls ? (double)entries / (double)calls : 0.0, last ? "" : ", ");
}

static void hypervisor_sections(struct buf *b, const struct table *hv, const struct table *g,
                                int have_hv, int have_g)
{
    static const char *const others[] = {"hypercall_", "bounce_", NULL};

    if (!have_hv) {
        buf_str(b,
                "\"syscalls\": null, \"hypercalls\": null, \"bounces\": null, \"batches\": null, "
                "\"events\": null, \"hypervisor\": null, ");
        return;
    }
    buf_printf(b, "\"syscalls\": {\"total\": %llu, \"fast\": %llu, \"bounced\": %llu}, ",
               get(g, "syscalls"), get(hv, "syscalls_fast"), get(hv, "syscalls_bounced"));
    buf_str(b, "\"hypercalls\": ");
    object(b, hv, "hypercall_", 1, NULL);
    buf_str(b, ", \"bounces\": ");
    object(b, hv, "bounce_", 1, NULL);
    buf_str(b, ", \"batches\": {");
    batch(b, "mmu_update", get(hv, "mmu_batches"), get(hv, "pt_updates"), 0);
    batch(b, "multicall", get(hv, "multicall_batches"), get(hv, "multicall_entries"), !have_g);
    if (have_g)
        batch(b, "guest_queue", get(g, "mmu_batches"), get(g, "mmu_batched_updates"), 1);
    buf_printf(b, "}, \"events\": {\"upcalls\": %llu, \"sent\": %llu}, ", get(hv, "event_upcalls"),
               get(hv, "events_sent"));
    buf_str(b, "\"hypervisor\": ");
    object(b, hv, NULL, 0, others);
    buf_str(b, ", ");
}

/* /proc/net/dev: two header lines, then "iface: rx_bytes rx_packets rx_errs rx_drop rx_fifo
 * rx_frame rx_compressed rx_multicast tx_bytes tx_packets tx_errs tx_drop ..." */
static void net_section(struct buf *b)
{
    static const char *const fields[] = {"rx_bytes", "rx_packets", "rx_errs", "rx_drop",
                                         "tx_bytes", "tx_packets", "tx_errs", "tx_drop"};
    static const int columns[] = {0, 1, 2, 3, 8, 9, 10, 11};
    char line[512];
    int first = 1;

    if (read_file("net/dev")) {
        buf_str(b, "\"net\": {\"available\": false, \"interfaces\": {}}, ");
        return;
    }
    buf_str(b, "\"net\": {\"available\": true, \"interfaces\": {");
    while (next_line(line, sizeof(line))) {
        unsigned long long v[16];
        char *colon = strchr(line, ':'), *name = line;
        int n;

        if (!colon || strchr(line, '|'))
            continue;
        *colon = 0;
        while (*name == ' ')
            name++;
        n = sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
                   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10], &v[11]);
        if (n < 12)
            continue;
        buf_printf(b, "%s", first ? "" : ", ");
        buf_json_string(b, name);
        buf_str(b, ": {");
        for (int i = 0; i < 8; i++)
            buf_printf(b, "%s\"%s\": %llu", i ? ", " : "", fields[i], v[columns[i]]);
        buf_str(b, "}");
        first = 0;
    }
    buf_str(b, "}}, ");
}

/* /proc/net/snmp: "Tcp: Name Name ..." then "Tcp: value value ...". */
static void tcp_section(struct buf *b)
{
    char names[1024] = "", line[1024];

    if (read_file("net/snmp")) {
        buf_str(b, "\"tcp\": {\"available\": false}, ");
        return;
    }
    buf_str(b, "\"tcp\": {\"available\": true");
    while (next_line(line, sizeof(line))) {
        char *save1, *save2, *n, *v;

        if (strncmp(line, "Tcp:", 4) != 0)
            continue;
        if (!names[0]) {
            snprintf(names, sizeof(names), "%s", line + 4);
            continue;
        }
        n = strtok_r(names, " \t\n", &save1);
        v = strtok_r(line + 4, " \t\n", &save2);
        for (; n && v; n = strtok_r(NULL, " \t\n", &save1), v = strtok_r(NULL, " \t\n", &save2)) {
            buf_str(b, ", ");
            buf_json_string(b, n);
            buf_printf(b, ": %lld", strtoll(v, NULL, 10));
        }
        break;
    }
    buf_str(b, "}, ");
}

static void httpd_section(struct buf *b)
{
    buf_printf(b,
               "\"httpd\": {\"uptime_ms\": %lld, \"connections_active\": %lu, "
               "\"connections_accepted\": %llu, \"connections_refused_full\": %llu, "
               "\"requests\": %llu, \"bad_requests\": %llu, \"timeouts\": %llu, "
               "\"responses_2xx\": %llu, \"responses_3xx\": %llu, \"responses_4xx\": %llu, "
               "\"responses_5xx\": %llu, \"bytes_out\": %llu, \"sendfile_bytes\": %llu, "
               "\"copied_bytes\": %llu, \"max_connections\": %d, \"request_timeout_s\": %d, "
               "\"idle_timeout_s\": %d, \"slots_touched\": %d, \"slot_bytes\": %zu, "
               "\"out_overflows\": %llu}",
               now_ms() - hstats.started_ms, hstats.active, hstats.accepted, hstats.rejected_full,
               hstats.requests, hstats.bad_requests, hstats.timeouts, hstats.status_class[2],
               hstats.status_class[3], hstats.status_class[4], hstats.status_class[5],
               hstats.bytes_out, hstats.sendfile_bytes, hstats.copied_bytes, cfg.max_conns,
               cfg.request_timeout, cfg.idle_timeout, slots_touched(), sizeof(struct conn),
               buf_overflows);
}

void stats_json(struct buf *b)
{
    int have_g = load("stats", &g) == 0, have_hv = load("hypervisor", &hv) == 0;
    int have_mem = load("meminfo", &mem) == 0, writable, ft = fasttrap_get(&writable);
    double up = 0;

    buf_printf(b, "{\"version\": 1, \"sample_ms\": %lld, ", now_ms());
    if (read_file("uptime") == 0 && sscanf(text, "%lf", &up) != 1)
        up = 0;
    buf_printf(b, "\"uptime_s\": %.2f, ", up);
    buf_printf(b, "\"fast_trap\": {\"on\": %s, \"writable\": %s}, ",
               ft < 0   ? "null"
               : ft > 0 ? "true"
                        : "false",
               writable ? "true" : "false");
    if (have_mem)
        buf_printf(b, "\"memory\": {\"total_kb\": %llu, \"free_kb\": %llu}, ",
                   get(&mem, "MemTotal"), get(&mem, "MemFree"));
    else
        buf_str(b, "\"memory\": null, ");
    if (have_g)
        buf_printf(b,
                   "\"processes\": {\"live\": %llu, \"forks\": %llu, \"execs\": %llu, "
                   "\"exits\": %llu, \"ctx_switches\": %llu}, ",
                   get(&g, "procs_live"), get(&g, "forks"), get(&g, "execs"), get(&g, "exits"),
                   get(&g, "ctx_switches"));
    else
        buf_str(b, "\"processes\": null, ");
    hypervisor_sections(b, &hv, &g, have_hv, have_g);
    buf_str(b, "\"guest\": ");
    if (have_g)
        object(b, &g, NULL, 0, NULL);
    else
        buf_str(b, "null");
    buf_str(b, ", ");
    net_section(b);
    tcp_section(b);
    httpd_section(b);
    buf_str(b, "}\n");
}
