/**
 * The highest term a node has held, in `ha.json` in its state directory: its next term is higher
 * even when the broker lost the retained status (a restart without persistence), so a claim of
 * this node can never be mistaken for an older one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { Logger } from '../util/logger.js';

const TERM_FILE = 'ha.json';

export async function loadTerm(stateDir: string): Promise<number> {
  try {
    const doc = JSON.parse(await readFile(path.join(stateDir, TERM_FILE), 'utf8')) as { term?: unknown };
    return typeof doc.term === 'number' && Number.isSafeInteger(doc.term) && doc.term >= 0 ? doc.term : 0;
  } catch {
    return 0;
  }
}

/** Written before the term's connection takes the partition (a crash right after still knows it). */
export async function saveTerm(
  stateDir: string,
  node: string,
  term: number,
  now: number,
  logger: Logger,
): Promise<void> {
  try {
    await writeFileAtomic(
      path.join(stateDir, TERM_FILE),
      JSON.stringify({ node, term, at: new Date(now).toISOString() }),
    );
  } catch (err) {
    logger.error({ err }, 'hot standby: could not record the term in the state directory');
  }
}
