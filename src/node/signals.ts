/**
 * Ctrl-C and SIGTERM. The command's handler (cli.ts) cleans up and says what happened; but a
 * JavaScript handler runs only when the event loop turns, and laying out a big kit keeps it busy
 * for many seconds. While a kit is only being computed in memory nothing is on disk to clean up,
 * so `uninterrupted` lifts the handler for that time: the signal's default action ends the
 * process at once, and nothing is written after it. Writing a kit (synchronous, short) happens
 * with the handler back in place.
 */
type Handler = (signal: NodeJS.Signals) => void;

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
let handler: Handler | undefined;
let lifted = 0;

/** Installs the command's handler for SIGINT and SIGTERM. */
export function onInterrupt(h: Handler): void {
  handler = h;
  for (const signal of SIGNALS) process.on(signal, h);
}

/** Runs `work` (which writes nothing) with the signals' default action: Ctrl-C ends the process at once. */
export async function computing<T>(work: () => Promise<T>): Promise<T> {
  if (handler && lifted++ === 0) for (const signal of SIGNALS) process.removeListener(signal, handler);
  try {
    return await work();
  } finally {
    if (handler && --lifted === 0) for (const signal of SIGNALS) process.on(signal, handler);
  }
}
