import { describe, expect, it } from 'vitest';
import { createAdmission } from '../../src/http/admission.js';
import { ShareClosedError, takeShare, type Share } from '../../src/stores/statement-share.js';

/** A statement that runs until the test ends it; `started` counts those holding their slots. */
function statements() {
  let started = 0;
  const ends: (() => void)[] = [];
  const run = async (share?: Share) => {
    const giveBack = await takeShare(share);
    started += 1;
    await new Promise<void>((resolve) => ends.push(resolve));
    giveBack();
  };
  return { run, started: () => started, endOne: () => ends.shift()?.() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('statement shares', () => {
  it('runs at most requestStatements of one request and addressStatements of one address at once; others go on', async () => {
    const admission = createAdmission({ requestStatements: 2, addressStatements: 3, addressRequests: 2 });
    const a1 = admission.enter('a')!;
    const a2 = admission.enter('a')!;
    const b = admission.enter('b')!;
    expect(admission.enter('a')).toBeUndefined();
    const mine = statements();
    const theirs = statements();
    const waiting = [
      ...Array.from({ length: 5 }, () => mine.run(a1.share)),
      ...Array.from({ length: 5 }, () => mine.run(a2.share)),
    ];
    for (const statement of waiting) statement.catch(() => undefined);
    const served = Array.from({ length: 2 }, () => theirs.run(b.share));
    await tick();
    // a1: 2 (its request's share); a2: 1 more (the address's 3); b: its own 2.
    expect(mine.started()).toBe(3);
    expect(theirs.started()).toBe(2);
    mine.endOne();
    await tick();
    await tick();
    expect(mine.started()).toBe(4);
    // The request ends: its statements still waiting are dropped, never run.
    a1.leave();
    a2.leave();
    await tick();
    for (let i = 0; i < 4; i++) mine.endOne();
    const settled = await Promise.allSettled(waiting);
    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(4);
    expect(settled.filter((s) => s.status === 'rejected').map((s) => s.reason)).toEqual(
      Array.from({ length: 6 }, () => expect.any(ShareClosedError)),
    );
    expect(mine.started()).toBe(4);
    theirs.endOne();
    theirs.endOne();
    await Promise.all(served);
    b.leave();
    expect(admission.inFlight('a')).toBe(0);
    expect(admission.enter('a')).toBeDefined();
  });

  it('does not limit work outside a request', async () => {
    const free = statements();
    const all = Array.from({ length: 20 }, () => free.run());
    await tick();
    expect(free.started()).toBe(20);
    for (let i = 0; i < 20; i++) free.endOne();
    await Promise.all(all);
  });
});
