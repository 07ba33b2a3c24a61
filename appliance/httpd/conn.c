/*
 * One connection: the bytes read but not yet parsed, the answers queued (struct buf, on the
 * slot's fixed storage) and a file body still to send. Requests are parsed one at a time and
 * answered in order; parsing stops while a file body is in flight or more than OUT_PARSE_LIMIT
 * bytes are queued, and resumes as the client reads (so 10,000 pipelined requests cost one
 * connection's buffers, not 10,000 answers, and the next answer always fits the buffer).
 *
 * A bad request is answered and the connection closed "lingering": the write side is shut, and
 * input is read and dropped until the client closes or a second passes, so that unread input does
 * not make the kernel reset the connection before the client has read the error.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/sendfile.h>
#endif
#include "httpd.h"

#define LINGER_MS 1000
#define WRITE_STALL_S 30 /* a client that reads nothing of its answer for this long is dropped */

/* sendfile where the kernel has it; after one ENOSYS/EINVAL, read and write for good. */
static int sendfile_works = 1;

void conn_init(struct conn *c, int fd, const char *peer, long long now)
{
    memset(c, 0, offsetof(struct conn, in)); /* the buffers need no clearing */
    c->fd = fd;
    c->file_fd = -1;
    c->last_io_ms = now;
    parser_init(&c->parser);
    buf_init_fixed(&c->out, c->out_store, sizeof(c->out_store));
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
}

void conn_fini(struct conn *c)
{
    if (c->file_fd >= 0)
        close(c->file_fd);
    buf_free(&c->out);
    close(c->fd);
    c->fd = -1;
}

static int output_pending(const struct conn *c)
{
    return c->out.len > 0 || c->file_fd >= 0;
}

int conn_wants_read(const struct conn *c)
{
    if (c->lingering)
        return 1;
    if (c->read_eof || c->close_after || c->in_len == sizeof(c->in))
        return 0;
    return c->file_fd < 0 && c->out.len <= OUT_PARSE_LIMIT;
}

int conn_wants_write(const struct conn *c)
{
    return !c->lingering && output_pending(c);
}

int conn_idle(const struct conn *c)
{
    return !c->lingering && !output_pending(c) && c->in_len == 0 && !c->parser.in_message;
}

/* Parses and answers what is buffered, as far as back-pressure allows. */
static void process(struct conn *c, long long now)
{
    struct request *r = &c->parser.req;
    size_t off = 0;

    while (!c->close_after && c->file_fd < 0 && c->out.len <= OUT_PARSE_LIMIT) {
        size_t used;

        /* Never feed nothing: to http-parser, a zero length means the end of the stream. */
        if (off == c->in_len)
            break;
        used = parser_feed(&c->parser, c->in + off, c->in_len - off);
        off += used < c->in_len - off ? used : c->in_len - off;
        if (c->parser.in_message && !c->req_start_ms)
            c->req_start_ms = now;
        if (r->status) {
            hstats.bad_requests++;
            if (cfg.access_log)
                log_line("%s bad request: %s -> %d", c->peer, r->why, r->status);
            respond(c, r);
            c->close_after = 1;
            break;
        }
        if (r->expect_continue && !r->complete) {
            buf_str(&c->out, "HTTP/1.1 100 Continue\r\n\r\n");
            r->expect_continue = 0;
        }
        if (!r->complete)
            break;
        c->requests++;
        hstats.requests++;
        respond(c, r);
        if (!r->keep_alive)
            c->close_after = 1;
        parser_next(&c->parser);
        c->req_start_ms = 0;
    }
    if (off) {
        memmove(c->in, c->in + off, c->in_len - off);
        c->in_len -= off;
    }
}

static enum conn_step start_linger(struct conn *c, long long now)
{
    c->lingering = 1;
    c->last_io_ms = now;
    if (shutdown(c->fd, SHUT_WR) != 0)
        return CONN_CLOSE;
    return CONN_OK;
}

enum conn_step conn_on_readable(struct conn *c, long long now)
{
    ssize_t n;

