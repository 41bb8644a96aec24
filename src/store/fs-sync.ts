import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { inPool } from './types';

const run = promisify(execFile);
/** Files flushed at the same time when each is flushed on its own. */
const FLUSH_CONCURRENCY = 16;
/**
 * From this many files on, one syncfs is cheaper than a flush per file. Starting `sync` blocks the event loop while
 * the process is copied, 25-33 ms at an import's ~700 MB, and a pass writes ~60 table files: flushed one by one
 * (16 at a time, off the event loop) they took 10-16 ms against 37 ms for `sync -f`; 520 raw files 63-74 ms
 * against 40 ms.
 */
const SYNCFS_MIN_FILES = 256;

/** Whether `sync -f` (syncfs(2), Linux coreutils) works here; learned on first use. */
let syncfsWorks: boolean | undefined;

/**
 * Makes `files` (written, not yet flushed) durable. For many files on Linux, one `sync -f` (syncfs(2)): the kernel
 * writes every dirty page and the journal of the file system holding `dir` and returns when they are on disk (and,
 * since Linux 5.8, fails when a write-back failed), which covers the files at the cost of one journal commit
 * instead of one per file. For a few files, or without `sync -f`, each file is fdatasync'd, a few at a time
 * (starting a process costs more than a few flushes).
 */
export async function flushFiles(dir: string, files: readonly string[]): Promise<void> {
  if (files.length === 0) return;
  if (files.length >= SYNCFS_MIN_FILES && (await syncFileSystem(dir))) return;
  await inPool(files, FLUSH_CONCURRENCY, async (file) => {
    const handle = await fs.open(file, 'r+');
    try {
      await handle.datasync();
    } finally {
      await handle.close();
    }
  });
}

/** syncfs(2) on the file system holding `dir`; false when this system has no `sync -f`. */
export async function syncFileSystem(dir: string): Promise<boolean> {
  if (syncfsWorks === false || process.platform !== 'linux') return false;
  try {
    await run('sync', ['-f', dir]);
    syncfsWorks = true;
    return true;
  } catch (error) {
    // A sync that ran and failed is a write-back error: the data may not be on disk, so the write fails.
    if (syncfsWorks) throw new Error(`flushing ${dir} to disk failed: ${(error as Error).message}`);
    syncfsWorks = false;
    return false;
  }
}
