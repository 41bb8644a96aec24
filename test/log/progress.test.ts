import { expect } from 'chai';
import { Progress } from '../../src/log';

/** A stream that keeps what is written; a terminal or not. */
function stream(isTTY: boolean): NodeJS.WriteStream & { written: string[] } {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) > 0 } as unknown as NodeJS.WriteStream & { written: string[] };
}

describe('progress line: shows the work moving before its first item is done', () => {
  it('on a terminal, a phase is drawn at once, stays beside the items, and the time is redrawn while nothing ticks', async () => {
    const out = stream(true);
    const progress = new Progress(52, 'files', out);
    progress.phase('transforming the 52 files');
    expect(out.written).to.have.length(1);
    expect(out.written[0]).to.match(/^\r\[\.{30}\] 0\/52 files · 0 rows · 0\.\ds · transforming the 52 files/);
    await new Promise((resolve) => setTimeout(resolve, 1150));
    expect(out.written.length, 'redrawn after a second without a tick').to.be.greaterThan(1);
    expect(out.written.at(-1)).to.match(/ 0\/52 files · 0 rows · 1\.\ds · transforming the 52 files/);
    progress.advance(50, 10_000, 'regional-us-weekly-2023-12-21.csv');
    expect(out.written.at(-1)).to.include('50/52 files · 10,000 rows');
    expect(out.written.at(-1)).to.include('transforming the 52 files · regional-us-weekly-2023-12-21.csv');
    progress.phase('song identity');
    expect(out.written.at(-1)).to.include('· song identity');
    progress.finish();
    const count = out.written.length;
    await new Promise((resolve) => setTimeout(resolve, 1150));
    expect(out.written.length, 'nothing drawn after finish').to.equal(count);
  });

  it('in a log (not a terminal), the first phase is one line, later phases add none, and items a line per tenth', () => {
    const out = stream(false);
    const progress = new Progress(20, 'files', out);
    progress.phase('reading and storing the 20 files');
    progress.phase('transforming the 20 files');
    expect(out.written).to.have.length(1);
    expect(out.written[0]).to.match(/0\/20 files .* reading and storing the 20 files\n$/);
    for (let file = 0; file < 20; file += 1) progress.tick(200);
    expect(out.written).to.have.length(11);
    expect(out.written.at(-1)).to.match(/20\/20 files · 4,000 rows .* transforming the 20 files\n$/);
    progress.finish();
  });
});

describe('progress line: the time left', () => {
  it('is estimated from the items counted before this moment, not from the first of a batch counted at once', async () => {
    const out = stream(true);
    const progress = new Progress(100, 'files', out);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // A batch's 20 files, counted in one go when its transform ends 0.2 s in: the line is redrawn for each, and no
    // pace is known yet. From the first file alone (0.2 s a file) it said ~20 s left.
    for (let file = 0; file < 20; file += 1) progress.tick(200);
    expect(out.written.filter((line) => line.includes(' left'))).to.deep.equal([]);
    await new Promise((resolve) => setImmediate(resolve));
    // The next batch: the pace is the first batch's, 0.01 s a file, so about a second for the 70-80 files left.
    for (let file = 0; file < 10; file += 1) progress.tick(200);
    const estimates = out.written.filter((line) => line.includes(' left')).map((line) => Number(/~(\d+)s left/.exec(line)?.[1]));
    expect(estimates).to.have.length(10);
    for (const seconds of estimates) expect(seconds).to.be.within(1, 3);
    progress.finish();
  });
});
