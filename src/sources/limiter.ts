/** Runs at most `concurrency` tasks at a time (a tiny semaphore; tasks start in call order). */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error(`concurrency must be a positive integer, got ${concurrency}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    // A finishing task hands its slot straight to the next waiter, so the limit holds at every instant.
    if (this.active >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/**
 * Maps with bounded concurrency. After the first failure no queued task starts; the call settles only when
 * every started task has finished (nothing keeps running behind the caller's back), then rejects with the
 * first failure.
 */
export async function mapLimited<T, R>(items: readonly T[], limiter: Limiter, fn: (item: T) => Promise<R>): Promise<R[]> {
  let failure: { error: unknown } | undefined;
  const settled = await Promise.allSettled(
    items.map((item) =>
      limiter.run(async () => {
        if (failure) throw failure.error;
        try {
          return await fn(item);
        } catch (error) {
          failure ??= { error };
          throw error;
        }
      }),
    ),
  );
  if (failure) throw failure.error;
  return settled.map((result) => (result as PromiseFulfilledResult<R>).value);
}
