/**
 * Published the way n8n requires (README, "Releasing"): only from the GitHub Actions workflow
 * .github/workflows/publish.yml on a version tag, with an npm provenance statement and npm trusted
 * publishing (no stored token); CI (.github/workflows/ci.yml) runs .ci/run on every push and pull
 * request; `npm publish` on a developer's machine is refused, and nothing reaches a registry.
 */
import { parse } from 'yaml';

import { childProcess, env, fs, http, path, projectRoot } from '../support/node';

interface Step {
	name?: string;
	uses?: string;
	run?: string;
	with?: Record<string, unknown>;
	env?: Record<string, unknown>;
}
interface Job {
	'runs-on': string;
	permissions?: Record<string, string>;
	steps: Step[];
}
interface Workflow {
	name: string;
	on: Record<string, unknown>;
	permissions?: Record<string, string>;
	jobs: Record<string, Job>;
}

const WORKFLOWS = path.join(projectRoot, '.github', 'workflows');
const pkg = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'));

function readWorkflow(file: string): { text: string; workflow: Workflow } {
	const text = fs.readFileSync(path.join(WORKFLOWS, file), 'utf8');
	return { text, workflow: parse(text, { strict: true, uniqueKeys: true }) as Workflow };
}

/** The shell commands of a job's steps, in order. */
function commands(job: Job): string[] {
	return job.steps.filter((step) => typeof step.run === 'string').map((step) => step.run!.trim());
}

function indexOfCommand(job: Job, pattern: RegExp): number {
	return commands(job).findIndex((command) => pattern.test(command));
}

describe('.github/workflows/ci.yml', () => {
	const { workflow } = readWorkflow('ci.yml');
	const jobs = Object.values(workflow.jobs);

	test('runs on every push and pull request', () => {
		expect(Object.keys(workflow.on).sort()).toEqual(['pull_request', 'push']);
		expect(workflow.on.push ?? null).toBeNull();
		expect(workflow.on.pull_request ?? null).toBeNull();
	});

	test('runs .ci/run (npm ci && npm test) on Node 20 with nothing before it but the checkout', () => {
		expect(jobs).toHaveLength(1);
		const [job] = jobs;
		expect(commands(job)).toEqual(['bash .ci/run']);
		const setupNode = job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with?.['node-version']).toBe('20.x');
		expect(job.steps[0].uses).toMatch(/^actions\/checkout@v\d+$/);
	});

	test('asks for no more than read access', () => {
		expect(workflow.permissions).toEqual({ contents: 'read' });
		expect(jobs[0].permissions).toBeUndefined();
	});
});

describe('.github/workflows/publish.yml', () => {
	const { text, workflow } = readWorkflow('publish.yml');
	const jobs = Object.values(workflow.jobs);
	const job = jobs[0];

	test('runs on a version tag only', () => {
		expect(workflow.on).toEqual({ push: { tags: ['v*.*.*'] } });
		expect(jobs).toHaveLength(1);
	});

	test('may mint an OIDC token (id-token: write) and only read the repository', () => {
		expect(workflow.permissions).toEqual({ contents: 'read' });
		expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
	});

	test('checks the tag against package.json, installs, builds, lints and tests before publishing', () => {
		const order = [
			/GITHUB_REF_NAME/,
			/^npm ci$/,
			/^npm run build$/,
			/^npm run lint$/,
			/^npm test$/,
			/^npm publish\b/,
		].map((pattern) => indexOfCommand(job, pattern));
		expect(order.every((index) => index >= 0)).toBe(true);
		expect([...order].sort((a, b) => a - b)).toEqual(order);
		expect(commands(job)[order[0]]).toContain('require("./package.json").version');
	});

	test('publishes with a provenance statement through npm trusted publishing, with no stored token', () => {
		const publish = commands(job).filter((command) => /\bnpm publish\b/.test(command));
		expect(publish).toEqual(['npm publish --provenance --access public']);
		// Trusted publishing needs npm >= 11.5.1 (Node 20 ships npm 10).
		const npmUpgrade = commands(job).find((command) => /npm install --global npm@/.test(command));
		const [major, minor, patch] = (/npm@(\d+)\.(\d+)\.(\d+)$/.exec(npmUpgrade ?? '') ?? [])
			.slice(1)
			.map(Number);
		expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(11_005_001);
		expect(indexOfCommand(job, /npm install --global npm@/)).toBeLessThan(
			indexOfCommand(job, /^npm publish\b/),
		);
		// No long-lived token: no secret, no NODE_AUTH_TOKEN / NPM_TOKEN, no registry-url .npmrc.
		expect(text).not.toMatch(/secrets\.|NODE_AUTH_TOKEN|NPM_TOKEN|_authToken|registry-url/);
	});
});

