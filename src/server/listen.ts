import type { AddressInfo, Server } from 'node:net';

/** Starts listening; resolves with the bound port, rejects with the listen error (e.g. EADDRINUSE). */
export async function listenOn(server: Server, port: number, host: string | undefined): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
