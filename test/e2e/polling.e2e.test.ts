/**
 * The Wappfly Polling Trigger in a real `n8n start` (1.x on Node 20, 2.x on Node 24), installed
 * from the package's tarball, polling a contract server started in this process every 5 seconds.
 *
 * Per version, one user folder and two starts of n8n:
 *   1. start: n8n polls once at activation; the history is not replayed and the cursor is saved
 *      to the database at once (so a restart before any message loses nothing);
 *   2. messages arrive (and a reply sent by the line itself): the next polls emit each inbound
 *      message once;
 *   3. stop n8n, messages arrive while it is down, start again: the poll at activation catches
 *      up on them; messages that arrive afterwards come once too.
 * Every injected inbound message must be emitted exactly once across all executions.
 *
 * `WAPPFLY_E2E_VERSIONS=1` limits the run to one version; `WAPPFLY_E2E_KEEP=1` keeps the folders.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	startWappflyServer,
	type StoredMessage,
	type WappflyServer,
} from '../server/wappfly-server';
import { env, print, sleep } from '../support/node';
import { PROJECT_DIR, type Workflow } from './lib/examples';
import { e2eVersions, ensureN8n } from './lib/install-n8n';
import * as n8n from './lib/n8n-instance';
import {
	ALICE,
	GROUP,
	MAIN_CREDENTIAL,
	NEWEST_SEED_ID,
	pollingWorkflow,
} from './support/workflows';

const VERSIONS = e2eVersions();
const KEEP = env.WAPPFLY_E2E_KEEP === '1';

const MINUTE = 60_000;
jest.setTimeout(2 * MINUTE);

const TRIGGER_NAME = 'New WhatsApp messages';
const WORKFLOW: Workflow = pollingWorkflow(
	'e2ePollingTrig01',
	'E2E Wappfly Polling Trigger',
	TRIGGER_NAME,
);

/** The package packed once for the whole e2e run (the global setup's tarball). */
const tarball = (): Promise<string> => n8n.sharedTarball(PROJECT_DIR);