describe('package.json: publishable as n8n verifies community nodes', () => {
	test('publishConfig asks npm for provenance, and prepublishOnly refuses publishing outside the workflow', () => {
		expect(pkg.publishConfig).toEqual({ provenance: true });
		expect(pkg.scripts.prepublishOnly).toBe('node scripts/refuse-local-publish.js');
	});

	test('the repository URL and author are the public repository and its owner', () => {
		expect(pkg.repository).toEqual({
			type: 'git',
			url: 'git+https://github.com/wappfly/n8n-nodes-wappfly.git',
		});
		expect(pkg.author).toEqual({ name: 'Wappfly', email: 'support@wappfly.com' });
		expect(pkg.license).toBe('MIT');
		expect(pkg.keywords).toContain('n8n-community-node-package');
	});

	test('no runtime dependencies; n8n-workflow is an optional peer that npm never installs', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
	});
});

describe('npm publish on a developer machine', () => {
	/**
	 * A registry stand-in on 127.0.0.1 that records every request and knows no package (404, as
	 * npm's registry answers before a first publish), so npm goes as far as it would go.
	 */
	let registry: ReturnType<typeof http.createServer>;
	let registryUrl = '';
	const received: string[] = [];

	beforeAll(async () => {
		registry = http.createServer((req, res) => {
			received.push(`${req.method} ${req.url}`);
			req.resume();
			res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
		});
		await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
		const { port } = registry.address() as { port: number };
		registryUrl = `http://127.0.0.1:${port}/`;
	});

	afterAll(() => new Promise<void>((resolve) => registry.close(() => resolve())));

	/**
	 * `npm publish` as a developer would type it, outside any CI, pointed at the stand-in (run
	 * asynchronously: the stand-in lives in this process).
	 */
	function publish(extra: string[]): Promise<{ status: number | null; output: string }> {
		const shellEnv: Record<string, string | undefined> = { ...env };
		for (const name of Object.keys(shellEnv)) {
			if (
				/^(npm_|NPM_|NODE_AUTH_TOKEN$|CI$|CONTINUOUS_INTEGRATION$|GITHUB_|ACTIONS_|GITLAB_|RUNNER_|BUILDKITE|CIRCLECI|JEST_|NODE_ENV$)/.test(
					name,
				)
			) {
				delete shellEnv[name];
			}
		}
		const host = registryUrl.replace(/^http:/, '');
		const child = childProcess.spawn(
			'npm',
			['publish', '--registry', registryUrl, `--${host}:_authToken=not-a-real-token`, ...extra],
			{ cwd: projectRoot, env: shellEnv, stdio: ['ignore', 'pipe', 'pipe'] },
		);
		let output = '';
		child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		return new Promise((resolve, reject) => {
			child.on('error', reject);
			child.on('close', (status) => resolve({ status, output }));
		});
	}

	test('a plain `npm publish` is refused: npm can make no provenance statement here', async () => {
		const run = await publish([]);
		expect(run.status).not.toBe(0);
		expect(run.output).toMatch(/provenance generation not supported/i);
		// npm got as far as asking for the package's metadata: the refusal is npm's own.
		expect(received).toContain('GET /n8n-nodes-wappfly');
		expect(received.filter((request) => request.startsWith('PUT'))).toEqual([]);
	});

	test('with scripts on, prepublishOnly refuses first and names the workflow', async () => {
		const run = await publish(['--ignore-scripts=false']);
		expect(run.status).not.toBe(0);
		expect(run.output).toContain('Refusing to publish from this machine');
		expect(run.output).toContain('.github/workflows/publish.yml');
		expect(received.filter((request) => request.startsWith('PUT'))).toEqual([]);
	});
});
