import { type BatchResult, VERDICTS } from '@kiln/api';

/** The summary `kiln grade` prints: one row per submission, then how many got each verdict. */

const NOT_JUDGED = 'not judged';

/** 3, 2.5, 0.33: scores are sums of weights, which need not be whole. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toFixed(2)));
}

function maxTimeMs(item: BatchResult): number | undefined {
  const times =
    item.grade?.tests.filter((test) => test.verdict !== 'skipped').map((test) => test.timeMs) ?? [];
  return times.length === 0 ? undefined : Math.max(...times);
}

function row(item: BatchResult, testCount: number): string[] {
  const { grade } = item;
  if (grade === undefined) return [item.id, `${NOT_JUDGED} (${item.state})`, '-', '-', '-'];
  const time = maxTimeMs(item);
  return [
    item.id,
    grade.verdict,
    `${formatNumber(grade.score)}/${formatNumber(grade.maxScore)}`,
    `${grade.passed}/${testCount}`,
    time === undefined ? '-' : `${time} ms`,
  ];
}

const HEADER = ['ITEM', 'VERDICT', 'SCORE', 'PASSED', 'MAX TIME'];
/** Numbers line up on the right, words on the left. */
const RIGHT_ALIGNED = [false, false, true, true, true];

/** The results as an aligned plain-text table, one line per item, ending with a newline. */
export function summaryTable(results: readonly BatchResult[], testCount: number): string {
  const rows = [HEADER, ...results.map((item) => row(item, testCount))];
  const widths = HEADER.map((_, column) => Math.max(...rows.map((cells) => cells[column]!.length)));
  const lines = rows.map((cells) =>
    cells
      .map((cell, column) =>
        RIGHT_ALIGNED[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

/** "accepted 12, wrong_answer 3, not judged 1 (16 submissions)": verdicts in the API's order, absent ones left out. */
export function verdictCounts(results: readonly BatchResult[]): string {
  const counts = new Map<string, number>();
  for (const item of results) {
    const key = item.grade?.verdict ?? NOT_JUDGED;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...VERDICTS, NOT_JUDGED]
    .filter((verdict) => counts.has(verdict))
    .map((verdict) => `${verdict} ${counts.get(verdict)}`);
  const total = `${results.length} submission${results.length === 1 ? '' : 's'}`;
  return `${parts.join(', ')} (${total})\n`;
}
