import type { BatchResults } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { escapeXml, junitXml } from '../src/format/junit.js';
import { judged, results, testResult, unjudged } from './fixtures.js';

const one = (...items: BatchResults['results']): BatchResults => ({
  id: 'b-1',
  state: 'finished',
  results: items,
});

describe('escapeXml', () => {
  it('escapes the five special characters', () => {
    expect(escapeXml(`<a href="x">Tom & 'Jerry'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; &apos;Jerry&apos;&lt;/a&gt;',
    );
  });

  it('replaces what XML 1.0 cannot hold, keeps tabs, line ends and astral characters', () => {
    expect(escapeXml('a\u0000b\u0007c\u001bd\uFFFEe\uD800f\tg\r\nh😀')).toBe(
      'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\tg\r\nh😀',
    );
  });
});

describe('junitXml', () => {
  it('writes one suite per submission and one case per test, failures and skips counted', () => {
    const xml = junitXml(one(results.results[1]!, results.results[2]!));
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="kiln batch b-1" tests="4" failures="2" errors="0" skipped="1">',
        '  <testsuite name="bob" tests="2" failures="1" errors="0" skipped="0" time="0.017">',
        '    <properties>',
        '      <property name="language" value="cpp"/>',
        '      <property name="verdict" value="wrong_answer"/>',
        '      <property name="score" value="1"/>',
        '      <property name="max_score" value="2"/>',
        '    </properties>',
        '    <testcase name="1" classname="bob" time="0.007"/>',
        '    <testcase name="2" classname="bob" time="0.010">',
        '      <failure message="wrong_answer: line 1, column 2: expected &quot;42&quot;, got &quot;41&quot;" type="wrong_answer"/>',
        '      <system-out>41\n</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="carol" tests="2" failures="1" errors="0" skipped="1" time="2.000">',
        '    <properties>',
        '      <property name="language" value="cpp"/>',
        '      <property name="verdict" value="time_limit_exceeded"/>',
        '      <property name="score" value="0.5"/>',
        '      <property name="max_score" value="2"/>',
        '    </properties>',
        '    <testcase name="1" classname="carol" time="2.000">',
        '      <failure message="time_limit_exceeded" type="time_limit_exceeded"/>',
        '    </testcase>',
        '    <testcase name="2" classname="carol" time="0.000">',
        '      <skipped/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('reports Kiln faults and unjudged items as errors, not failures', () => {
    const broken = judged('zed', {
      verdict: 'internal_error',
      tests: [testResult('1', { verdict: 'internal_error' })],
    });
    const xml = junitXml(one(broken, unjudged('dave')));
    expect(xml).toContain('<testsuites name="kiln batch b-1" tests="2" failures="0" errors="2" skipped="0">');
    expect(xml).toContain('      <error message="internal_error" type="internal_error"/>');
    expect(xml).toContain(
      [
        '  <testsuite name="dave" tests="1" failures="0" errors="1" skipped="0" time="0.000">',
        '    <testcase name="judging" classname="dave" time="0.000">',
        '      <error message="not judged: the submission is still queued" type="not_judged"/>',
        '    </testcase>',
        '  </testsuite>',
      ].join('\n'),
    );
  });

  it('adds a failing compile case with the diagnostics when the program did not compile', () => {
    const failed = judged('eve', {
      verdict: 'compile_error',
      score: 0,
      passed: 0,
      tests: [],
      compile: {
        status: 'compile_error',
        output: 'a.cpp:1: error: expected ";" before "}" & <eof>\n',
        timeMs: 300,
        cached: false,
      },
    });
    expect(junitXml(one(failed))).toContain(
      [
        '    <testcase name="compile" classname="eve" time="0.300">',
        '      <failure message="compile_error" type="compile_error">a.cpp:1: error: expected &quot;;&quot; before &quot;}&quot; &amp; &lt;eof&gt;\n</failure>',
        '    </testcase>',
      ].join('\n'),
    );
    expect(junitXml(one(failed))).toContain('tests="1" failures="1" errors="0" skipped="0"');
  });

  it('escapes names, messages and output, line breaks in attributes included', () => {
    const item = judged('x', {
      tests: [
        testResult('a<b>&"\'\n\t', {
          verdict: 'wrong_answer',
          stderr: 'boom\u0000 ]]>',
          diff: { line: 2, column: 1, expected: 'x\ty', got: '<end of output>' },
        }),
      ],
    });
    const xml = junitXml(one(item));
    expect(xml).toContain(
      '<testcase name="a&lt;b&gt;&amp;&quot;&apos;&#10;&#9;" classname="x" time="0.010">',
    );
    expect(xml).toContain(
      'message="wrong_answer: line 2, column 1: expected &quot;x\\ty&quot;, got &quot;&lt;end of output&gt;&quot;"',
    );
    expect(xml).toContain('<system-err>boom\uFFFD ]]&gt;</system-err>');
  });
});
