/** How verify reads the command lines it runs: the shell's words, and a failover's positions. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { furthest, shellWords } from "../../../src/node/verify/perform.js";
import { quote } from "../../../src/sim/commands.js";

describe("shellWords", () => {
  it("reads back every word as the simulator quotes it", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 5 }), (words) => {
        fc.pre(words.every((w) => !/[\s]/.test(w)));
        expect(shellWords(words.map(quote).join(" "))).toEqual(words);
      }),
    );
  });

  it("splits a printed psql line as sh does", () => {
    expect(
      shellWords(
        `psql -h 127.0.0.1 -p 5 -c "SELECT pg_switch_wal();" -c "ALTER SYSTEM SET primary_conninfo = 'host=x';"`,
      ),
    ).toEqual([
      "psql",
      "-h",
      "127.0.0.1",
      "-p",
      "5",
      "-c",
      "SELECT pg_switch_wal();",
      "-c",
      "ALTER SYSTEM SET primary_conninfo = 'host=x';",
    ]);
  });
});

describe("furthest", () => {
  it("takes the greater of a standby's received and replayed positions", () => {
    const out =
      " pg_last_wal_receive_lsn | pg_last_wal_replay_lsn \n-------------------------+------------------------\n 0/A000D0                | 0/B00028\n(1 row)\n";
    expect(furthest(out)).toBe(0xb00028n);
    expect(furthest("1/0 | 0/FFFFFFFF")).toBe(1n << 32n);
    expect(furthest("")).toBe(0n);
  });
});
