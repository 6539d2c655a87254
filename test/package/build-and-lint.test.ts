/**
 * The two commands a contributor runs before a release, and the publish workflow runs before
 * `npm publish`: `npm run build` (n8n-node build: tsc, icons) and `npm run lint` (n8n-node lint,
 * n8n's community-node rules in strict mode). They are tests so that `npm test` (and CI, which
 * runs nothing else) fails when either does, and counts it.
 */
import { childProcess, env, fs, path, projectRoot } from '../support/node';

/** Runs `npm run <script>` as a contributor's shell would: without jest's NODE_ENV=test. */
function npmRun(script: string): { status: number | null; output: string } {
	const shellEnv = { ...env };
	// n8n-node lint reports other rules when NODE_ENV is 'test' (as jest sets it).
	delete shellEnv.NODE_ENV;
	for (const name of Object.keys(shellEnv)) if (/^JEST_/.test(name)) delete shellEnv[name];
	const run = childProcess.spawnSync('npm', ['run', script], {
		cwd: projectRoot,
		env: shellEnv,
		encoding: 'utf8',
		maxBuffer: 64 * 1024 * 1024,
	});
	return { status: run.status, output: `${run.stdout}\n${run.stderr}`.trim() };
}

test('npm run build compiles every node and credential into dist/', () => {
	const build = npmRun('build');
	expect({ status: build.status, output: build.status === 0 ? '' : build.output }).toEqual({
		status: 0,
		output: '',
	});
	expect(build.output).not.toMatch(/error TS\d+/);
	const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));
	const listed: string[] = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	expect(listed.length).toBeGreaterThan(2);
	expect(listed.filter((file) => !fs.existsSync(path.join(projectRoot, file)))).toEqual([]);
}, 600_000);

test('npm run lint (n8n-node lint, strict) finds nothing', () => {
	const lint = npmRun('lint');
	expect({ status: lint.status, output: lint.status === 0 ? '' : lint.output }).toEqual({
		status: 0,
		output: '',
	});
	expect(lint.output).not.toMatch(/\d+ problems?|✖/);
}, 600_000);
