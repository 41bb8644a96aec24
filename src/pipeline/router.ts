import { eventKeys, RAW_PREFIX, type ObjectStore, type S3Event } from '../store';
import { handleTransform, type TransformContext, type TransformedWeek } from '../transform';

export interface RoutedResult {
  key: string;
  weeks?: TransformedWeek[];
  error?: Error;
}

/**
 * What the S3 bucket notification does on AWS: every object created under `raw/` becomes one invocation of the
 * transform handler with the same S3 event record. Invocations run one at a time, in the order of the events.
 */
export class TransformRouter {
  private queue: Promise<void> = Promise.resolve();
  private results: RoutedResult[] = [];
  /** While set, raw keys are collected here instead of being routed one by one (a batch import). */
  private collected: string[] | undefined;
  private readonly unsubscribe: () => void;

  constructor(
    readonly store: ObjectStore,
    readonly context: TransformContext,
    readonly onResult: (result: RoutedResult) => void = () => {},
  ) {
    this.unsubscribe = store.onObjectCreated((event) => this.route(event));
  }

  private route(event: S3Event): void {
    const [encodedKey] = eventKeys(event);
    const key = this.store.lakeKeyOf(encodedKey);
    if (key === undefined || !key.startsWith(RAW_PREFIX)) return; // the notification filter: prefix raw/
    if (this.collected) {
      this.collected.push(key);
      return;
    }
    this.queue = this.queue.then(async () => {
      const result: RoutedResult = { key };
      try {
        const transformed = await handleTransform(event, this.context);
        result.weeks = transformed.weeks;
        // A refused raw object is quarantined, not thrown by the handler (a batch goes on); one event names one object.
        if (transformed.refused.length > 0) result.error = transformed.refused[0];
      } catch (error) {
        result.error = error as Error;
      }
      this.results.push(result);
      this.onResult(result);
    });
  }

  /** Waits for every routed invocation so far and returns their results (and forgets them). */
  async settle(): Promise<RoutedResult[]> {
    let seen: Promise<void>;
    do {
      seen = this.queue;
      await seen;
    } while (seen !== this.queue);
    const results = this.results;
    this.results = [];
    return results;
  }

  /**
   * Runs `work` (which stores raw objects) with routing held: the raw keys its object-created events name are
   * returned, in event order, for the caller to transform as one batch instead of one invocation each.
   */
  async collect(work: () => Promise<void>): Promise<string[]> {
    await this.settle();
    const keys: string[] = [];
    this.collected = keys;
    try {
      await work();
    } finally {
      this.collected = undefined;
    }
    return keys;
  }

  close(): void {
    this.unsubscribe();
  }
}
