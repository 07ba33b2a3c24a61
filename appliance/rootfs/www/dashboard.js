// The dashboard: samples /api/stats once a second (?interval=MS changes that), turns counters
// into rates between samples, draws them with dygraphs (Debian's libjs-dygraphs, served from
// /lib/) and fills the tables. The fast-trap switch posts to /api/fasttrap; the server says
// whether it may (the guest booted with "demo").
"use strict";

const params = new URLSearchParams(location.search);
const INTERVAL = Math.max(100, Number(params.get("interval")) || 1000);
const KEEP = 120; // samples on the charts
const $ = (id) => document.getElementById(id);
const fmt = (v) => (v === null || v === undefined || Number.isNaN(v)) ? "–" :
  Number.isInteger(v) ? v.toLocaleString("en-US") : v.toLocaleString("en-US", {maximumFractionDigits: 1});

let prev = null;
const series = {fast: [], bounced: [], http: [], hv: [], events: [], net: []};
const charts = {};

function sum(obj) {
  return obj ? Object.values(obj).reduce((a, b) => a + b, 0) : 0;
}

function chart(id, labels, colors) {
  if (typeof Dygraph === "undefined") return null; // the page still works as tables alone
  return new Dygraph($(id), [[0].concat(labels.slice(1).map(() => 0))], {
    labels, colors, strokeWidth: 2, fillGraph: true, fillAlpha: 0.12, includeZero: true,
    legend: "always", labelsSeparateLines: false, axisLabelFontSize: 11, xlabel: undefined,
    axes: {x: {valueFormatter: (x) => "t = " + x.toFixed(1) + " s", axisLabelFormatter: (x) => x.toFixed(0) + " s"},
           y: {axisLabelWidth: 60}},
  });
}

function setupCharts() {
  charts.fast = chart("chart-fast", ["t", "fast trap /s"], ["#2e8b57"]);
  charts.bounced = chart("chart-bounced", ["t", "bounced /s"], ["#c0392b"]);
  charts.http = chart("chart-http", ["t", "requests /s"], ["#2c6fbb"]);
  charts.hv = chart("chart-hv", ["t", "hypercalls /s", "PT entries /s"], ["#8e44ad", "#d68910"]);
  charts.events = chart("chart-events", ["t", "upcalls /s", "switches /s"], ["#16a085", "#7f8c8d"]);
  charts.net = chart("chart-net", ["t", "rx packets /s", "tx packets /s"], ["#2980b9", "#e67e22"]);
}

function push(name, row) {
  const s = series[name];
  s.push(row);
  if (s.length > KEEP) s.shift();
  if (charts[name]) charts[name].updateOptions({file: s});
}

function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement("tr");
    for (const c of cells) {
      const td = document.createElement("td");
      td.textContent = typeof c === "number" ? fmt(c) : c;
      tr.appendChild(td);
    }
    return tr;
  }));
}

function pairs(obj) {
  return obj ? Object.entries(obj).map(([k, v]) => [k, typeof v === "number" ? v : String(v)]) : [["not available", ""]];
}

function packets(s) {
  if (!s.net || !s.net.available) return null;
  let rx = 0, tx = 0;
  for (const [name, i] of Object.entries(s.net.interfaces)) {
    if (name === "lo") continue;
    rx += i.rx_packets; tx += i.tx_packets;
  }
  return {rx, tx};
}

