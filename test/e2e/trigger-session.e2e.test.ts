/**
 * In a real n8n (1.x and 2.x): forged posts cannot be amplified into Wappfly calls (issue 7 §4).
 *
 * The Wappfly Trigger keeps the line's session and the time it last asked Wappfly in the
 * workflow's static data. n8n loads that data from its database for each webhook request and
 * saves it after the node has answered; this file checks that it really does, in both versions:
 * the activation's read is in the database, forged posts less than a minute after it read
 * nothing, and when the stored time is made old in the database (what another process, or a
 * minute, would leave) the next forged post reads once, its time is saved, and the following
 * posts read nothing again. Time is never waited for: the test writes the stored time.
 */
import { childProcess, env, fs, path, sleep } from '../support/node';
import { DEFAULT_TOKEN, startWappflyServer, type WappflyServer } from '../server/wappfly-server';
import { EXAMPLE_CREDENTIALS, PROJECT_DIR, webhookPathOf, type Workflow } from './lib/examples';
import { e2eVersions, ensureN8n } from './lib/install-n8n';
import * as n8n from './lib/n8n-instance';
import { MAIN_CREDENTIAL, WAPPFLY_TRIGGER_TYPE } from './support/workflows';

const VERSIONS = e2eVersions();
const KEEP = env.WAPPFLY_E2E_KEEP === '1';
const MINUTE = 60_000;
jest.setTimeout(2 * MINUTE);

