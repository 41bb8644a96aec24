/**
 * Skipping with a reason, and the summary of every skipped test that `npm test` prints at its very end (after
 * mocha's "N passing / N pending"), grouped by reason. Loaded for every mocha run through .mocharc.json's
 * `require` (a root hook plugin), so `npx mocha <one file>` prints it too.
 */

type Skippable = Mocha.Runnable | Mocha.Suite;
const reasons = new Map<Skippable, string>();
const NO_REASON = 'no reason given (it.skip, or this.skip() without skipBecause)';

/**
 * Skips what the calling hook or test covers, recording why: in a test or beforeEach the test, in a before hook
 * its whole suite. Say what is missing and how to get it, e.g. "../shared is missing — it comes beside the checkout".
 */
export function skipBecause(context: Mocha.Context, reason: string): never {
  // In a hook `test` is the hook; mocha also sets `currentTest` in a before-all hook (to the suite's first test),
  // so the hook's kind decides: before all skips the suite, before each the current test.
  const runnable = context.test;
  const isHook = (runnable as { type?: string } | undefined)?.type === 'hook';
  const beforeAll = isHook && /^"before all" hook/.test(runnable?.title ?? '');
  const target: Skippable | undefined = beforeAll ? runnable?.parent : isHook ? context.currentTest : runnable;
  if (target) reasons.set(target, reason);
  return context.skip();
}

function reasonOf(test: Mocha.Test): string {
  for (let node: Skippable | undefined = test; node; node = node.parent) {
    const reason = reasons.get(node);
    if (reason) return reason;
  }
  return NO_REASON;
}

function pendingTests(suite: Mocha.Suite): Mocha.Test[] {
  return [...suite.tests.filter((test) => test.isPending()), ...suite.suites.flatMap(pendingTests)];
}

let summary: string | undefined;

export const mochaHooks = {
  afterAll(this: Mocha.Context) {
    const root = this.test?.parent;
    if (!root || root.parent) return;
    const byReason = new Map<string, number>();
    for (const test of pendingTests(root)) byReason.set(reasonOf(test), (byReason.get(reasonOf(test)) ?? 0) + 1);
    const total = [...byReason.values()].reduce((sum, n) => sum + n, 0);
    const lines = [...byReason].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `    ${String(n).padStart(4)}  ${reason}`);
    summary = total === 0 ? '  skipped: none\n' : `  skipped: ${total} test(s), because:\n${lines.join('\n')}\n`;
  },
};

// After the reporter's epilogue: mocha's own "N passing" lines come first, this closes the output.
process.once('exit', () => {
  if (summary) process.stdout.write(`\n${summary}\n`);
});
