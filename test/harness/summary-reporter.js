// Prints one plain line, "Tests: N passed, N failed, N skipped", beside jest's
// own summary (which omits the failed count when nothing failed), so CI logs can be
// read the same way for every runner. Jest writes its summary after every reporter
// has finished, so .ci/run repeats this line as its last.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numTodoTests } = results;
    process.stderr.write(`\nTests: ${numPassedTests} passed, ${numFailedTests} failed, ${numPendingTests + numTodoTests} skipped\n`);
  }
}
module.exports = SummaryReporter;
