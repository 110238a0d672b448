import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generatePopulation } from '../../../simulators/population/generate-population';
import { writeTruthFile } from '../../../simulators/population/write-truth';

test('writes the ground truth as JSON that reads back to the same people and records', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'truth-'));
  try {
    const population = generatePopulation({ size: 50, seed: 8 });
    const file = path.join(dir, 'nested', 'truth.json');
    await writeTruthFile(population, file);
    const read = JSON.parse(await readFile(file, 'utf8')) as { seed: number; size: number; people: unknown[] };
    expect(read).toEqual({ seed: 8, size: 50, people: population.truth });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
