/**
 * The total order the rules share to stay deterministic: newer `updatedAt` first, then
 * the system's place in `priority` (unlisted systems last), then system and record id.
 */
export function compareByRecency(priority: readonly string[]) {
  const rank = (system: string) => (priority.includes(system) ? priority.indexOf(system) : priority.length);
  return (a: Ranked, b: Ranked): number =>
    b.updatedAt.getTime() - a.updatedAt.getTime() ||
    rank(a.system) - rank(b.system) ||
    a.system.localeCompare(b.system) ||
    a.recordId.localeCompare(b.recordId);
}

/** What the order looks at: a record or a field candidate. */
interface Ranked {
  system: string;
  recordId: string;
  updatedAt: Date;
}
