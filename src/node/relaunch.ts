/**
 * V8 does its background work (TurboFan compiling the hot functions, the garbage collector's
 * marking and sweeping) on Node's platform threads: four of them, whatever the machine has. With
 * fewer cores than those four and the main thread, they take the main thread's core from it: on a
 * 2-core machine a build of 10,000 trace events had its main thread wait 400–600 ms in the run
 * queue, behind four workers that used 400 ms of CPU each, mostly compiling (measured from
 * /proc/<pid>/task/<tid>/schedstat). With one worker it waited under 10 ms, and both that build
 * and a cold build of the shipped kits took 15–20% less time.
 *
 * The pool's size is fixed when the process starts (`--v8-pool-size`), so on such a machine the
 * commands that lay out or simulate kits run in a second Node process started with a pool of one
 * worker less than the cores: the first process only waits for it, hands it every signal it gets
 * and ends as it ended (the same exit code, or the same signal). A process given the flag (on its
 * command line or in NODE_OPTIONS) runs here, as does every other command, and a long command
 * given little to do: the second process costs 70–100 ms here, and pays only past about a
 * second of work (measured on two cores: one shipped scenario built 100 ms slower, 1,000 events
 * about even, 2,500 and more faster). What is named on the command line is weighed by its
 * files' bytes; naming none means every shipped scenario, well past the floor.
 */
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import { availableParallelism } from "node:os";

/** The commands that spend long enough in V8 for the second process to pay (build, watch, check, verify, trace). */
const LONG = new Set(["build", "watch", "check", "verify", "trace"]);

/** Node's own number of platform threads when not told otherwise. */
const NODE_POOL = 4;

/** Named scenario and workshop files of fewer bytes than this are built in this process (about three shipped scenarios). */
const FLOOR_BYTES = 20_000;

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * The bytes of the scenario and workshop files (.yaml, .yml) among `args`; without any, Infinity
 * (the command then takes every shipped scenario and workshop).
 */
export function namedBytes(args: string[] = process.argv.slice(2)): number {
  const files = args.filter((a) => /\.ya?ml$/i.test(a));
  if (files.length === 0) return Number.POSITIVE_INFINITY;
  let total = 0;
  for (const file of files) {
    try {
      total += statSync(file).size;
    } catch {
      // Not there: the command itself says so.
    }
  }
  return total;
}

/**
 * The pool to run `command` with in a second process, or undefined to run it in this one: on a
 * machine with fewer cores than Node's four workers and the main thread need, for inputs of at
 * least FLOOR_BYTES (`named`, see namedBytes), one worker less than the cores (at least one).
 */
export function poolFor(
  command: string,
  cores: number = availableParallelism(),
  flags: string[] = [...process.execArgv, process.env.NODE_OPTIONS ?? ""],
  named: number = namedBytes(),
): number | undefined {
  if (!LONG.has(command)) return undefined;
  if (named < FLOOR_BYTES) return undefined;
  if (flags.some((f) => /(^|\s)--v8-pool-size\b/.test(f))) return undefined;
  if (cores > NODE_POOL) return undefined;
  return Math.max(1, cores - 1);
}

/**
 * Runs this process's command line again in a Node process with `pool` platform threads, and ends
 * this process as that one ends. Resolves false, having started nothing, when the process could
 * not be started (the caller then runs the command itself). `node` is Node's executable.
 */
export function relaunch(pool: number, node: string = process.execPath): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(node, [`--v8-pool-size=${pool}`, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: "inherit",
    });
    // A Ctrl-C reaches both processes (they share the terminal's process group); a signal sent to
    // this one alone (kill PID) reaches the other only through this. Twice is harmless: replikit's
    // handler ends the process the first time.
    const forward = (signal: NodeJS.Signals) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    const stopForwarding = () => {
      for (const signal of FORWARDED) process.removeListener(signal, forward);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    let started = false;
    child.once("spawn", () => (started = true));
    // Only a process that never started is run here instead; a failed kill of one that did is no reason to.
    child.on("error", () => {
      if (started) return;
      stopForwarding();
      resolve(false);
    });
    child.once("exit", (code, signal) => {
      stopForwarding();
      if (signal) process.kill(process.pid, signal);
      else process.exit(code ?? 1);
    });
  });
}
