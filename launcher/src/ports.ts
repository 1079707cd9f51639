import { createServer, type AddressInfo } from 'node:net';

/** A port nobody listens on now on the loopback interface (the OS's choice for port 0). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });

/** Below Linux's default ephemeral range (32768–60999), where outgoing connections take theirs. */
const RESERVABLE = { from: 20000, to: 32767 };

/**
 * A port to give a peer's callers before the peer listens on it. The OS's choice for port 0 comes
 * from the ephemeral range, and until the peer binds it any outgoing connection on the machine
 * (a database or NATS client of a neighbouring process) may take it as its local port: then the
 * peer's bind fails with EADDRINUSE. A free port below that range is only ever taken by a listener.
 */
export async function reservablePort(random: () => number = Math.random): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = RESERVABLE.from + Math.floor(random() * (RESERVABLE.to - RESERVABLE.from));
    if (await canListen(port)) return port;
  }
  return freePort();
}

const canListen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
