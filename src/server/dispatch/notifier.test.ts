import { describe, expect, it } from 'vitest';
import { Notifier } from './dispatch';

describe('Notifier', () => {
  it('wakes a waiter of that agent only', async () => {
    const n = new Notifier();
    let woken = '';
    const a = n.wait('a', 2 ** 31 - 1).then(() => (woken += 'a'));
    const b = n.wait('b', 2 ** 31 - 1).then(() => (woken += 'b'));
    expect(n.parked).toBe(2);
    n.notify('a');
    await a;
    expect(woken).toBe('a');
    expect(n.parked).toBe(1);
    n.wakeAll();
    await b;
    expect(n.parked).toBe(0);
  });

  it('a notification between reading the generation and waiting is not missed (no timer needed)', async () => {
    const n = new Notifier();
    const since = n.generation('a');
    // The poll checks the database here; meanwhile a run is created and notifies before the poll waits.
    n.notify('a');
    await n.wait('a', 2 ** 31 - 1, undefined, since);
    expect(n.parked).toBe(0);
    // Without a notification since, it does wait.
    const again = n.generation('a');
    let done = false;
    const waiting = n.wait('a', 2 ** 31 - 1, undefined, again).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    expect(n.parked).toBe(1);
    n.notify('a');
    await waiting;
    expect(done).toBe(true);
  });
});
