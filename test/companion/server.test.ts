import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startServer } from '../../companion/src/server.ts';
import { silentLogger } from '../../companion/src/support/logger.ts';
import { makeAnnotation } from '../support/annotation-factory.ts';
import { makeTempDir } from '../support/temp-dir.ts';
import { pushBody, startTestServer } from './support/test-server.ts';

describe('companion server', () => {
  it('refuses to listen on a non-loopback address without explicit opt-in', async () => {
    const dir = await makeTempDir('bind');
    try {
      for (const host of ['0.0.0.0', '::', '192.168.1.10', 'localhost']) {
        await expect(startServer({ host, port: 0, dataDir: dir.path, logger: silentLogger })).rejects.toThrow(
          /refusing to listen on .*--expose/,
        );
      }
      // Opting in is not enough: plain HTTP off loopback is refused too (team-serve.test.ts has TLS).
      await expect(
        startServer({ host: '0.0.0.0', port: 0, dataDir: dir.path, logger: silentLogger, allowNonLoopback: true }),
      ).rejects.toThrow(/refusing to serve plain HTTP on 0\.0\.0\.0: .*--tls-cert FILE --tls-key FILE.*--behind-proxy/);
      const exposed = await startServer({
        host: '0.0.0.0',
        port: 0,
        dataDir: dir.path,
        logger: silentLogger,
        allowNonLoopback: true,
        behindProxy: true,
      });
      await exposed.close();
    } finally {
      await dir.remove();
    }
  });

  it('closes a connection whose headers never finish (header timeout)', async () => {
    const server = await startTestServer({ timeouts: { headersMs: 300, checkIntervalMs: 50 } });
    try {
      const started = Date.now();
      const received = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1');
        let data = '';
        socket.on('data', (chunk) => {
          data += chunk.toString();
        });
        socket.on('close', () => resolve(data));
        socket.write(`GET /api/v1/health HTTP/1.1\r\nHost: ${server.host}\r\n`);
      });
      expect(received).toMatch(/^HTTP\/1\.1 408/);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await server.close();
    }
  });

  it('on shutdown finishes a request in flight, then closes the database and stops accepting', async () => {
    const server = await startTestServer({ shutdownGraceMs: 5_000 });
    const body = JSON.stringify(pushBody([makeAnnotation()]));
    const socket = connect(server.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => {
      response += chunk.toString();
    });
    const ended = new Promise((resolve) => socket.on('close', resolve));
    // Headers and half the body are in; then the shutdown starts.
    socket.write(
      `POST /api/v1/sync/push HTTP/1.1\r\nHost: ${server.host}\r\nAuthorization: Bearer ${server.token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 50)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = server.running.close();
    // New connections are refused once closing began.
    const refused = await new Promise<string | undefined>((resolve) => {
      const other = connect(server.port, '127.0.0.1');
      other.once('connect', () => {
        other.destroy();
        resolve(undefined);
      });
      other.once('error', (error: NodeJS.ErrnoException) => resolve(error.code));
    });
    expect(refused).toBe('ECONNREFUSED');
    const finishing = Date.now();
    socket.write(body.slice(50));
    await ended;
    await closing;
    // Closed as soon as the response went out, not after the keep-alive timeout or the grace period.
    expect(Date.now() - finishing).toBeLessThan(2_000);
    expect(response).toMatch(/^HTTP\/1\.1 200/);
    expect(response).toContain('"status":"accepted"');
    // The acknowledged record is in the database the server closed.
    expect(await server.countRows('annotations')).toBe(1);
    await server.close();
  });
});
