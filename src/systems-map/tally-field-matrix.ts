import { profileFields } from '../profile/merge-config';
import type { MergedProfile } from '../profile/merged-profile';

/** A connected system as the field scan sees it: its name and the profile fields its configuration says it provides. */
export interface ScannedSystem {
  name: string;
  /** Profile fields (`name`, `emails`, ...) the system's configured fields feed. */
  provides: ReadonlySet<string>;
}

/** One system's share of one profile field over the scanned customers. */
export interface FieldSystemTally {
  system: string;
  /** The system's configuration says it provides the field. */
  provides: boolean;
  /** Customers for whom one of the system's records held a value. */
  held: number;
  /** Customers whose merged value came from the system's record (under a union, every system that added a value kept: the provenance). */
  wins: number;
}

/** One profile field over the scanned customers. */
export interface FieldTally {
  field: string;
  /** Customers whose linked records disagree about the field (two or more values). */
  conflicts: number;
  /** Every connected system, in configuration order. */
  systems: FieldSystemTally[];
}

/**
 * Counts, per canonical profile field, the customers whose records disagree and, per
 * system, how often it held a value and how often its value won (pure). Each customer
 * counts at most once per field and system, however many records it has there.
 */
export function tallyFieldMatrix(profiles: readonly MergedProfile[], systems: readonly ScannedSystem[]): FieldTally[] {
  return profileFields.map((field) => {
    const held = new Map<string, number>();
    const wins = new Map<string, number>();
    let conflicts = 0;
    for (const profile of profiles) {
      if (profile.conflicts.some((conflict) => conflict.field === field)) conflicts++;
      for (const system of profile.fieldHolders.find((holders) => holders.field === field)?.systems ?? []) held.set(system, (held.get(system) ?? 0) + 1);
      for (const system of new Set(profile.provenance.filter((entry) => entry.field === field).map((entry) => entry.system))) wins.set(system, (wins.get(system) ?? 0) + 1);
    }
    return {
      field,
      conflicts,
      systems: systems.map(({ name, provides }) => ({ system: name, provides: provides.has(field), held: held.get(name) ?? 0, wins: wins.get(name) ?? 0 })),
    };
  });
}
