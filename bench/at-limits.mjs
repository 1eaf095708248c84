/**
 * A scenario at the limits the schema allows: 12 roles, 20 runs of 200 steps, 99 cards per run,
 * short texts (4000 steps fill the 256 KiB a file may have). Every limit the schema documents must build (issue 12); the benchmark measures it.
 */
export function atLimits(runs = 20, steps = 200) {
  const lines = [
    "id: at-limits",
    "title: Every limit at once",
    "summary: A scenario as large as the schema allows.",
    "goals: [Learn what a big kit costs.]",
    "minutes: 240",
    "roles:",
    "  - { id: primary, label: Primary, kind: primary }",
    // As many servers as a diagram holds; the other roles are clients.
    ...Array.from({ length: 3 }, (_, i) => `  - { id: s${i + 1}, label: Standby ${i + 1}, kind: standby }`),
    "  - { id: writer, label: Writer, kind: writer }",
    "  - { id: reader, label: Reader, kind: reader }",
    "  - { id: admin, label: Admin, kind: admin }",
    ...Array.from({ length: 2 }, (_, i) => `  - { id: w${i + 2}, label: Writer ${i + 2}, kind: writer }`),
    ...Array.from({ length: 2 }, (_, i) => `  - { id: r${i + 2}, label: Reader ${i + 2}, kind: reader }`),
    "  - { id: app, label: Application, kind: application }",
    "runs:",
  ];
  // 4000 steps must fit in the 256 KiB a file may have: each step on one line.
  for (let r = 0; r < runs; r++) {
    lines.push(`- title: Run ${r + 1}`, "  steps:");
    let cards = 0;
    for (let i = 0; i < steps; i++) {
      const action =
        cards < 99 && i % 2 === 0
          ? (cards++, "write: {by: writer, to: primary}")
          : i % 40 === 1
            ? "read: {by: reader, from: s1}"
            : "wait: 1";
      lines.push(`  - {title: S${i + 1}, say: Go., actions: [${action}]}`);
    }
  }
  return lines.join("\n") + "\n";
}
