import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { FsStore, type ObjectInfo, type PutIfAbsentOptions } from '../../src/store';

/**
 * A folder lake that kills its own process (SIGKILL: no cleanup, no finally) at an instrumented point:
 * right after the Nth write (`after`), or in the middle of the Nth write (`torn`: a half-written temporary file
 * is left exactly where FsStore writes its temporary files, and the process dies before the rename).
 */
export class CrashingStore extends FsStore {
  /** Writes started (the torn write is the Nth started) and finished (the kill "after" the Nth finished). */
  writes = 0;
  finished = 0;

  constructor(
    root: string,
    private readonly crashAt: number | undefined,
    private readonly how: 'after' | 'torn',
  ) {
    super(root);
  }

  override async put(key: string, body: Uint8Array | string): Promise<ObjectInfo> {
    this.beforeWrite(key, body);
    const info = await super.put(key, body);
    this.afterWrite();
    return info;
  }

  override async putIfAbsent(key: string, body: Uint8Array | string, options?: PutIfAbsentOptions): Promise<boolean> {
    this.beforeWrite(key, body);
    const done = await super.putIfAbsent(key, body, options);
    this.afterWrite();
    return done;
  }

  /** Each object of a bulk write (`putMany`) counts as one write: killed before or right after its rename. */
  protected override async publish(key: string, temp: string, target: string): Promise<void> {
    this.beforeWrite(key, '');
    await super.publish(key, temp, target);
    this.afterWrite();
  }

  private beforeWrite(key: string, body: Uint8Array | string): void {
    this.writes += 1;
    if (this.how === 'torn' && this.writes === this.crashAt) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
      mkdirSync(path.dirname(this.pathOf(key)), { recursive: true });
      writeFileSync(`${this.pathOf(key)}.tmp-${process.pid}-torn`, bytes.subarray(0, Math.floor(bytes.length / 2)));
      process.kill(process.pid, 'SIGKILL');
    }
  }

  private afterWrite(): void {
    this.finished += 1;
    if (this.how === 'after' && this.finished === this.crashAt) process.kill(process.pid, 'SIGKILL');
  }
}
