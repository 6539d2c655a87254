/**
 * The README's manual install, as a user types it: `npm install n8n-nodes-wappfly` in an empty
 * `~/.n8n/nodes`, plain npm, no flags, on the Node that runs each n8n (20 for 1.x, 24 for 2.x).
 * Here the package comes from its packed tarball (`npm install <file>.tgz`) instead of the registry.
 *
 * npm 7+ installs peer dependencies by default: a required peer `n8n-workflow: *` makes it fetch
 * n8n-workflow 2.x, whose `isolated-vm` does not build on Node 20, and leaves a private
 * n8n-workflow beside n8n's own. The package declares the peer optional (`peerDependenciesMeta`),
 * so npm installs the package alone, and n8n gives the nodes its own n8n-workflow.
 *
 * Then n8n is pointed at that folder (N8N_USER_FOLDER) and runs a workflow with the Wappfly node
 * against the contract server: n8n loaded the nodes from there.
 */
import { startWappflyServer, type WappflyServer } from '../server/wappfly-server';
import { PROJECT_DIR } from './lib/examples';
import { e2eVersions, ensureN8n } from './lib/install-n8n';
import * as n8n from './lib/n8n-instance';
import { MAIN_CREDENTIAL, linearWorkflow, wappflyNode, byId, ALICE } from './support/workflows';
import { childProcess, env, fs, path } from '../support/node';

const VERSIONS = e2eVersions();
const KEEP = env.WAPPFLY_E2E_KEEP === '1';
const MINUTE = 60_000;
const PACKAGE_NAME: string = JSON.parse(
	fs.readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8'),
).name;

/** Every folder named `name` under `dir` (node_modules trees included). */
function foldersNamed(dir: string, name: string): string[] {
	const found: string[] = [];
	const walk = (current: string) => {
		for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
			if (!entry.isDirectory()) continue;
			const full = path.join(current, entry.name);
			if (entry.name === name) found.push(full);
			walk(full);
		}
	};
	if (fs.existsSync(dir)) walk(dir);
	return found;
}

const WORKFLOW = linearWorkflow('manualInstall001', 'Manual install: Wappfly node', [
	wappflyNode('Get Me', { resource: 'session', operation: 'getMe' }),
	wappflyNode('Send Text', {
		resource: 'message',
		operation: 'sendText',
		to: byId('+1 555 123 4567'),
		text: 'Installed with plain npm install',
	}),
]);

describe.each(VERSIONS)('n8n %s.x: `npm install` in an empty nodes folder', (line) => {
	let nodesDir = '';
	let npmRun: { status: number | null; output: string };
	let nodeVersion = '';
	let api: WappflyServer | undefined;
	let uf: n8n.UserFolder | undefined;
	let run: Awaited<ReturnType<typeof n8n.executeWorkflow>>;

	beforeAll(async () => {
		const install = await ensureN8n(line);
		const file = await n8n.sharedTarball(PROJECT_DIR);
		uf = await n8n.createUserFolder(install);
		nodesDir = path.join(uf.n8nDir, 'nodes');
		fs.mkdirSync(nodesDir, { recursive: true });

		// The user's shell: n8n's Node first on PATH, nothing that npm test or jest set.
		const shellEnv: Record<string, string | undefined> = { ...env };
		for (const name of Object.keys(shellEnv)) {
			if (/^(npm_|NPM_|JEST_|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$)/.test(name)) delete shellEnv[name];
		}
		Object.assign(shellEnv, install.env);
		nodeVersion = childProcess
			.execFileSync('node', ['--version'], { env: shellEnv, encoding: 'utf8' })
			.trim();
		const npm = childProcess.spawnSync('npm', ['install', file], {
			cwd: nodesDir,
			env: shellEnv,
			encoding: 'utf8',
			timeout: 15 * MINUTE,
		});
		npmRun = { status: npm.status, output: `${npm.stdout}\n${npm.stderr}`.trim() };
		if (npm.status !== 0) return;

		api = await startWappflyServer();
		await n8n.importCredentials(uf, [
			{
				...MAIN_CREDENTIAL,
				type: 'wappflyApi',
				data: { apiToken: api.token, baseUrl: api.url },
			},
		]);
		await n8n.importWorkflows(uf, [WORKFLOW]);
		run = await n8n.executeWorkflow(uf, WORKFLOW.id);
	}, 20 * MINUTE);

	afterAll(async () => {
		await api?.close();
		if (uf && !KEEP) n8n.removeUserFolder(uf);
	});

	test("npm runs on the n8n's own Node", () => {
		expect(nodeVersion).toMatch(line === '1' ? /^v20\./ : /^v24\./);
	});

	test('npm install exits 0 and installs the package alone: no n8n-workflow beside it', () => {
		expect({ status: npmRun.status, output: npmRun.status === 0 ? '' : npmRun.output }).toEqual({
			status: 0,
			output: '',
		});
		const installed = fs
			.readdirSync(path.join(nodesDir, 'node_modules'))
			.filter((entry) => !entry.startsWith('.'));
		expect(installed).toEqual([PACKAGE_NAME]);
		expect(foldersNamed(nodesDir, 'n8n-workflow')).toEqual([]);
		const lock = JSON.parse(fs.readFileSync(path.join(nodesDir, 'package-lock.json'), 'utf8'));
		expect(Object.keys(lock.packages).filter((key) => key !== '')).toEqual([
			`node_modules/${PACKAGE_NAME}`,
		]);
	});

	test('n8n loads the nodes from that folder and runs them', () => {
		expect({ ok: run.ok, error: run.error }).toEqual({ ok: true, error: undefined });
		expect(run.json('Get Me')).toEqual([
			expect.objectContaining({ session: expect.objectContaining({ status: 'connected' }) }),
		]);
		expect(run.json('Send Text')).toEqual([
			{ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) },
		]);
		const sent = api!.requests.filter((r) => r.path === '/api/messages/send');
		expect(sent.map((r) => r.body)).toEqual([
			{ to: ALICE, text: 'Installed with plain npm install' },
		]);
	});
});
