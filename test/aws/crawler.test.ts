import { expect } from 'chai';
import { GlueClient, StartCrawlerCommand, CrawlerRunningException, EntityNotFoundException } from '@aws-sdk/client-glue';
import { mockClient, type AwsClientStub } from 'aws-sdk-client-mock';
import { startCrawler } from '../../src/aws';
import { memoryLogger } from '../../src/log';

describe('startCrawler', () => {
  let glue: AwsClientStub<GlueClient>;
  before(() => (glue = mockClient(GlueClient)));
  after(() => glue.restore());
  afterEach(() => glue.reset());
  const client = () => new GlueClient({ region: 'eu-west-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });

  it('starts the named crawler', async () => {
    glue.on(StartCrawlerCommand).resolves({});
    expect(await startCrawler(client(), 'chartlake-dev-transformed', memoryLogger())).to.equal('started');
    expect(glue.commandCalls(StartCrawlerCommand)[0].args[0].input).to.deep.equal({ Name: 'chartlake-dev-transformed' });
  });

  it('takes an already running crawler as success', async () => {
    glue.on(StartCrawlerCommand).rejects(new CrawlerRunningException({ message: 'running', $metadata: {} }));
    const log = memoryLogger();
    expect(await startCrawler(client(), 'c', log)).to.equal('already-running');
    expect(log.lines.join()).to.include('crawler already running');
  });

  it('fails on any other error (a missing crawler is a deployment bug)', async () => {
    glue.on(StartCrawlerCommand).rejects(new EntityNotFoundException({ message: 'no crawler c', $metadata: {} }));
    const error = await startCrawler(client(), 'c', memoryLogger()).catch((e: Error) => e);
    expect((error as Error).name).to.equal('EntityNotFoundException');
  });
});
