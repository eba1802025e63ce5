/**
 * Imported first by the fuzzer's entry points (main.ts, worker.ts): block
 * coverage must be on before the code under test is compiled (see coverage.ts).
 */
import { startCoverage } from './coverage.js';

startCoverage();
