/*
 * httpd: the appliance's web server. Event-driven HTTP/1.1 over poll(2) in one process: keep-alive,
 * pipelining, HEAD, conditional GET, static files, /api/stats and the fast-trap switch. Plain
 * POSIX: the same source runs in the appliance and natively on Linux (the tests run it there).
 *
 * Files: main.c (options, the poll loop, accepting, timeouts), conn.c (one connection's buffers,
 * reading, writing, sendfile), request.c (Debian's http-parser driven into struct request, with
 * our limits), respond.c (routing and status codes), files.c (static files, content types,
 * validators), path.c (URL paths), stats.c (/api/stats from the /proc files), control.c (the
 * fast-trap switch), buf.c (output buffers, JSON helpers), httpdate.c (HTTP dates), slots.c (the
 * connection slots, allocated once at start-up: no malloc per connection or request).
 */
#ifndef HTTPD_H
#define HTTPD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#include "http_parser.h"
#include "slots.h"

/* Limits (docs/appliance.md). A request line longer than MAX_URL answers 414, a header block
 * larger than MAX_HEADER_BYTES 431, a body larger than MAX_BODY 413. */
#define MAX_URL 2048
#define MAX_HEADER_BYTES 8192
#define MAX_HEADERS 64
#define MAX_BODY 1024
#define IN_BUF_SIZE 16384
/* Files up to this size go into the output buffer; larger ones through sendfile (or read). */
#define SMALL_FILE 16384
/* The largest answer built in memory: a small file or the /api/stats JSON (JSON_MAX), and a
 * header block (at most a 2 kB Location and a few short lines). */
#define JSON_MAX SMALL_FILE
#define ANSWER_MAX (SMALL_FILE + 4096)
/* Each connection's output buffer, in its slot. Parsing stops while more than OUT_PARSE_LIMIT
 * bytes are queued (pipelining back-pressure), so the next answer always fits: the buffer never
 * grows. (A larger answer would go to the heap, counted as httpd.out_overflows in /api/stats.) */
#define OUT_STORE (ANSWER_MAX + 4096)
#define OUT_PARSE_LIMIT (OUT_STORE - ANSWER_MAX)
/* The deepest stack httpd uses, touched at start-up (slots.c). */
#define PREFAULT_STACK 65536

#define HTTPD_VERSION "ringvisor-httpd/0.1"

/* ---- buf.c ---- */
struct buf {
    char *data;
    size_t len, cap;
    int failed;  /* an allocation failed: the content is incomplete */
    char *store; /* the buffer's own fixed storage (buf_init_fixed), or NULL */
    size_t store_cap;
};
void buf_init(struct buf *b);
/* A buffer on fixed storage: it goes to the heap only for content larger than cap (counted in
 * buf_overflows), and back to its storage once emptied. */
void buf_init_fixed(struct buf *b, char *store, size_t cap);
extern unsigned long long buf_overflows; /* how often a fixed buffer went to the heap */
void buf_free(struct buf *b);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_consume(struct buf *b, size_t n);
void buf_json_string(struct buf *b, const char *s);

/* ---- httpdate.c ---- */
void http_date(time_t t, char out[32]);
int http_date_parse(const char *s, time_t *t); /* 0 on success */

/* ---- request.c ---- */
struct request {
    int method; /* enum http_method */
    int http_major, http_minor;
    int status;      /* non-zero: the request is bad, answer this status and close */
    const char *why; /* for the log: what was wrong */
    int complete;    /* the whole message (with its body) has arrived */
    int keep_alive;
    int expect_continue;
    size_t head_bytes; /* bytes of the request line and headers so far */
    size_t url_len;
    char url[MAX_URL + 1];
    int nheaders;
    /* The header being read: its name (truncated; only short names matter to us). */
    char field[32];
    size_t field_len;
    int field_done;
    int value_for; /* which header the current value belongs to (HDR_*), or -1 */
    char host[256], if_none_match[512], if_modified_since[64], expect[32];
    size_t body_len;
    char body[MAX_BODY + 1];
};

enum { HDR_HOST, HDR_IF_NONE_MATCH, HDR_IF_MODIFIED_SINCE, HDR_EXPECT, HDR_COUNT };

