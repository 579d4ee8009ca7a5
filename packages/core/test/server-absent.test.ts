import { createServer, type AddressInfo, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serverAbsent } from '../src/index.js';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function fetchError(url: string): Promise<unknown> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    return error;
  }
  throw new Error(`expected fetch(${url}) to fail`);
}

describe('serverAbsent: did a failed fetch find no server at all?', () => {
  it('a port nothing listens on (connection refused) is absent', async () => {
    const server = createServer();
    const port = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    expect(serverAbsent(await fetchError(`http://127.0.0.1:${port}/`))).toBe(true);
  });

  it('a port fetch refuses to connect to (bad port) is absent', async () => {
    expect(serverAbsent(await fetchError('http://127.0.0.1:6000/'))).toBe(true);
  });

  it('a server that answers something that is not HTTP is there (not absent)', async () => {
    const server = createServer((socket) => socket.end('not http\r\n\r\n'));
    const port = await listen(server);
    try {
      const error = await fetchError(`http://127.0.0.1:${port}/`);
      expect((error as { cause?: { code?: string } }).cause?.code).toBe('HPE_INVALID_CONSTANT');
      expect(serverAbsent(error)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('an error without a network cause, or no error object, is not absent', () => {
    expect(serverAbsent(new Error('boom'))).toBe(false);
    expect(serverAbsent(null)).toBe(false);
    expect(serverAbsent(undefined)).toBe(false);
  });
});
