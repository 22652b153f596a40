// `npm run bench:egress [-- --n 500 --concurrency 32 --events 50]`: what the runner's egress proxy
// (containers/runner/egress.ts) costs the agent. A local upstream answers every POST with a
// Messages-API-shaped SSE stream of --events events; the same requests go to it straight (the
// baseline, in the same run) and through the proxy, which drops the agent's key and adds the
// run's. Prints time to first byte and to the end of the stream, p50/p99, and the throughput of
// --concurrency clients. Target: p50 overhead to first byte ≤ 2 ms.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { EgressProxy } from "../containers/runner/egress";
import { percentiles } from "./percentiles.mjs";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "500" },
    concurrency: { type: "string", default: "32" },
    events: { type: "string", default: "50" },
  },
});
const n = Number(values.n);
const concurrency = Number(values.concurrency);
const events = Number(values.events);
const KEY = "sk-ant-bench-real-key";

const upstream = createServer((req, res) => {
  if (req.headers["x-api-key"] !== KEY && req.headers["x-api-key"] !== "direct") {
    res.writeHead(401).end();
    return;
  }
  req.resume();
  req.on("end", () => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    for (let i = 0; i < events; i++) {
      res.write(
        `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"token ${i} "}}\n\n`,
      );
    }
    res.end('event: message_stop\ndata: {"type":"message_stop"}\n\n');
  });
});
await new Promise<void>((done) => upstream.listen(0, "127.0.0.1", done));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const proxy = new EgressProxy();
const lease = await proxy.open({ model: { upstream: upstreamUrl, headers: { "x-api-key": KEY } } });
const proxiedUrl = lease.urlFor("model");

const body = JSON.stringify({ model: "bench", max_tokens: 16, stream: true, messages: [{ role: "user", content: "hi" }] });

/** One streamed POST: [ms to first body byte, ms to end]. */
function post(base: string, key: string): Promise<[number, number]> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}/v1/messages`,
      { method: "POST", headers: { "content-type": "application/json", "x-api-key": key } },
      (res) => {
        let first = 0;
        res.on("data", () => {
          first ||= performance.now() - started;
        });
        res.on("end", () =>
          res.statusCode === 200 ? resolve([first, performance.now() - started]) : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function sequential(base: string, key: string) {
  for (let i = 0; i < 20; i++) await post(base, key);
  const first: number[] = [];
  const total: number[] = [];
  for (let i = 0; i < n; i++) {
    const [f, t] = await post(base, key);
    first.push(f);
    total.push(t);
  }
  return { first: percentiles(first), total: percentiles(total) };
}

async function burst(base: string, key: string): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next += 1;
        await post(base, key);
      }
    }),
  );
  return n / ((performance.now() - started) / 1000);
}

console.log(`bench:egress — n=${n}, concurrency=${concurrency}, ${events} SSE events a response, load ${loadavg()[0]?.toFixed(2)}`);
const direct = await sequential(upstreamUrl, "direct");
const proxied = await sequential(proxiedUrl, "sk-ant-agent-placeholder");
const fmt = (p: { p50: number; p99: number }) => `p50 ${p.p50.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms`;
console.log(`first byte  direct  ${fmt(direct.first)}`);
console.log(`first byte  proxied ${fmt(proxied.first)}`);
console.log(`whole reply direct  ${fmt(direct.total)}`);
console.log(`whole reply proxied ${fmt(proxied.total)}`);
const directRate = await burst(upstreamUrl, "direct");
const proxiedRate = await burst(proxiedUrl, "sk-ant-agent-placeholder");
console.log(
  `throughput  direct ${directRate.toFixed(0)}/s  proxied ${proxiedRate.toFixed(0)}/s  (ratio ${(proxiedRate / directRate).toFixed(2)})`,
);
const overhead = proxied.first.p50 - direct.first.p50;
console.log(`overhead to first byte p50 ${overhead.toFixed(2)} ms — target ≤ 2 ms: ${overhead <= 2 ? "PASS" : "MISS"}`);

lease.close();
await proxy.close();
upstream.close();
