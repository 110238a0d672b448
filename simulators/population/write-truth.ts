import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Population, TruthEntry } from './generate-population';

/**
 * Writes a population's ground truth (which records are the same person) as JSON, for
 * measuring identity resolution: `{seed, size, people: [{personId, records: [{system, recordId}]}]}`.
 * `truth` is the truth over the systems actually started. @default population.truth (the default three)
 */
export async function writeTruthFile(population: Population, file: string, truth: readonly TruthEntry[] = population.truth): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const body = { seed: population.seed, size: population.size, people: truth };
  await writeFile(file, `${JSON.stringify(body)}\n`, 'utf8');
}
