import { expect } from 'chai';
import { chartWeeks, harness, smallCatalog, type Harness } from './helpers';
import { DEMO_CHARTS_TOKEN, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../../src/demo/spotify-server';
import { memoryLogger } from '../../src/log';
import { fetchChartWeek } from '../../src/sources';
import { Redactor, publicUrl } from '../../src/sources/redact';

/** Everything a secret could leak into: log lines (messages and fields), error messages and stacks, envelopes. */
function leaks(h: Harness, texts: string[]): string[] {
  const secrets = [
    DEMO_CLIENT_SECRET,
    DEMO_CHARTS_TOKEN,
    Buffer.from(`${DEMO_CLIENT_ID}:${DEMO_CLIENT_SECRET}`).toString('base64'),
    ...h.server.issuedTokens,
  ];
  const haystack = [...texts, ...h.logs.map((l) => `${l.message} ${JSON.stringify(l.fields)}`)];
  return secrets.filter((secret) => haystack.some((text) => text.includes(secret)));
}

async function errorText(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    const e = error as Error & Record<string, unknown>;
    // Whatever a careless caller might print: message, stack and every own property.
    return `${e.message}\n${e.stack}\n${JSON.stringify(e)}\n${String(e.cause ?? '')}`;
  }
  throw new Error('expected the run to fail');
}

describe('sources: secrets never leak', function () {
  let h: Harness;
  afterEach(async () => h && (await h.close()));

  it('not in logs or the envelope of a run full of faults and token refreshes', async () => {
    h = await harness({ mode: 'development', catalog: smallCatalog(), faults: { every: 6, kinds: ['401', '429', 'reset', '503'] } });
    const envelope = await h.run(chartWeeks()[0].date);
    expect(h.server.issuedTokens.length).to.be.greaterThan(3);
    expect(h.logs.length).to.be.greaterThan(10);
    expect(leaks(h, [JSON.stringify(envelope)])).to.deep.equal([]);
  });

  it('not in the error of rejected client credentials (a wrong secret)', async () => {
    h = await harness({ mode: 'development' });
    const text = await errorText(h.run(chartWeeks()[0].date, { options: { clientSecret: 'wrong-secret-0123456789' } }));
    expect(text).to.match(/Spotify Accounts refused the client credentials \(400 invalid_client: Invalid client secret\)/);
    expect(text).to.include('SPOTIFY_CLIENT_SECRET');
    expect(text).not.to.include('wrong-secret-0123456789');
    expect(leaks(h, [text])).to.deep.equal([]);
  });

  it('not in the error of a refused charts token, which says how to get a new one', async () => {
    h = await harness({ mode: 'development' });
    const stale = 'stale-charts-token-abcdefghijklmnop';
    const text = await errorText(h.run(chartWeeks()[0].date, { options: { chartsToken: stale } }));
    expect(text).to.match(/refused the token \(401\)/);
    expect(text).to.include('CHARTLAKE_CHARTS_TOKEN');
    expect(text).to.include('charts.spotify.com');
    expect(text).not.to.include(stale);
    expect(leaks(h, [text])).to.deep.equal([]);
  });

  it('not in network errors, timeouts or retry-budget errors', async () => {
    h = await harness({ mode: 'development', faults: { every: 1, kinds: ['slow'], scope: 'web-api' }, slowMs: 300 }, { requestTimeoutMs: 50, retryBudget: 3 });
    const text = await errorText(h.run(chartWeeks()[0].date));
    expect(text).to.match(/no answer within 50 ms/);
    expect(leaks(h, [text])).to.deep.equal([]);
  });

  it('the project logger hides them as well (secrets are registered with src/log)', async () => {
    // 401 every 18th request: far enough apart that a refreshed token is not revoked at once.
    h = await harness({ mode: 'development', catalog: smallCatalog(), faults: { every: 6, kinds: ['401', '429', '503'] } });
    const logger = memoryLogger();
    await fetchChartWeek({
      options: h.options,
      chart: 'regional-global-weekly',
      week: chartWeeks()[0].date,
      store: h.store,
      log: logger,
      sleep: async () => undefined,
    });
    expect(logger.lines.length).to.be.greaterThan(5);
    expect(leaks(h, logger.lines)).to.deep.equal([]);
  });

  it('redaction masks registered secrets, auth headers and token parameters', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value');
    expect(redactor.redact('a s3cr3t-value b')).to.equal('a *** b');
    expect(redactor.redact('Authorization: Bearer BQabcdefghijklmnop')).to.equal('Authorization: Bearer ***');
    expect(redactor.redact('Basic Y2xpZW50OnNlY3JldA==')).to.equal('Basic ***');
    expect(redactor.redact('https://x/y?access_token=abc&limit=5')).to.equal('https://x/y?access_token=***&limit=5');
    expect(publicUrl('https://user:pw@host/p?token=abc&limit=2')).to.equal('https://host/p?token=***&limit=2');
  });
});
