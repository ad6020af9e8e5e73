/**
 * Preloaded into a child with `node --import ./bench/peak-rss.ts …` (bench/query.bench.ts): at exit,
 * writes the process's peak RSS in bytes to the file named by QUOTELAB_BENCH_RSS_FILE. Nothing else.
 */
import { writeFileSync } from 'node:fs';

const file = process.env.QUOTELAB_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
