/*
 * What to answer: bad requests get their status (request.c decided which), then routing:
 *   /api/stats      GET, HEAD        the hypervisor's and the guest's figures as JSON (stats.c)
 *   /api/fasttrap   GET, HEAD, POST  the fast-trap switch (control.c)
 *   anything else   GET, HEAD        a static file under the document root (files.c)
 * A method a resource does not have is 405 with Allow; HTTP/1.1 without Host is 400.
 */
#include <stdio.h>
#include <string.h>
#include "httpd.h"

const char *status_text(int status)
{
    const char *s = http_status_str((enum http_status)status);

    return s && strcmp(s, "<unknown>") != 0 ? s : "Unknown";
}

static int closes(const struct request *r)
{
    return r->status || !r->keep_alive;
}

void respond_headers(struct conn *c, const struct request *r, int status, const char *type,
                     long long length, const char *extra)
{
    static time_t date_for = -1;
    static char date[32];
    time_t now = (time_t)(now_ms() / 1000);

    if (now != date_for) {
        http_date(time(NULL), date);
        date_for = now;
    }
    buf_printf(&c->out, "HTTP/1.1 %d %s\r\nServer: " HTTPD_VERSION "\r\nDate: %s\r\n", status,
               status_text(status), date);
    if (type)
        buf_printf(&c->out, "Content-Type: %s\r\n", type);
    if (length >= 0)
        buf_printf(&c->out, "Content-Length: %lld\r\n", length);
    if (closes(r))
        buf_str(&c->out, "Connection: close\r\n");
    else if (r->http_minor == 0)
        buf_str(&c->out, "Connection: keep-alive\r\n");
    if (extra)
        buf_str(&c->out, extra);
    buf_str(&c->out, "\r\n");
    if (status >= 100 && status < 600)
        hstats.status_class[status / 100]++;
    if (cfg.access_log)
        log_line("%s \"%s %s\" %d", c->peer, r->status ? "-" : http_method_str(r->method),
                 r->url[0] ? r->url : "-", status);
}

void respond_simple(struct conn *c, const struct request *r, int status, const char *extra,
                    const char *body)
{
    char text[160];

    if (!body) {
        snprintf(text, sizeof(text), "%d %s\n", status, status_text(status));
        body = text;
    }
    respond_headers(c, r, status, "text/plain; charset=utf-8", (long long)strlen(body), extra);
    if (r->method != HTTP_HEAD || r->status)
        buf_str(&c->out, body);
}

static void respond_json(struct conn *c, const struct request *r, int status, struct buf *json)
{
    if (json->failed) {
        respond_simple(c, r, 500, NULL, NULL);
        return;
    }
    respond_headers(c, r, status, "application/json", (long long)json->len,
                    "Cache-Control: no-store\r\n");
    if (r->method != HTTP_HEAD)
        buf_add(&c->out, json->data, json->len);
}

/* The /api/stats JSON is built here (one request at a time), then copied into the answer. */
static char json_store[JSON_MAX];

void respond_prefault(void)
{
    prefault(json_store, sizeof(json_store));
}

static void api_stats(struct conn *c, const struct request *r)
{
    struct buf json;

    if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
        respond_simple(c, r, 405, "Allow: GET, HEAD\r\n", NULL);
        return;
    }
    buf_init_fixed(&json, json_store, sizeof(json_store));
    stats_json(&json);
    respond_json(c, r, 200, &json);
    buf_free(&json);
}

static void api_fasttrap(struct conn *c, const struct request *r)
{
    struct buf json;
    char store[128];
    int writable, state, status = 200;

    if (r->method == HTTP_POST) {
        int on = -1;

        if (strcmp(r->body, "1") == 0 || strcmp(r->body, "on") == 0 ||
            strcmp(r->body, "1\n") == 0 || strcmp(r->body, "on\n") == 0)
            on = 1;
        else if (strcmp(r->body, "0") == 0 || strcmp(r->body, "off") == 0 ||
                 strcmp(r->body, "0\n") == 0 || strcmp(r->body, "off\n") == 0)
            on = 0;
        if (on < 0) {
            respond_simple(c, r, 400, NULL, "the body must be 1 (on) or 0 (off)\n");
            return;
        }
        fasttrap_get(&writable);
        if (!writable) {
            respond_simple(c, r, 403, NULL,
                           "the fast-trap switch is read-only: boot the appliance with 'demo'\n");
            return;
        }
        if (fasttrap_set(on) != 0) {
            respond_simple(c, r, 500, NULL, "the fast-trap switch refused the change\n");
            return;
        }
        log_line("%s turned the fast trap %s", c->peer, on ? "on" : "off");
    } else if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
        respond_simple(c, r, 405, "Allow: GET, HEAD, POST\r\n", NULL);
        return;
    }
    state = fasttrap_get(&writable);
    buf_init_fixed(&json, store, sizeof(store));
    buf_printf(&json, "{\"fast_trap\": %s, \"writable\": %s}\n",
               state < 0 ? "null"
               : state   ? "true"
                         : "false",
               writable ? "true" : "false");
    respond_json(c, r, status, &json);
    buf_free(&json);
}

void respond(struct conn *c, const struct request *r)
{
    char path[MAX_URL + 2];
    int bad;

    if (r->status) {
        respond_simple(c, r, r->status, NULL, NULL);
        return;
    }
    if (r->http_minor >= 1 && !r->host[0]) {
        struct request copy = *r;

        copy.status = 400; /* RFC 9112 §3.2: and the connection closes */
        respond_simple(c, &copy, 400, NULL, "HTTP/1.1 requests need a Host header\n");
        c->close_after = 1;
        return;
    }
    if (r->method == HTTP_CONNECT || r->url[0] != '/') {
        struct request copy = *r;

        copy.status = 400;
        respond_simple(c, &copy, 400, NULL, "only origin-form request targets are served\n");
        c->close_after = 1;
        return;
    }
    bad = path_clean(r->url, path, sizeof(path));
    if (bad) {
        respond_simple(c, r, bad, NULL, NULL);
        return;
    }
    if (strcmp(path, "/api/stats") == 0)
        api_stats(c, r);
    else if (strcmp(path, "/api/fasttrap") == 0)
        api_fasttrap(c, r);
    else if (r->method != HTTP_GET && r->method != HTTP_HEAD)
        respond_simple(c, r, 405, "Allow: GET, HEAD\r\n", NULL);
    else
        serve_file(c, r, path);
}
