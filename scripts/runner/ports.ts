// Free TCP ports for a kernel's five channels. The OS picks each port (bind to 0); a set of
// ports handed out by this process keeps parallel jobs (--jobs) from ever getting the same one,
// and the kernel client retries with new ports if another program took one in between.
import * as net from "net";

const handedOut = new Set<number>();
let queue: Promise<unknown> = Promise.resolve();

function probePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** `count` distinct ports never handed out before by this process; allocations are serialized. */
export function reservePorts(count: number, host = "127.0.0.1"): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 100) throw new RangeError(`count must be an integer in [1, 100], got ${count}`);
  const next = queue.then(async () => {
    const ports: number[] = [];
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > count * 50) throw new Error(`could not find ${count} free ports on ${host}`);
      const port = await probePort(host);
      if (handedOut.has(port)) continue;
      handedOut.add(port);
      ports.push(port);
    }
    return ports;
  });
  queue = next.catch(() => undefined);
  return next;
}

/** Let ports be handed out again once their kernel has exited. */
export function releasePorts(ports: number[]): void {
  for (const p of ports) handedOut.delete(p);
}
