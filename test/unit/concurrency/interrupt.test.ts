import { describe, expect, it } from 'vitest';
import { InterruptedError, throwIfInterrupted, yieldEvery } from '../../../src/core/concurrency/interrupt.ts';

describe('interrupt', () => {
  it('throws InterruptedError with what was kept once the signal is aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfInterrupted(controller.signal, 'backtest', 'nothing written')).not.toThrow();
    controller.abort();
    expect(() => throwIfInterrupted(controller.signal, 'backtest', 'nothing written')).toThrow(
      InterruptedError,
    );
    expect(() => throwIfInterrupted(controller.signal, 'backtest', 'nothing written')).toThrow(
      'backtest interrupted: nothing written',
    );
  });

  it('yields to the event loop every N units, so a timer that aborts the signal runs mid-loop', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    const tick = yieldEvery(1000, controller.signal);
    let units = 0;
    for (;;) {
      units++;
      const pause = tick();
      if (pause !== false && (await pause)) break;
      if (units > 1e9) throw new Error('the loop never saw the abort');
    }
    expect(units % 1000).toBe(0);
    expect(controller.signal.aborted).toBe(true);
  });
});
