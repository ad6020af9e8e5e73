import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { Option } from 'commander';
import { describeBookSync } from '../../core/market/binance/index.ts';
import { venueLabel } from '../../core/market/instrument-specs.ts';
import { runBacktestRequest } from '../../usecases/backtest.ts';
import type { BacktestSummary, FillModelName, StrategyName } from '../../usecases/backtest.ts';
import { saveBacktestReport } from '../../usecases/run-index.ts';
import { UsageError, openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatCount, formatMoney, formatPercent, formatRatio, marketCurrency } from '../format.ts';
import { interruptOnSignals } from '../interrupt.ts';
import { printJson, printLines } from '../output.ts';

interface BacktestOptions {
  strategy: StrategyName;
  source: string[];
  codes?: string;
  from?: string;
  to?: string;
  param: string[];
  fill?: FillModelName;
  feedLatency?: string;
  orderLatency?: string;
  responseLatency?: string;
  regimes: string;
  snapshotCodes: string;
  report?: string;
  export?: string;
  lake: boolean;
  instrument?: string;
  allowUnsyncedBook?: boolean;
}

export function registerBacktest(program: Command, globals: () => GlobalOptions): void {
  program
    .command('backtest')
    .description(
      'backtest a strategy on KRX ticks (lake table or XML) or a Binance capture, with metrics and an HTML report',
    )
    .addOption(new Option('--strategy <name>', 'strategy').choices(['as', 'signal']).makeOptionMandatory())
    .requiredOption(
      '--source <table|file...>',
      '"table" for silver_ticks in the lake, or KRX XML files (files, folders or patterns), or a Binance capture (.gz)',
    )
    .option('--codes <codes>', 'comma-separated KRX codes (default: all)')
    .option('--from <date>', 'first trade date, YYYY-MM-DD (KST)')
    .option('--to <date>', 'last trade date, YYYY-MM-DD (KST)')
    .option(
      '--param <k=v>',
      'strategy parameter (repeatable), e.g. gamma=0.5, volatility.window=30, risk.maxDailyLoss=100',
      collect,
      [],
    )
    .addOption(
      new Option(
        '--fill <model>',
        'fill model (default: trade-through on KRX, queue on order books)',
      ).choices(['trade-through', 'queue', 'queue-probabilistic']),
    )
    .option('--feed-latency <ms>', 'feed latency in ms (default 0)')
    .option('--order-latency <ms>', 'order latency in ms (default 0)')
    .option(
      '--response-latency <ms>',
      'response latency in ms: acks and fill notices reach the strategy this late (default 0)',
    )
    .option(
      '--regimes <input>',
      'regime input: none, labels (the labels_*.csv next to the XML), a labels CSV (file, folder or pattern), or a fixed regime (trending, ranging, high_vol, low_vol, trend_up, trend_down, range, volatile)',
      'none',
    )
    .option('--snapshot-codes <n|all>', 'KRX codes with 1 s snapshots: the N most traded, or all', '5')
    .option('--report <file>', 'write the HTML report here (default: <home>/reports/<run id>.html)')
    .option('--export <dir>', "also write Seed B's trade_history.csv and market_snapshots_{date}.csv here")
    .option('--no-lake', 'do not write mm_trades / mm_snapshots')
    .option(
      '--instrument <venue:symbol[,tick=T,lot=L,minNotional=N]>',
      'Binance: the instrument (spot or usd-m) instead of the one read from the capture, e.g. usd-m:BTCUSDT or spot:SOLUSDT,tick=0.01,lot=0.001',
    )
    .option(
      '--allow-unsynced-book',
      'Binance: backtest even if the depth book never synchronised (fills then rest on bookTicker alone)',
    )
    .action(async (options: BacktestOptions) => {
      const global = globals();
      const params: Record<string, string> = {};
      for (const pair of options.param) {
        const at = pair.indexOf('=');
        if (at <= 0) throw new UsageError(`--param takes key=value, got ${JSON.stringify(pair)}`);
        params[pair.slice(0, at)] = pair.slice(at + 1);
      }
      const numberOption = (value: string | undefined, name: string) => {
        if (value === undefined) return undefined;
        const number = Number(value);
        if (!Number.isFinite(number) || number < 0)
          throw new UsageError(`${name} must be a non-negative number of ms`);
        return number;
      };
      const snapshotCodes =
        options.snapshotCodes === 'all' ? 'all' : Number.parseInt(options.snapshotCodes, 10);
      if (snapshotCodes !== 'all' && !(snapshotCodes >= 0))
        throw new UsageError('--snapshot-codes takes a number or "all"');
      const platform = openPlatform(global);
      const interactive = process.stderr.isTTY && !global.json;
      const bar = interactive
        ? new SingleBar({ format: 'backtest [{bar}] {value}/{total} events', hideCursor: true })
        : undefined;
      let summary: BacktestSummary;
      // Ctrl-C stops the run with nothing written (main exits 130); the handler goes once it returns.
      const interrupt = interruptOnSignals();
      try {
        summary = await runBacktestRequest(platform, {
          strategy: options.strategy,
          source:
            options.source.length === 1 && options.source[0] === 'table'
              ? { kind: 'table' }
              : { kind: 'files', paths: options.source },
          codes: options.codes
            ?.split(',')
            .map((code) => code.trim())
            .filter(Boolean),
          from: options.from,
          to: options.to,
          params,
          fillModel: options.fill,
          feedLatencyMs: numberOption(options.feedLatency, '--feed-latency'),
          orderLatencyMs: numberOption(options.orderLatency, '--order-latency'),
          responseLatencyMs: numberOption(options.responseLatency, '--response-latency'),
          regimes: options.regimes,
          snapshotCodes,
          writeLake: options.lake,
          instrument: options.instrument,
          allowUnsyncedBook: options.allowUnsyncedBook === true,
          onProgress: (stage) => {
            if (!interactive && !global.json) process.stderr.write(`backtest: ${stage}\n`);
          },
          onEvents: (processed, total) => {
            if (!bar) return;
            if (bar.getTotal() !== total) bar.start(total, processed);
            else bar.update(processed);
          },
          signal: interrupt.signal,
        });
      } finally {
        interrupt.dispose();
        bar?.stop();
        await platform.close();
      }
      const reportPath = saveBacktestReport(global.home, summary, { path: options.report, when: new Date() });
      const exported: string[] = [];
      if (options.export) {
        const dir = resolve(options.export);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'trade_history.csv'), summary.tradeHistoryCsv);
        exported.push(join(dir, 'trade_history.csv'));
        for (const [name, csv] of summary.snapshotCsvs) {
          writeFileSync(join(dir, name), csv);
          exported.push(join(dir, name));
        }
      }
      const m = summary.metrics;
      const s = summary.result.stats;
      const json = {
        runId: summary.runId,
        strategy: summary.strategy,
        dataSource: summary.dataSource,
        events: summary.events,
        instruments: summary.instruments,
        ...(summary.instrument ? { instrument: summary.instrument } : {}),
        ...(summary.book ? { book: summary.book } : {}),
        stats: s,
        metrics: {
          totalPnl: m.totalPnl,
          sharpe: m.returns.sharpe,
          sortino: m.returns.sortino,
          returns: {
            basis: m.returns.basis,
            periodsPerYear: m.returns.periodsPerYear,
            method: m.returns.method,
          },
          maxDrawdown: m.maxDrawdown,
          cvar: m.cvar,
          turnover: m.turnover,
          fillRate: m.fillRate,
          closedTrades: m.closedTrades,
          pnlByRegime: m.pnlByRegime,
        },
        report: reportPath,
        exported,
        lakeSnapshots: summary.lakeSnapshots,
        riskTimeline: summary.riskTimeline,
        seconds: summary.seconds,
      };
      if (global.json) return printJson(json);
      const money = (value: number) => formatMoney(value, marketCurrency(summary.market), { unit: true });
      const n = formatCount;
      printLines([
        `${summary.strategy} on ${summary.dataSource}: ${n(summary.events)} events, ${n(summary.instruments)} instruments, ${summary.seconds.toFixed(1)} s`,
        ...(summary.instrument
          ? [
              `  instrument ${venueLabel(summary.instrument.venue)} ${summary.instrument.symbol} (${summary.instrument.from}): tick ${summary.instrument.tickSize}, lot ${summary.instrument.lotSize}, min notional ${summary.instrument.minNotional}, fees ${summary.instrument.fees.makerBps}/${summary.instrument.fees.takerBps} bps`,
            ]
          : []),
        ...(summary.book ? [`  book: ${describeBookSync(summary.book)}`] : []),
        `  fills ${n(s.fills)} (maker ${n(s.makerFills)}, taker ${n(s.takerFills)}), orders ${n(s.ordersSent)}, cancels ${n(s.ordersCancelled)}, risk halts ${n(s.riskHalts)}, reduce-only ${n(s.riskReduceOnly)}`,
        ...summary.riskTimelineLines.map((line) => `  ${line}`),
        `  PnL ${money(m.totalPnl)}, Sharpe ${formatRatio(m.returns.sharpe)}, Sortino ${formatRatio(m.returns.sortino)} (${m.returns.basis} returns × √${formatCount(m.returns.periodsPerYear)}), max drawdown ${money(m.maxDrawdown.amount)}`,
        `  hit rate ${formatPercent(m.closedTrades.hitRate)}, profit factor ${formatRatio(m.closedTrades.profitFactor)} (${n(m.closedTrades.closing)} closing fills)`,
        `  run ${summary.runId}; report ${reportPath}${exported.length ? `; exported ${exported.length} CSV files to ${resolve(options.export!)}` : ''}`,
        ...(Object.keys(summary.lakeSnapshots).length
          ? [`  lake: ${Object.keys(summary.lakeSnapshots).join(', ')} (run_id = '${summary.runId}')`]
          : []),
      ]);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
