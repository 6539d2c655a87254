/**
 * `.ci/run`'s flow and final line, without running any suite: a copy of the script runs in a
 * scratch folder with a fake `npm` first on PATH, which writes given jest results (`--json
 * --outputFile`) for `npm test` and `npm run test:queue`. The last line must be the sum of both
 * runs, `N passed, N failed`, and the exit status non-zero when either failed. A fake
 * `redis-server` on PATH keeps the script from installing the real one.
 */
import { childProcess, env, fs, os, path, projectRoot } from '../support/node';

type Results = { passed: number; failed: number; broken?: boolean } | 'none';

function jestJson(r: Exclude<Results, 'none'>) {
	return {
		numPassedTests: r.passed,
		numFailedTests: r.failed,
		numPendingTests: 0,
		numTodoTests: 0,
		numTotalTestSuites: 1,
		testResults: [
			{
				status: r.failed || r.broken ? 'failed' : 'passed',
				assertionResults: r.broken ? [] : Array.from({ length: r.passed + r.failed }, () => ({})),
			},
		],
	};
}

const FAKE_NPM = `#!/usr/bin/env bash
echo "fake npm $*" >>"$FAKE_DIR/calls"
out=""; for a in "$@"; do case $a in --outputFile=*) out=\${a#--outputFile=};; esac; done
case "$1" in
	ci) exit 0;;
	test) src="$FAKE_DIR/test.json";;
	run) src="$FAKE_DIR/queue.json";;
	*) exit 2;;
esac
[ -f "$src" ] || exit 1
cp "$src" "$out"
grep -q '"numFailedTests":0' "$src"
`;

function runCi(npmTest: Results, queue: Results) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-ci-run-'));
	try {
		fs.mkdirSync(path.join(dir, 'repo', '.ci'), { recursive: true });
		fs.copyFileSync(path.join(projectRoot, '.ci', 'run'), path.join(dir, 'repo', '.ci', 'run'));
		fs.mkdirSync(path.join(dir, 'bin'));
		fs.writeFileSync(path.join(dir, 'bin', 'npm'), FAKE_NPM, { mode: 0o755 });
		fs.writeFileSync(path.join(dir, 'bin', 'redis-server'), '#!/bin/sh\nexit 0\n', {
			mode: 0o755,
		});
		if (npmTest !== 'none')
			fs.writeFileSync(path.join(dir, 'test.json'), JSON.stringify(jestJson(npmTest)));
		if (queue !== 'none')
			fs.writeFileSync(path.join(dir, 'queue.json'), JSON.stringify(jestJson(queue)));
		const run = childProcess.spawnSync('bash', [path.join(dir, 'repo', '.ci', 'run')], {
			env: { ...env, PATH: `${path.join(dir, 'bin')}:${env.PATH}`, FAKE_DIR: dir },
			encoding: 'utf8',
		});
		const lines = run.stdout.trim().split('\n');
		return {
			status: run.status,
			last: lines[lines.length - 1],
			calls: fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n'),
		};
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
}

test('runs npm ci, npm test, then npm run test:queue, each suite with its jest JSON', () => {
	const { calls } = runCi({ passed: 1, failed: 0 }, { passed: 1, failed: 0 });
	expect(calls.map((c) => c.replace(/--outputFile=\S+/, '--outputFile=<file>'))).toEqual([
		'fake npm ci --no-audit --no-fund',
		'fake npm test -- --json --outputFile=<file>',
		'fake npm run test:queue -- --json --outputFile=<file>',
	]);
});

test.each([
	['both pass', { passed: 120, failed: 0 }, { passed: 35, failed: 0 }, '155 passed, 0 failed', 0],
	[
		'the queue test fails',
		{ passed: 120, failed: 0 },
		{ passed: 33, failed: 2 },
		'153 passed, 2 failed',
		1,
	],
	[
		'npm test fails',
		{ passed: 118, failed: 2 },
		{ passed: 35, failed: 0 },
		'153 passed, 2 failed',
		1,
	],
	['both fail', { passed: 118, failed: 2 }, { passed: 34, failed: 1 }, '152 passed, 3 failed', 1],
	[
		'the queue test file crashes before any test',
		{ passed: 120, failed: 0 },
		{ passed: 0, failed: 0, broken: true },
		'120 passed, 1 failed',
		1,
	],
	[
		'the queue test writes no results',
		{ passed: 120, failed: 0 },
		'none',
		'120 passed, 1 failed',
		1,
	],
] as Array<[string, Results, Results, string, number]>)(
	'%s: the last line is the sum of both runs and the exit status says whether any failed',
	(_title, npmTest, queue, last, status) => {
		expect(runCi(npmTest, queue)).toMatchObject({ last, status });
	},
);
