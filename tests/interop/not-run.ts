/**
 * Interop matrix combinations that are not run, by test name, with the
 * reason. Empty: every combination runs. A name listed here shows in
 * the test report as skipped, with its reason.
 */
export const NOT_RUN: ReadonlyMap<string, string> = new Map<string, string>([]);
