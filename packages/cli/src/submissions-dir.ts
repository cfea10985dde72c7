import { basename, extname, join } from 'node:path';
import type { Language } from '@kiln/api';
import { type BatchItem, MAX_BATCH_SUBMISSIONS } from '@kiln/api';
import { InputError } from './errors.js';
import { listFiles, readText } from './files.js';
import { languageOf } from './languages.js';
import { naturalCompare } from './names.js';

/** A submissions folder: every file is one submission, its id the file name without its extension. */

/** The API's rule for item ids (BatchItemSchema). */
const ITEM_ID = /^[A-Za-z0-9._@-]{1,200}$/;

export interface SubmissionFile {
  file: string;
  id: string;
  language: Language;
}

/**
 * The submissions of a folder's file names, in natural order. Dot files (.DS_Store, .gitkeep) are skipped;
 * any other file that cannot be a submission is an error rather than silently left ungraded.
 */
export function submissionFiles(
  dir: string,
  fileNames: readonly string[],
  language: Language | undefined,
): SubmissionFile[] {
  const files = fileNames.filter((name) => !name.startsWith('.')).sort(naturalCompare);
  if (files.length === 0) throw new InputError(`Submissions folder ${dir} holds no files`);
  if (files.length > MAX_BATCH_SUBMISSIONS) {
    throw new InputError(
      `Submissions folder ${dir} holds ${files.length} files; a batch takes at most ${MAX_BATCH_SUBMISSIONS}`,
    );
  }

  const unknown = files.filter((file) => (language ?? languageOf(file)) === undefined);
  if (unknown.length > 0) {
    throw new InputError(
      `Cannot tell the language of ${unknown.join(', ')} in ${dir} from the extension; pass --language`,
    );
  }
  const badIds = files.filter((file) => !ITEM_ID.test(basename(file, extname(file))));
  if (badIds.length > 0) {
    throw new InputError(
      `Submission ids may hold only letters, digits and . _ @ - (at most 200): rename ${badIds.join(', ')}`,
    );
  }

  const submissions = files.map((file) => ({
    file,
    id: basename(file, extname(file)),
    language: (language ?? languageOf(file))!,
  }));
  const seen = new Map<string, string>();
  for (const { file, id } of submissions) {
    const earlier = seen.get(id);
    if (earlier !== undefined)
      throw new InputError(`${earlier} and ${file} in ${dir} are both submission "${id}"`);
    seen.set(id, file);
  }
  return submissions;
}

/** The batch items of a folder, each file's content as its code. */
export async function loadSubmissions(dir: string, language: Language | undefined): Promise<BatchItem[]> {
  const files = submissionFiles(dir, await listFiles(dir, 'submissions folder'), language);
  return Promise.all(
    files.map(async ({ file, id, language: itemLanguage }) => ({
      id,
      language: itemLanguage,
      code: await readText(join(dir, file)),
    })),
  );
}
