import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Population } from './generate-population';

/**
 * Writes a population's ground truth (which records are the same person) as JSON, for
 * measuring identity resolution: `{seed, size, people: [{personId, records: [{system, recordId}]}]}`.
 */
export async function writeTruthFile(population: Population, file: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const body = { seed: population.seed, size: population.size, people: population.truth };
  await writeFile(file, `${JSON.stringify(body)}\n`, 'utf8');
}
