/** The relay verify puts on every link: thawed it forwards, frozen it neither forwards nor refuses, closed it refuses. */
import { connect, createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "../../../src/node/verify/pg.js";
import { Relay } from "../../../src/node/verify/relay.js";

/** A server that records what it receives and echoes it. */
async function echoServer(): Promise<{
  server: Server;
  port: number;
  received: () => string;
  accepted: () => number;
  dropAll: () => void;
}> {
  let received = "";
  let accepted = 0;
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    accepted++;
    sockets.push(socket);
    socket.on("data", (d: Buffer) => {
      received += d.toString();
      socket.write(d);
    });
    socket.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    server,
    port: (server.address() as { port: number }).port,
    received: () => received,
    accepted: () => accepted,
    dropAll: () => sockets.forEach((s) => s.destroy()),
  };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => resolve(socket));
    socket.once("error", reject);
  });
}

function nextData(socket: Socket): Promise<string> {
  return new Promise((resolve) => socket.once("data", (d: Buffer) => resolve(d.toString())));
}

/** Lets the event loop run a while: long enough for bytes to cross a thawed relay many times over. */
const settle = () => new Promise((r) => setTimeout(r, 150));

describe("Relay", () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function setUp() {
    const echo = await echoServer();
    const relay = new Relay(echo.port, await freePort());
    await relay.open();
    cleanup.push(
      () => relay.destroy(),
      () => new Promise((r) => echo.server.close(r)),
    );
    return { echo, relay };
  }

  it("forwards both ways while thawed", async () => {
    const { relay, echo } = await setUp();
    const socket = await open(relay.port);
    cleanup.push(() => socket.destroy());
    const answer = nextData(socket);
    socket.write("card 1");
    expect(await answer).toBe("card 1");
    expect(echo.received()).toBe("card 1");
  });

  it("frozen, holds bytes without refusing them, and delivers them when thawed", async () => {
    const { relay, echo } = await setUp();
    const socket = await open(relay.port);
    cleanup.push(() => socket.destroy());
    const first = nextData(socket);
    socket.write("a");
    await first;
    relay.freeze();
    let answered = "";
    socket.on("data", (d: Buffer) => (answered += d.toString()));
    socket.write("b");
    await settle();
    expect(echo.received()).toBe("a");
    expect(answered).toBe("");
    expect(socket.destroyed).toBe(false);
    relay.thaw();
    await new Promise<void>((resolve) => {
      const check = () => (answered === "b" ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(echo.received()).toBe("ab");
  });

  it("frozen, accepts a new connection but reaches the server only when thawed", async () => {
    const { relay, echo } = await setUp();
    relay.freeze();
    const socket = await open(relay.port);
    cleanup.push(() => socket.destroy());
    socket.write("hello");
    await settle();
    expect(echo.accepted()).toBe(0);
    const answer = nextData(socket);
    relay.thaw();
    expect(await answer).toBe("hello");
    expect(echo.accepted()).toBe(1);
  });

  it("frozen, keeps a server's close from the client until thawed", async () => {
    const { relay, echo } = await setUp();
    const socket = await open(relay.port);
    cleanup.push(() => socket.destroy());
    const answer = nextData(socket);
    socket.write("x");
    await answer;
    relay.freeze();
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    let closedYet = false;
    void closed.then(() => (closedYet = true));
    socket.on("error", () => {});
    echo.dropAll();
    await settle();
    expect(closedYet).toBe(false);
    relay.thaw();
    await closed;
    expect(relay.connections).toBe(0);
  });

  it("thawed with drop, ends the connections made before and loses what waited in them", async () => {
    const { relay, echo } = await setUp();
    const socket = await open(relay.port);
    cleanup.push(() => socket.destroy());
    const first = nextData(socket);
    socket.write("a");
    await first;
    relay.freeze();
    socket.write("b");
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    relay.thaw(true);
    await closed;
    await settle();
    expect(echo.received()).toBe("a");
  });

  it("closes at once while a frozen connection stays open, and opens again", async () => {
    const { relay } = await setUp();
    const socket = await open(relay.port);
    cleanup.push(() => socket.destroy());
    relay.freeze();
    await relay.close();
    await expect(open(relay.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await relay.open();
    const again = await open(relay.port);
    again.destroy();
    expect(socket.destroyed).toBe(false);
  });

  it("closed, refuses connections; opened again, accepts them on the same port", async () => {
    const { relay } = await setUp();
    await relay.close();
    await expect(open(relay.port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    await relay.open();
    const socket = await open(relay.port);
    socket.destroy();
  });
});
