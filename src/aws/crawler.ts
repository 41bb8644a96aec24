import { GlueClient, StartCrawlerCommand } from '@aws-sdk/client-glue';
import type { Logger } from '../log';

export type CrawlerStart = 'started' | 'already-running';

/**
 * Starts the Glue crawler after new partitions were written. A crawler already running is not an error: it is
 * crawling the lake right now, and the next write starts it again.
 */
export async function startCrawler(glue: GlueClient, name: string, log: Logger): Promise<CrawlerStart> {
  try {
    await glue.send(new StartCrawlerCommand({ Name: name }));
    log.log('info', 'crawler started', { crawler: name });
    return 'started';
  } catch (error) {
    if ((error as { name?: string }).name === 'CrawlerRunningException') {
      log.log('info', 'crawler already running', { crawler: name });
      return 'already-running';
    }
    throw error;
  }
}