    if (c->lingering) {
        char sink[4096];

        n = read(c->fd, sink, sizeof(sink));
        if (n > 0)
            return CONN_OK;
        return n < 0 && (errno == EAGAIN || errno == EINTR) ? CONN_OK : CONN_CLOSE;
    }
    n = read(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len);
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? CONN_OK : CONN_CLOSE;
    if (n == 0) {
        /* The client is done sending. An unfinished request cannot complete: drop it; answers
         * still queued go out (a half-closed client may be reading them). */
        c->read_eof = 1;
        if (!output_pending(c) && c->in_len == 0)
            return CONN_CLOSE;
        process(c, now);
        if (!output_pending(c))
            return CONN_CLOSE;
        c->close_after = 1;
        return CONN_OK;
    }
    c->in_len += (size_t)n;
    c->last_io_ms = now;
    process(c, now);
    if (c->out.failed)
        return CONN_CLOSE;
    return CONN_OK;
}

/* The file body: sendfile, or pread + write where the kernel has no sendfile. */
static int send_file_part(struct conn *c)
{
    ssize_t n = -1;
    size_t want = c->file_left > 65536 ? 65536 : (size_t)c->file_left;

#if defined(__linux__)
    if (sendfile_works) {
        off_t off = c->file_off;

        n = sendfile(c->fd, c->file_fd, &off, want);
        if (n < 0 && (errno == ENOSYS || errno == EINVAL)) {
            sendfile_works = 0;
            log_line("sendfile: %s: reading and writing file bodies instead", strerror(errno));
        } else if (n > 0) {
            hstats.sendfile_bytes += (unsigned long long)n;
        }
    }
#endif
    if (!sendfile_works) {
        char chunk[16384];
        ssize_t got =
            pread(c->file_fd, chunk, want < sizeof(chunk) ? want : sizeof(chunk), c->file_off);

        if (got <= 0)
            return -1; /* the file shrank under us: the answer cannot be completed */
        n = write(c->fd, chunk, (size_t)got);
        if (n > 0)
            hstats.copied_bytes += (unsigned long long)n;
    }
    if (n < 0)
        return errno == EAGAIN || errno == EINTR ? 0 : -1;
    if (n == 0)
        return -1;
    c->file_off += n;
    c->file_left -= n;
    hstats.bytes_out += (unsigned long long)n;
    if (c->file_left == 0) {
        close(c->file_fd);
        c->file_fd = -1;
    }
    return 1;
}

enum conn_step conn_on_writable(struct conn *c, long long now)
{
    while (c->out.len > 0) {
        ssize_t n = send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL);

        if (n < 0)
            return errno == EAGAIN || errno == EINTR ? CONN_OK : CONN_CLOSE;
        buf_consume(&c->out, (size_t)n);
        hstats.bytes_out += (unsigned long long)n;
        c->last_io_ms = now;
    }
    while (c->file_fd >= 0) {
        int rc = send_file_part(c);

        if (rc < 0)
            return CONN_CLOSE;
        if (rc == 0)
            return CONN_OK;
        c->last_io_ms = now;
    }
    if (c->close_after)
        return start_linger(c, now);
    /* Everything written: the next pipelined request, if one is buffered. */
    process(c, now);
    return c->out.failed ? CONN_CLOSE : CONN_OK;
}

long long conn_deadline(const struct conn *c)
{
    if (c->lingering)
        return c->last_io_ms + LINGER_MS;
    if (output_pending(c))
        return c->last_io_ms + WRITE_STALL_S * 1000LL;
    if (c->req_start_ms || c->in_len)
        return (c->req_start_ms ? c->req_start_ms : c->last_io_ms) + cfg.request_timeout * 1000LL;
    return c->last_io_ms + cfg.idle_timeout * 1000LL;
}

enum conn_step conn_on_tick(struct conn *c, long long now)
{
    if (now < conn_deadline(c))
        return CONN_OK;
    if (c->lingering || output_pending(c))
        return CONN_CLOSE;
    if (c->req_start_ms || c->in_len) {
        /* A request began and did not finish in time: 408, then close. */
        struct request r;

        memset(&r, 0, sizeof(r));
        r.status = 408;
        r.http_major = r.http_minor = 1;
        hstats.timeouts++;
        if (cfg.access_log)
            log_line("%s request not complete after %d s -> 408", c->peer, cfg.request_timeout);
        respond(c, &r);
        c->close_after = 1;
        c->req_start_ms = 0;
        c->in_len = 0;
        c->last_io_ms = now;
        return conn_on_writable(c, now);
    }
    return CONN_CLOSE; /* idle keep-alive connection */
}
