// The naive design the benchmark compares against: one fresh `node` process judges one submission.
import { readFileSync } from 'node:fs';
import { judgeInVm } from '../fixtures/judge-service/src/sandbox/local-judge.js';

const job = JSON.parse(readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(judgeInVm(job)));
