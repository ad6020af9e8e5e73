/**
 * Reads one KRX XML file in this process and prints what it measured as JSON: rows, seconds and peak
 * RSS. Run by bench/xml.bench.ts in a fresh process so the RSS figure is the reader's alone.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readKrxXml } from '../src/core/xml/krx-xml-reader.ts';

const file = process.argv[2]!;
const started = performance.now();
let ticks = 0;
let quarantined = 0;
const reader = readKrxXml(createReadStream(file, { highWaterMark: 256 * 1024 }), { srcFile: basename(file) });
for (;;) {
  const next = await reader.next();
  if (next.done) break;
  ticks += next.value.ticks.length;
  quarantined += next.value.quarantined.length;
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    bytes: statSync(file).size,
    ticks,
    quarantined,
    seconds,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
