import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubCall {
  target: string;
  body: Record<string, unknown>;
}

/**
 * A loopback stand-in for an AWS JSON-protocol service (Glue): records each call's X-Amz-Target and body and
 * answers what `reply` says.
 */
export async function startAwsJsonStub(
  reply: (call: StubCall) => { status: number; body: Record<string, unknown> },
): Promise<{ endpoint: string; calls: StubCall[]; close(): Promise<void> }> {
  const calls: StubCall[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const call = { target: String(request.headers['x-amz-target'] ?? ''), body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Record<string, unknown> };
      calls.push(call);
      const answer = reply(call);
      response.writeHead(answer.status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
