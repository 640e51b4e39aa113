// Prints vitest's JSON results as one plain closing line: "N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? 'reports/vitest.json';
let results;
try {
  results = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
  console.error(`ci: no test results at ${file}: ${error.message}`);
  process.exit(1);
}
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
// A file that fails before or around its tests (an import error, a hook) fails no test: count it as a failure.
const brokenFiles = (results.testResults ?? []).filter(
  (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
).length;
if (brokenFiles > 0) console.log(`ci: ${brokenFiles} test file(s) failed outside their tests (see above)`);
console.log(`${results.numPassedTests} passed, ${results.numFailedTests + brokenFiles} failed, ${skipped} skipped`);
