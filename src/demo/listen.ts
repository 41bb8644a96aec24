import type * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Starts a test server listening (loopback unless told otherwise; port 0 picks a free one); its base URL and port. */
export async function listen(server: http.Server, port = 0, host = '127.0.0.1'): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${shown}:${address.port}`, port: address.port };
}

/** Stops a test server: pending delayed answers dropped, open connections closed. */
export async function stop(server: http.Server, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
