/**
 * The report's "Instrument and order book" section for Binance runs: the instrument the capture was
 * backtested as (venue, tick, lot, min notional, fees, and whether they came from the venue table or
 * `--instrument`), and how well the depth book kept up: updates applied, gaps, resyncs, seconds in and
 * out of sync. A book that never synchronised is said in red, since every queue fill then rests on
 * bookTicker alone. Rendered here and handed to `renderHtmlReport` as an extra section.
 */
import type { BookSyncSummary } from '../market/binance/sync-summary.ts';
import type { CryptoInstrument } from '../market/instrument-specs.ts';
import { venueLabel } from '../market/instrument-specs.ts';
import { escapeHtml } from './escape.ts';
import { formatNumber } from './format.ts';

export function bookSyncSection(
  instrument: CryptoInstrument & { from?: string },
  book: BookSyncSummary,
): string {
  const n = (x: number) => escapeHtml(x.toLocaleString('en-US'));
  const seconds = (x: number) => escapeHtml(`${formatNumber(x, 1)} s`);
  const rows: Array<[string, string]> = [
    [
      'Instrument',
      `${escapeHtml(venueLabel(instrument.venue))} ${escapeHtml(instrument.symbol)}${instrument.from ? ` <small>(${escapeHtml(instrument.from)})</small>` : ''}`,
    ],
    ['Tick / lot', escapeHtml(`${instrument.tickSize} USDT / ${instrument.lotSize}`)],
    ['Min notional', escapeHtml(`${instrument.minNotional} USDT`)],
    ['Fees (maker / taker)', escapeHtml(`${instrument.fees.makerBps} / ${instrument.fees.takerBps} bps`)],
  ];
  if (!book.hasDepth) rows.push(['Depth', 'no depth stream in the capture (bookTicker only)']);
  else
    rows.push(
      [
        'Continuity rule',
        escapeHtml(
          book.venue === 'usd-m'
            ? 'USD-M futures: pu = previous u'
            : book.venue === 'spot'
              ? 'spot: U = previous u + 1'
              : 'unknown',
        ),
      ],
      [
        'Depth updates applied',
        `${n(book.appliedUpdates)} of ${n(book.depthUpdates)} (${n(book.staleUpdates)} stale, ${n(book.unappliedUpdates)} not applied)`,
      ],
      ['REST snapshots', n(book.snapshots)],
      ['Sequence gaps', n(book.gaps)],
      ['Resyncs', n(book.resyncs)],
      ['In sync', seconds(book.secondsInSync)],
      ['Out of sync', seconds(book.secondsOutOfSync)],
    );
  const warning =
    book.hasDepth && !book.synchronised
      ? '<p style="color:#b71c1c"><strong>The order book never synchronised</strong>: queue fills and market orders rested on bookTicker alone (run with --allow-unsynced-book).</p>'
      : '';
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${v}</td></tr>`).join('');
  return `<section><h2>Instrument and order book</h2>${warning}<table><tbody>${body}</tbody></table></section>`;
}
