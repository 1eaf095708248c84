/**
 * A TCP relay on one link of the real stage (a standby to its upstream, a client to a server), so
 * that verify can cut a link as a network partition does: frozen, it neither forwards bytes nor
 * refuses them — connections stay open, new ones are accepted and wait, data waits in the kernel's
 * buffers — and thawed, everything that waited flows on. Closed, it refuses connections, as the
 * port of a server that is down does.
 */
import { createServer, connect, type Server, type Socket } from "node:net";

interface Pair {
  client: Socket;
  upstream?: Socket;
  /** A close seen while frozen: delivered only when the link thaws. */
  closing: boolean;
  /** Made before the relay last froze. */
  old?: boolean;
}

export class Relay {
  private server?: Server;
  private readonly pairs = new Set<Pair>();
  private frozenNow = false;

  constructor(
    /** Where the bytes go: the real server's port on 127.0.0.1. */
    readonly target: number,
    /** The relay's own port on 127.0.0.1: what the standby or the client is given. */
    readonly port: number,
  ) {}

  get frozen(): boolean {
    return this.frozenNow;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Accepts connections on its port (again). */
  open(): Promise<void> {
    if (this.server) return Promise.resolve();
    const server = createServer({ pauseOnConnect: true }, (client) => this.accept(client));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  }

  /**
   * Refuses new connections; connections already made go on. (The listening socket closes at once;
   * close's callback would wait for every connection to end, which a frozen one never does.)
   */
  close(): Promise<void> {
    this.server?.close();
    this.server = undefined;
    return Promise.resolve();
  }

  /** Ends every connection and stops listening. */
  async destroy(): Promise<void> {
    for (const p of this.pairs) {
      p.client.destroy();
      p.upstream?.destroy();
    }
    this.pairs.clear();
    await this.close();
  }

  freeze(): void {
    if (this.frozenNow) return;
    this.frozenNow = true;
    for (const p of this.pairs) {
      p.old = true;
      p.client.pause();
      p.upstream?.pause();
    }
  }

  /**
   * Lets bytes flow again. With `drop`, the connections made before it froze are ended instead,
   * and what waited in them is lost: a server that went down behind the frozen link never got its
   * last bytes out (the relay cannot see that close, as it reads nothing while frozen).
   */
  thaw(drop = false): void {
    if (!this.frozenNow) return;
    this.frozenNow = false;
    for (const p of [...this.pairs]) {
      if (drop && p.old) this.finish(p);
      else this.flow(p);
    }
  }

  /** Connections that are open now (for tests and cleanup). */
  get connections(): number {
    return this.pairs.size;
  }

  private accept(client: Socket): void {
    const pair: Pair = { client, closing: false };
    this.pairs.add(pair);
    client.on("error", () => this.end(pair));
    client.on("close", () => this.end(pair));
    if (!this.frozenNow) this.flow(pair);
  }

  /** Lets a pair's bytes flow: connects upstream the first time. */
  private flow(pair: Pair): void {
    if (pair.closing) {
      this.finish(pair);
      return;
    }
    if (!pair.upstream) {
      const upstream = connect({ host: "127.0.0.1", port: this.target });
      pair.upstream = upstream;
      upstream.on("data", (d: Buffer) => {
        if (!pair.client.write(d)) upstream.pause();
      });
      pair.client.on("drain", () => {
        if (!this.frozenNow) upstream.resume();
      });
      pair.client.on("data", (d: Buffer) => {
        if (!upstream.write(d)) pair.client.pause();
      });
      upstream.on("drain", () => {
        if (!this.frozenNow) pair.client.resume();
      });
      upstream.on("error", () => this.end(pair));
      upstream.on("close", () => this.end(pair));
    }
    pair.client.resume();
    pair.upstream.resume();
  }

  /** One side went away: the other learns of it now, or, behind a frozen link, when it thaws. */
  private end(pair: Pair): void {
    if (!this.pairs.has(pair)) return;
    if (this.frozenNow) {
      pair.closing = true;
      return;
    }
    this.finish(pair);
  }

  private finish(pair: Pair): void {
    this.pairs.delete(pair);
    pair.client.destroy();
    pair.upstream?.destroy();
  }
}
