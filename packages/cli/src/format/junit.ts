import type { BatchResult, BatchResults, TestResult } from '@kiln/api';

/**
 * The results as JUnit XML, which CI systems show as test reports: one <testsuite> per submission, one
 * <testcase> per test. A program's failure (wrong answer, crash, limit) is a <failure>; Kiln's own
 * (internal_error, an unjudged item) is an <error>, as JUnit separates a failed assertion from a broken test.
 */

/** Characters XML 1.0 cannot hold at all, even escaped (program output may contain any of them). */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text content: the five special characters escaped, characters XML cannot hold replaced by U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, '\uFFFD')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

/** An attribute value: as text, and line breaks and tabs as references so parsers keep them. */
function attr(value: string | number): string {
  return escapeXml(String(value))
    .replaceAll('\n', '&#10;')
    .replaceAll('\r', '&#13;')
    .replaceAll('\t', '&#9;');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

type Outcome = 'passed' | 'failure' | 'error' | 'skipped';

function outcome(verdict: TestResult['verdict']): Outcome {
  if (verdict === 'accepted') return 'passed';
  if (verdict === 'skipped') return 'skipped';
  return verdict === 'internal_error' ? 'error' : 'failure';
}

function failureMessage(test: TestResult): string {
  if (test.diff) {
    const { line, column, expected, got } = test.diff;
    return `${test.verdict}: line ${line}, column ${column}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`;
  }
  return test.exitCode !== null && test.exitCode !== 0
    ? `${test.verdict} (exit code ${test.exitCode})`
    : test.verdict;
}

function testcase(itemId: string, test: TestResult): string {
  const open = `    <testcase name="${attr(test.name)}" classname="${attr(itemId)}" time="${seconds(test.timeMs)}"`;
  const kind = outcome(test.verdict);
  const body: string[] = [];
  if (kind === 'skipped') body.push('      <skipped/>');
  if (kind === 'failure' || kind === 'error') {
    body.push(`      <${kind} message="${attr(failureMessage(test))}" type="${attr(test.verdict)}"/>`);
  }
  if (test.stdout) body.push(`      <system-out>${escapeXml(test.stdout)}</system-out>`);
  if (test.stderr) body.push(`      <system-err>${escapeXml(test.stderr)}</system-err>`);
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

interface Suite {
  xml: string;
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

function suite(item: BatchResult): Suite {
  const head = (counts: Omit<Suite, 'xml'>, timeMs: number) =>
    `  <testsuite name="${attr(item.id)}" tests="${counts.tests}" failures="${counts.failures}" ` +
    `errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(timeMs)}">`;
  const { grade } = item;
  if (grade === undefined) {
    const counts = { tests: 1, failures: 0, errors: 1, skipped: 0 };
    const message = `not judged: the submission is still ${item.state}`;
    const xml = [
      head(counts, 0),
      `    <testcase name="judging" classname="${attr(item.id)}" time="0.000">`,
      `      <error message="${attr(message)}" type="not_judged"/>`,
      '    </testcase>',
      '  </testsuite>',
    ].join('\n');
    return { xml, ...counts };
  }

  const kinds = grade.tests.map((test) => outcome(test.verdict));
  const counts = {
    tests: grade.tests.length,
    failures: kinds.filter((kind) => kind === 'failure').length,
    errors: kinds.filter((kind) => kind === 'error').length,
    skipped: kinds.filter((kind) => kind === 'skipped').length,
  };
  const cases = grade.tests.map((test) => testcase(item.id, test));
  // A compile error may leave no test run at all: it still has to show up as a failing case.
  if (grade.compile && grade.compile.status !== 'ok') {
    counts.tests += 1;
    counts.failures += 1;
    cases.unshift(
      [
        `    <testcase name="compile" classname="${attr(item.id)}" time="${seconds(grade.compile.timeMs)}">`,
        // The diagnostics go in the failure itself, which every CI report shows.
        `      <failure message="${attr(grade.compile.status)}" type="${attr(grade.compile.status)}">` +
          `${escapeXml(grade.compile.output)}</failure>`,
        '    </testcase>',
      ].join('\n'),
    );
  }
  const timeMs = grade.tests.reduce((sum, test) => sum + test.timeMs, 0);
  const properties = [
    '    <properties>',
    `      <property name="language" value="${attr(item.language)}"/>`,
    `      <property name="verdict" value="${attr(grade.verdict)}"/>`,
    `      <property name="score" value="${grade.score}"/>`,
    `      <property name="max_score" value="${grade.maxScore}"/>`,
    '    </properties>',
  ];
  const xml = [head(counts, timeMs), ...properties, ...cases, '  </testsuite>'].join('\n');
  return { xml, ...counts };
}

/** The whole report, one suite per item in the results' order. */
export function junitXml(results: BatchResults): string {
  const suites = results.results.map(suite);
  const sum = (key: keyof Omit<Suite, 'xml'>) => suites.reduce((total, one) => total + one[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${attr(`kiln batch ${results.id}`)}" tests="${sum('tests')}" failures="${sum('failures')}" ` +
      `errors="${sum('errors')}" skipped="${sum('skipped')}">`,
    ...suites.map((one) => one.xml),
    '</testsuites>',
    '',
  ].join('\n');
}