const WORKFLOW: Workflow = {
	// n8n saves static data only for workflow IDs of at most 16 characters (isWorkflowIdValid).
	id: 'e2eTrigSession01',
	name: 'E2E Wappfly Trigger session re-reads',
	nodes: [
		{
			id: 'e2e-session-trigger',
			name: 'Wappfly Trigger',
			type: WAPPFLY_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: '3d1c9a7e-2f4b-4c6d-8e0f-a1b2c3d4e5f6',
			parameters: {},
			credentials: { wappflyApi: MAIN_CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};
const STATIC_KEY = 'node:Wappfly Trigger';

let packing: Promise<string> | undefined;
afterAll(async () => {
	const file = await packing?.catch(() => undefined);
	if (file && !KEEP) fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

/** Runs one statement on n8n's SQLite database with n8n's own sqlite3 (read-write). */
function writeSqlite(uf: n8n.UserFolder, sql: string, params: unknown[]): void {
	const script = `
const { createRequire } = require('node:module');
const [dbPath, n8nPkg, sql, params] = process.argv.slice(1);
const sqlite3 = createRequire(n8nPkg)('sqlite3');
const db = new sqlite3.Database(dbPath, (error) => {
	if (error) { process.stderr.write(String(error)); process.exit(2); }
	db.configure('busyTimeout', 10000);
	db.run(sql, JSON.parse(params), function (error2) {
		if (error2) { process.stderr.write(String(error2)); process.exit(3); }
		if (this.changes !== 1) { process.stderr.write('changed ' + this.changes + ' rows'); process.exit(4); }
		db.close();
	});
});`;
	const n8nPkg = path.join(uf.install.dir, 'node_modules', 'n8n', 'package.json');
	const run = childProcess.spawnSync(
		uf.install.nodeBin,
		['-e', script, uf.dbPath, n8nPkg, sql, JSON.stringify(params)],
		{ env: uf.env, encoding: 'utf8' },
	);
	if (run.status !== 0) throw new Error(`sqlite write failed (${run.status}): ${run.stderr}`);
}

describe.each(VERSIONS)('n8n %s.x', (version) => {
	let uf: n8n.UserFolder;
	let api: WappflyServer;
	let server: Awaited<ReturnType<typeof n8n.startN8n>>;
	/** When the contract server answered each GET /api/me (its own clock). */
	const meAnsweredAt: number[] = [];
	/** How many forged posts had been answered when each GET /api/me arrived. */
	const meAfterPosts: number[] = [];
	let postsAnswered = 0;

	const staticData = async (): Promise<Record<string, unknown>> => {
		const [row] = (await n8n.querySqlite(
			uf,
			'SELECT staticData FROM workflow_entity WHERE id = ?',
			[WORKFLOW.id],
		)) as Array<{ staticData: string | null }>;
		const parsed = JSON.parse(row?.staticData ?? '{}') as Record<string, Record<string, unknown>>;
		return parsed[STATIC_KEY] ?? {};
	};
	const forged = () => api.inboundEnvelope({ sessionId: 9 });
	const url = () => `${server.url}webhook/${webhookPathOf(WORKFLOW)}`;

	async function postForged(count: number): Promise<number[]> {
		const statuses: number[] = [];
		for (let i = 0; i < count; i++) {
			statuses.push((await api.sendInbound(url(), forged())).status);
			postsAnswered++;
		}
		return statuses;
	}

	beforeAll(async () => {
		const install = await ensureN8n(version);
		packing ??= n8n.packPackage(PROJECT_DIR);
		uf = await n8n.createUserFolder(install);
		await n8n.installPackageTarball(uf, await packing);
		api = await startWappflyServer({
			log: (line) => {
				if (!/\bGET \/api\/me\b/.test(line)) return;
				meAnsweredAt.push(Date.now());
				meAfterPosts.push(postsAnswered);
			},
		});
		await n8n.importCredentials(uf, [
			{
				...EXAMPLE_CREDENTIALS.wappfly,
				data: { apiToken: DEFAULT_TOKEN, baseUrl: api.url },
			},
		]);
		await n8n.importWorkflows(uf, [WORKFLOW]);
		await n8n.activateWorkflows(uf, [WORKFLOW.id]);
		server = await n8n.startN8n(uf);
		await server.waitForWebhook(webhookPathOf(WORKFLOW));
		// n8n registers the webhook before the activation has run and saved the static data.
		for (let tries = 0; (await staticData()).sessionId === undefined; tries++) {
			if (tries === 300) throw new Error('the activation saved no session');
			await sleep(200);
		}
	}, 10 * MINUTE);

	afterAll(async () => {
		await server?.stop();
		await api?.close();
		if (uf && !KEEP) n8n.removeUserFolder(uf);
	});

	test('activation read the session once and n8n saved it with the time of the read', async () => {
		expect(meAnsweredAt).toHaveLength(1);
		const stored = await staticData();
		expect(stored.sessionId).toBe('8');
		expect(typeof stored.sessionCheckedAt).toBe('number');
	});

	test('forged posts right after the read: 403, no Wappfly call, no execution', async () => {
		const statuses = await postForged(100);
		expect(new Set(statuses)).toEqual(new Set([403]));
		expect(meAnsweredAt).toHaveLength(1);
		expect(await server.readExecutions({ workflowId: WORKFLOW.id })).toEqual([]);
	});

	test('once the stored read is old, the next forged post reads once, n8n saves its time, and the rest read nothing', async () => {
		// What a minute, or another process, leaves in the database.
		const old = { ...(await staticData()), sessionCheckedAt: 1 };
		writeSqlite(uf, 'UPDATE workflow_entity SET staticData = ? WHERE id = ?', [
			JSON.stringify({ [STATIC_KEY]: old }),
			WORKFLOW.id,
		]);
		const readsBefore = meAnsweredAt.length;
		const postsBefore = postsAnswered;
		const statuses = await postForged(200);
		expect(new Set(statuses)).toEqual(new Set([403]));
		const reads = meAnsweredAt.slice(readsBefore);
		expect(reads.length).toBeGreaterThanOrEqual(1);
		// n8n saves static data only after the node has answered, so the post sent right after the
		// read may still load the old time and read too (README: "How activation and the session
		// check work"); once the save has landed, no other post of the 200 reads.
		const readAfterPosts = meAfterPosts
			.slice(readsBefore)
			.map((answered) => answered - postsBefore);
		expect(Math.max(...readAfterPosts)).toBeLessThan(20);
		const stored = await staticData();
		expect(stored.sessionId).toBe('8');
		expect(stored.sessionCheckedAt as number).toBeGreaterThan(1);
		expect(stored.sessionCheckedAt as number).toBeLessThanOrEqual(reads[0]);
		expect(await server.readExecutions({ workflowId: WORKFLOW.id })).toEqual([]);
		expect(server.log()).not.toContain(DEFAULT_TOKEN);
	});

	test("the line's own message still starts the workflow", async () => {
		const delivered = await api.sendInbound(url(), api.inboundEnvelope());
		expect(delivered.status).toBe(200);
		const [execution] = await server.waitForExecutions({ workflowId: WORKFLOW.id });
		expect(execution.status).toBe('success');
		expect(execution.json('Wappfly Trigger')?.[0]).toMatchObject({ sessionId: 8 });
	});
});