struct parser {
    http_parser hp;
    struct request req;
    int in_message; /* a message has begun and not yet completed */
};

void parser_init(struct parser *p);
/* Feeds bytes; returns how many were consumed. Stops after a complete request (req.complete)
 * or at an error (req.status set). */
size_t parser_feed(struct parser *p, const char *data, size_t len);
/* After the caller has answered a complete request: ready for the next one. */
void parser_next(struct parser *p);

/* ---- conn.c ---- */
struct conn {
    int fd;
    struct parser parser;
    size_t in_len;
    struct buf out;
    int file_fd; /* body still to send from this file after out, or -1 */
    off_t file_off, file_left;
    int close_after; /* close once the output is written */
    int lingering;   /* output done, write side shut: discarding input until EOF or deadline */
    int read_eof;
    long long req_start_ms; /* when the request being read began (0: none in progress) */
    long long last_io_ms;   /* last progress in either direction */
    unsigned long requests;
    char peer[64];
    /* The large arrays last: conn_init clears only what comes before them. */
    char in[IN_BUF_SIZE];
    char out_store[OUT_STORE];
};

enum conn_step { CONN_OK, CONN_CLOSE };

void conn_init(struct conn *c, int fd, const char *peer, long long now_ms);
void conn_fini(struct conn *c);
int conn_wants_read(const struct conn *c);
int conn_wants_write(const struct conn *c);
int conn_idle(const struct conn *c); /* between requests, nothing queued */
enum conn_step conn_on_readable(struct conn *c, long long now_ms);
enum conn_step conn_on_writable(struct conn *c, long long now_ms);
/* Timeouts: answers 408 to a request that did not arrive in time, ends idle or stuck ones. */
enum conn_step conn_on_tick(struct conn *c, long long now_ms);
long long conn_deadline(const struct conn *c);

/* ---- respond.c ---- */
/* Answers c's current (complete or bad) request: queues the response on c. */
void respond(struct conn *c, const struct request *r);
/* A response with a short text body and optional extra header lines ("Name: value\r\n"...). */
void respond_simple(struct conn *c, const struct request *r, int status, const char *extra,
                    const char *body);
void respond_headers(struct conn *c, const struct request *r, int status, const char *type,
                     long long length, const char *extra);
const char *status_text(int status);
void respond_prefault(void); /* its static JSON buffer touched at start-up */

/* ---- path.c ---- */
/* The URL's path, %-decoded, "." and ".." resolved, repeated slashes dropped, into out. Returns
 * 0, or the status for a target that names no file here (400: a bad escape, a NUL, ".." above
 * the root, not an absolute path; 404: an encoded slash). */
int path_clean(const char *url, char *out, size_t size);

/* ---- files.c ---- */
void serve_file(struct conn *c, const struct request *r, const char *path);
const char *content_type(const char *path);

/* ---- stats.c ---- */
void stats_json(struct buf *b);
void stats_prefault(void); /* its static buffers touched at start-up (slots.c) */

/* ---- slots.c (on appliance/include/slots.h, which has prefault) ---- */
int slots_init(int max_conns); /* 0, or -1 when out of memory */
int slots_touched(void);       /* slots used so far: the most connections open at once */
struct conn *slot_take(void);  /* NULL when none is free */
void slot_give(struct conn *c);

/* ---- control.c ---- */
/* The fast-trap switch: 1 on, 0 off, -1 unknown; *writable says whether it may be changed. */
int fasttrap_get(int *writable);
int fasttrap_set(int on); /* 0, or -errno */

/* ---- main.c: the configuration and the server's own counters ---- */
struct config {
    const char *root; /* document root */
    const char *proc; /* where /proc is (tests point it at fixture files) */
    int max_conns;
    int request_timeout; /* seconds for a request to arrive completely (408 after) */
    int idle_timeout;    /* seconds a kept-alive connection may sit idle */
    int access_log;
};
extern struct config cfg;

struct httpd_stats {
    unsigned long long accepted, rejected_full, closed, requests, bytes_out;
    unsigned long long status_class[6]; /* [1]..[5]: 1xx..5xx answers */
    unsigned long long timeouts, bad_requests, sendfile_bytes, copied_bytes;
    unsigned long active;
    long long started_ms;
};
extern struct httpd_stats hstats;
long long now_ms(void);
void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
