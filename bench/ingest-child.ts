/**
 * Ingests one local XML file into a fresh embedded lake in this process and prints what it measured
 * (JSON): rows, wall and CPU seconds, peak RSS, and the latency of a query over the day's gold bars. Run by
 * bench/ingest.bench.ts in a fresh process so RSS is the ingest's alone.
 */
import '../src/cli/quiet-warnings.ts';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';

const { openLocalPlatform } = await import('../src/adapters/local/local-platform.ts');
const { ingestObject } = await import('../src/usecases/ingest.ts');

const [file, home] = [process.argv[2]!, process.argv[3]!];
const platform = openLocalPlatform(home);
const key = `incoming/${basename(file)}`;
await platform.data.put(key, createReadStream(file));
const started = performance.now();
const cpuBefore = process.cpuUsage();
const result = await ingestObject(
  { data: platform.data, lake: platform.lake, namespace: platform.namespace, ledger: platform.ingestLedger },
  key,
);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
// User + system time of every thread of the process (main, GC helpers, libuv pool): the work done.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;

const sql = `SELECT code, count(*) AS bars, sum(v) AS contracts, max(h) AS high FROM gold_bars_1m WHERE trade_date = (SELECT max(trade_date) FROM gold_bars_1m) GROUP BY code ORDER BY contracts DESC`;
const latencies: number[] = [];
// A file with no accepted tick (the quarantine bench) has no gold to query.
for (let i = 0; i < (result.counts.goldBars > 0 ? 5 : 0); i++) {
  const t = performance.now();
  await platform.query.query(sql);
  latencies.push(performance.now() - t);
}
await platform.close();
console.log(
  JSON.stringify({
    ticks: result.counts.bronze,
    quarantined: result.counts.quarantined,
    goldBars: result.counts.goldBars,
    seconds,
    cpuSeconds,
    maxRssBytes,
    queryMs: latencies,
  }),
);