function render(s) {
  $("c-uptime").textContent = s.uptime_s ? fmt(s.uptime_s) + " s" : "–";
  $("c-mem-free").textContent = s.memory ? fmt(s.memory.free_kb) + " kB" : "–";
  $("c-mem-total").textContent = s.memory ? fmt(s.memory.total_kb) + " kB" : "–";
  $("c-procs").textContent = s.processes ? fmt(s.processes.live) : "–";
  $("c-syscalls-fast").textContent = s.syscalls ? fmt(s.syscalls.fast) : "–";
  $("c-syscalls-bounced").textContent = s.syscalls ? fmt(s.syscalls.bounced) : "–";
  $("c-http-requests").textContent = fmt(s.httpd.requests);
  $("c-hypercalls").textContent = s.hypercalls ? fmt(sum(s.hypercalls)) : "–";
  $("c-pt-updates").textContent = s.hypervisor ? fmt(s.hypervisor.pt_updates) : "–";
  $("c-upcalls").textContent = s.events ? fmt(s.events.upcalls) : "–";
  $("c-ctx").textContent = s.processes ? fmt(s.processes.ctx_switches) : "–";
  const p = packets(s);
  if (p) $("c-net-packets").textContent = fmt(p.rx) + " received, " + fmt(p.tx) + " sent";
  else $("net-note").textContent = "no network interface counters (/proc/net/dev) yet";

  const ft = s.fast_trap;
  $("fasttrap-state").textContent = ft.on === null ? "unknown" : ft.on ? "on" : "off";
  $("fasttrap-state").className = ft.on ? "on" : "off";
  $("fasttrap-toggle").textContent = ft.on ? "turn off" : "turn on";
  $("fasttrap-toggle").disabled = !ft.writable || ft.on === null;
  $("fasttrap-note").hidden = !!ft.writable;

  fillTable("batches", s.batches ? Object.entries(s.batches).map(([k, b]) => [k, b.calls, b.entries, b.mean]) : []);
  fillTable("hypercalls", pairs(s.hypercalls).sort((a, b) => b[1] - a[1]));
  fillTable("bounces", s.bounces ? Object.entries(s.bounces).map(([v, n]) => [v === "128" ? "128 (int $0x80)" : v, n]) : []);
  fillTable("tcp", s.tcp.available ? pairs(s.tcp).filter(([k]) => k !== "available") : [["no TCP counters (/proc/net/snmp) yet", ""]]);
  fillTable("guest", pairs(s.guest));
  fillTable("hypervisor", pairs(s.hypervisor));
  fillTable("httpd", pairs(s.httpd));
}

function rates(s) {
  if (!prev) return;
  const dt = (s.sample_ms - prev.sample_ms) / 1000;
  if (dt <= 0) return;
  const t = (s.sample_ms - first) / 1000;
  const r = (a, b) => Math.max(0, (a - b) / dt);
  const sc = s.syscalls || {fast: 0, bounced: 0}, pc = prev.syscalls || {fast: 0, bounced: 0};
  push("fast", [t, r(sc.fast, pc.fast)]);
  push("bounced", [t, r(sc.bounced, pc.bounced)]);
  push("http", [t, r(s.httpd.requests, prev.httpd.requests)]);
  push("hv", [t, r(sum(s.hypercalls), sum(prev.hypercalls)),
              r(s.hypervisor ? s.hypervisor.pt_updates : 0, prev.hypervisor ? prev.hypervisor.pt_updates : 0)]);
  push("events", [t, r(s.events ? s.events.upcalls : 0, prev.events ? prev.events.upcalls : 0),
                  r(s.processes ? s.processes.ctx_switches : 0, prev.processes ? prev.processes.ctx_switches : 0)]);
  const p = packets(s), q = packets(prev);
  push("net", [t, p && q ? r(p.rx, q.rx) : 0, p && q ? r(p.tx, q.tx) : 0]);
}

let first = null, samples = 0;
async function sample() {
  try {
    const res = await fetch("/api/stats", {cache: "no-store"});
    if (!res.ok) throw new Error("HTTP " + res.status);
    const s = await res.json();
    if (first === null) first = s.sample_ms;
    rates(s);
    render(s);
    prev = s;
    samples++;
    document.body.dataset.samples = String(samples);
    $("sample-state").textContent = "sample " + samples + ", every " + INTERVAL / 1000 + " s";
    $("sample-state").classList.remove("stale");
  } catch (e) {
    $("sample-state").textContent = "no answer from /api/stats (" + e.message + "); retrying";
    $("sample-state").classList.add("stale");
  }
  setTimeout(sample, INTERVAL);
}

$("fasttrap-toggle").addEventListener("click", async () => {
  const button = $("fasttrap-toggle");
  const want = button.textContent === "turn on" ? "1" : "0";
  button.disabled = true;
  try {
    const res = await fetch("/api/fasttrap", {method: "POST", body: want});
    if (!res.ok) $("fasttrap-note").textContent = "refused: " + (await res.text());
    $("fasttrap-note").hidden = res.ok;
  } finally {
    setTimeout(() => { button.disabled = false; }, 300);
  }
});

setupCharts();
sample();
