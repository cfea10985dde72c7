import type { BatchResults } from '@kiln/api';

const CSV_COLUMNS = [
  'id',
  'submission_id',
  'language',
  'state',
  'verdict',
  'score',
  'max_score',
  'passed',
  'tests',
  'time_ms_max',
  'memory_kb_max',
] as const;

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The results as CSV (RFC 4180, CRLF line ends), one row per item in the caller's order. */
export function resultsCsv(results: BatchResults): string {
  const rows = results.results.map((row) => {
    const grade = row.grade;
    const tests = grade?.tests ?? [];
    return [
      row.id,
      row.submissionId,
      row.language,
      row.state,
      grade?.verdict ?? '',
      grade?.score ?? '',
      grade?.maxScore ?? '',
      grade?.passed ?? '',
      grade ? tests.length : '',
      grade ? Math.max(0, ...tests.map((test) => test.timeMs)) : '',
      grade ? Math.max(0, ...tests.map((test) => test.memoryKb)) : '',
    ]
      .map(csvField)
      .join(',');
  });
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
