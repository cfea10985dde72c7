/** The help texts; `kiln <command> --help` shows the command's own, usage errors show it too. */

const SERVER_OPTIONS = `Server:
  --url URL            Kiln server (default: $KILN_URL, else http://127.0.0.1:5000)
  --api-key KEY        API key, sent as a bearer token (default: $KILN_API_KEY)`;

export const MAIN_USAGE = `Usage: kiln <command> [options]

Commands:
  run FILE             Run one program on Kiln, with this process's stdin
  grade DIR            Grade every file in DIR against a folder of tests

Options:
  -h, --help           Show help (also: kiln <command> --help, kiln help <command>)
  -v, --version        Show the version

${SERVER_OPTIONS}

Exit codes: see the README of @kiln/cli, or kiln run --help and kiln grade --help.
`;

export const RUN_USAGE = `Usage: kiln run [options] FILE < input.txt

Runs FILE on Kiln. Its stdout and stderr are copied to this process's stdout and stderr, and kiln exits with
the program's exit code. stdin is sent to the program unless it is a terminal.

Options:
  -l, --language LANG  python, javascript or cpp (default: from the extension: .py, .js/.mjs, .cpp/.cc/.cxx)
  --time-ms N          Wall-clock limit in milliseconds
  --memory-mb N        Memory limit in MiB

${SERVER_OPTIONS}

Exit codes:
  0-255     the program's own exit code
  128+N     the program was killed by signal N (139 for SIGSEGV)
  124       time limit exceeded
  126       compile error (the diagnostics are on stderr)
  137       memory limit exceeded
  153       output limit exceeded
  2         usage error
  3         Kiln failed to run it (internal_error)
  4         the API call failed (server unreachable, timeout, error answer)
`;

export const GRADE_USAGE = `Usage: kiln grade --tests DIR [options] SUBMISSIONS_DIR

Grades each file of SUBMISSIONS_DIR (one submission per file; its id is the file name without extension)
against the tests in --tests DIR: pairs NAME.in (stdin) and NAME.out (expected output), in name order.
Prints a summary table and the number of items per verdict.

Options:
  -t, --tests DIR      The tests folder (required)
  -l, --language LANG  Language of every submission (default: from each file's extension)
  --checker NAME       lines (the server's default), exact, tokens, float or unordered_lines
  --abs-tol X          Absolute tolerance of --checker float
  --rel-tol X          Relative tolerance of --checker float
  --time-ms N          Wall-clock limit per test, in milliseconds
  --memory-mb N        Memory limit in MiB
  -f, --format FMT     Also write the results as json, csv or junit (XML)
  -o, --output FILE    Where --format writes (default: stdout, the summary then goes to stderr)

${SERVER_OPTIONS}

Exit codes:
  0         every submission was judged (wrong answers included)
  2         usage error: bad options, a missing .in/.out pair, an unknown extension
  3         some submission ended internal_error or could not be judged
  4         the API call failed (server unreachable, timeout, error answer)
`;
