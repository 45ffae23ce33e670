import net from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay between the app and its database that a test can cut and restore, to play "the database
 * went away" without stopping a PostgreSQL other tests share. `cut()` drops every open connection and
 * refuses new ones (what a stopped server looks like); `restore()` listens again on the same port.
 */
export class TcpProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  /** When true, new connections are accepted and then never answered: a host that swallows packets. */
  private silent = false;

  constructor(private readonly target: { host: string; port: number }) {}

  async start(port = 0): Promise<number> {
    const server = net.createServer((client) => {
      if (this.silent) {
        this.sockets.add(client);
        client.on('close', () => this.sockets.delete(client));
        client.on('error', () => undefined);
        return;
      }
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this.port;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (server) await new Promise((r) => server.close(r));
  }

  restore(): Promise<number> {
    this.silent = false;
    return this.start(this.port);
  }

  /** Drops open connections and accepts new ones without ever answering them. */
  async swallow(): Promise<void> {
    await this.cut();
    this.silent = true;
    await this.start(this.port);
  }

  stop(): Promise<void> {
    return this.cut();
  }
}