function randomToken(): string {
	return `e2e-poll-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(300);
	}
}

describe.each(VERSIONS)('n8n %s.x', (line) => {
	let uf: n8n.UserFolder;
	let api: WappflyServer;
	let server: n8n.N8nServer | undefined;
	let n8nVersion = '';
	const started = Date.now();
	const logs: string[] = [];

	/** The trigger's items of every finished execution, in order. */
	async function emitted(): Promise<IDataObject[]> {
		const executions = await n8n.readExecutions(uf, { workflowId: WORKFLOW.id });
		return executions.flatMap((e) => (e.json(TRIGGER_NAME) ?? []) as IDataObject[]);
	}

	/** Waits until every message of `messages` has come out; returns all items so far. */
	async function waitForEmitted(messages: StoredMessage[]): Promise<IDataObject[]> {
		const wanted = messages.map((m) => m.id);
		return await until(`the ids ${wanted.join(', ')} to be emitted`, MINUTE, async () => {
			const items = await emitted();
			const ids = new Set(items.map((item) => item.id));
			return wanted.every((id) => ids.has(id)) ? items : undefined;
		});
	}

	/** The trigger's static data as n8n saved it in its database. */
	async function savedCursor(): Promise<unknown> {
		const [row] = await n8n.querySqlite(uf, 'SELECT staticData FROM workflow_entity WHERE id = ?', [
			WORKFLOW.id,
		]);
		const data = typeof row?.staticData === 'string' ? JSON.parse(row.staticData) : row?.staticData;
		return (data as Record<string, IDataObject> | null)?.[`node:${TRIGGER_NAME}`]?.lastId;
	}

	async function start(): Promise<n8n.N8nServer> {
		const before = api.requests.length;
		server = await n8n.startN8n(uf);
		// n8n polls once when it activates the workflow.
		const polled = await until('the poll at activation', MINUTE, async () =>
			api.requests.slice(before).some((r) => r.path === '/api/messages/recent' && r.status === 200)
				? true
				: undefined,
		).then(
			() => true,
			() => false,
		);
		if (!polled) {
			throw new Error(`n8n did not poll at activation; its log:\n${server.log().slice(-4000)}`);
		}
		return server;
	}

	async function stop(): Promise<void> {
		if (!server) return;
		await server.stop();
		logs.push(server.log());
		server = undefined;
	}

	beforeAll(async () => {
		const install = await ensureN8n(line);
		n8nVersion = `${install.n8nVersion} on Node ${install.nodeVersion}`;
		api = await startWappflyServer({ token: randomToken() });
		uf = await n8n.createUserFolder(install);
		await n8n.installPackageTarball(uf, await tarball());
		await n8n.importCredentials(uf, [
			{
				...MAIN_CREDENTIAL,
				type: 'wappflyApi',
				data: { apiToken: api.token, baseUrl: api.url },
			},
		]);
		await n8n.importWorkflows(uf, [WORKFLOW]);
		await n8n.activateWorkflows(uf, [WORKFLOW.id]);
	}, 12 * MINUTE);

	afterAll(async () => {
		await stop().catch(() => undefined);
		await api?.close();
		if (uf && !KEEP) n8n.removeUserFolder(uf);
		print(`[e2e polling] n8n ${n8nVersion}: ${Math.round((Date.now() - started) / 1000)} s in all`);
	});

	test('every inbound message is emitted exactly once, across polls and a restart of n8n', async () => {
		// 1. Activation: one poll, no history, the cursor saved at once.
		await start();
		await until('the cursor in the database', MINUTE, async () =>
			(await savedCursor()) === NEWEST_SEED_ID ? true : undefined,
		);
		expect(await n8n.readExecutions(uf, { workflowId: WORKFLOW.id })).toEqual([]);

		// 2. Messages arrive while n8n runs; the line's own reply must not come out.
		const first = [
			api.receiveMessage({ text: 'first 1', pushName: 'Alice' }),
			api.receiveMessage({ text: 'first 2 (group)', from: '447700900123', group: GROUP }),
		];
		const reply = await fetch(`${api.url}/api/messages/send`, {
			method: 'POST',
			headers: { 'X-API-Token': api.token, 'Content-Type': 'application/json' },
			body: JSON.stringify({ to: ALICE, text: 'our reply' }),
		});
		expect(reply.status).toBe(200);
		first.push(api.receiveMessage({ text: 'first 3', from: '4915112345678' }));
		await waitForEmitted(first);

		// 3. n8n is down while messages arrive; the poll at the next activation catches up.
		await stop();
		const before = (await n8n.readExecutions(uf, { workflowId: WORKFLOW.id })).length;
		const whileDown = [1, 2, 3].map((n) => api.receiveMessage({ text: `while down ${n}` }));
		await start();
		await waitForEmitted(whileDown);
		const [catchUp] = (await n8n.readExecutions(uf, { workflowId: WORKFLOW.id })).slice(before);
		expect(catchUp.json(TRIGGER_NAME)?.map((item) => item.id)).toEqual(whileDown.map((m) => m.id));
		const last = [api.receiveMessage({ text: 'after the restart' })];
		const items = await waitForEmitted(last);
		// One more poll: nothing comes twice.
		const polled = api.requests.length;
		await until('one more poll', MINUTE, async () =>
			api.requests.slice(polled).some((r) => r.path === '/api/messages/recent') ? true : undefined,
		);
		await stop();

		const injected = [...first, ...whileDown, ...last];
		const all = await emitted();
		expect(all.length).toBeGreaterThanOrEqual(items.length);
		const byNumber = (a: number, b: number) => a - b;
		expect(all.map((item) => item.id as number).sort(byNumber)).toEqual(
			injected.map((m) => m.id).sort(byNumber),
		);
		expect(all.map((item) => item.text)).not.toContain('our reply');
		expect(all.every((item) => (item.id as number) > NEWEST_SEED_ID)).toBe(true);
		expect(await savedCursor()).toBe(last[0].id);

		// The items are the webhook trigger's, as a workflow reads them.
		const group = all.find((item) => item.text === 'first 2 (group)');
		expect(group).toMatchObject({
			messageId: first[1].msg_id,
			chatJid: GROUP,
			isGroup: true,
			from: '447700900123',
			fromJid: '447700900123@s.whatsapp.net',
			type: 'text',
			fromMe: false,
			status: 'received',
			possibleGap: false,
			senderName: null,
			sessionId: null,
		});

		const executions = await n8n.readExecutions(uf, { workflowId: WORKFLOW.id });
		expect(executions.every((e) => e.status === 'success' && e.mode === 'trigger')).toBe(true);
		expect(
			executions.every((e) => e.json('Received')?.length === e.json(TRIGGER_NAME)?.length),
		).toBe(true);
		// The token is in no execution and no log line.
		expect(JSON.stringify(executions.map((e) => e.data))).not.toContain(api.token);
		expect(logs.join('\n')).not.toContain(api.token);
		print(
			`[e2e polling] n8n ${n8nVersion}: ${injected.length} messages in ${executions.length} executions, ${api.requests.filter((r) => r.path === '/api/messages/recent').length} polls`,
		);
	});
});
