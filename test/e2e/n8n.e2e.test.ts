/**
 * End to end, in a real n8n (1.x on Node 20 and 2.x on Node 24, installed by lib/install-n8n.js):
 * our package is packed and installed from its tarball as a user installs it, credentials and
 * workflows are imported through n8n's CLI, the workflows run with `n8n execute-batch` against
 * Wappfly contract servers started in this process, and the Wappfly Trigger receives webhooks in a
 * started n8n. Assertions read the executions from n8n's database and what the servers received.
 *
 * Per n8n version: two user folders (memory and filesystem binary-data mode), prepared in
 * parallel; one execute-batch each; one `n8n start` for the trigger. `WAPPFLY_E2E_VERSIONS=1`
 * limits the run to one version; `WAPPFLY_E2E_KEEP=1` keeps the user folders for inspection.
 */
import type { IDataObject } from 'n8n-workflow';

import { statusHint } from '../../nodes/shared/errors';
import { childProcess, env, path, print, sleep } from '../support/node';
import {
	DEFAULT_TOKEN,
	SEED,
	startWappflyServer,
	type RecordedRequest,
	type WappflyServer,
} from '../server/wappfly-server';
import {
	EXAMPLE_CREDENTIALS,
	EXAMPLE_INVOICE_DIR,
	PROJECT_DIR,
	loadExamples,
	relocateFileReads,
	webhookPathOf,
	withManualStart,
	type Workflow,
} from './lib/examples';
import { conversationState, startFakeOpenAi } from './lib/fake-openai';
import { e2eVersions, ensureN8n } from './lib/install-n8n';
import * as n8n from './lib/n8n-instance';
import { filesUnder } from './support/files';
import { FIXTURES, encryptWhatsAppMedia, writeFixtures } from './support/media';
import {
	ALICE,
	ALL_OPERATIONS,
	BOB,
	GROUP,
	MAIN_CREDENTIAL,
	QUOTA_CREDENTIAL,
	WAPPFLY_NODE_TYPE,
	WAPPFLY_TOOL_TYPE,
	WAPPFLY_TRIGGER_TYPE,
	WRONG_TOKEN_CREDENTIAL,
	actionCases,
	binaryMediaCases,
	type ActionCase,
	type ActionCaseEnv,
} from './support/workflows';

const VERSIONS = e2eVersions();
const KEEP = env.WAPPFLY_E2E_KEEP === '1';

const MINUTE = 60_000;
// Real n8n processes: the slow steps sit in beforeAll hooks, with their own timeouts.
jest.setTimeout(2 * MINUTE);

// ---- the package, packed once for the whole e2e run (test/e2e/global-setup.js) ---------------

const tarball = (): Promise<string> => n8n.sharedTarball(PROJECT_DIR);

// ---- examples ---------------------------------------------------------------------------------

const EXAMPLES = Object.fromEntries(
	loadExamples().map(({ file, workflow }) => [file.replace(/\.json$/, ''), workflow]),
);
const example = (name: string): Workflow => {
	const workflow = EXAMPLES[name];
	if (!workflow) throw new Error(`examples/${name}.json is missing`);
	return workflow;
};

const AGENT_PROMPT = 'Check the latest messages, then send Alice "Hello from the AI agent".';
const AGENT_ANSWER = 'Done: I read the latest messages and sent Alice your message.';

/** Example workflows as the CLI can run them (file paths moved, triggers made manual). */
function runnableExamples(filesDir: string): Record<string, Workflow> {
	return {
		invoice: relocateFileReads(
			example('send-pdf-invoice'),
			EXAMPLE_INVOICE_DIR,
			path.join(filesDir, 'invoices'),
		),
		broadcast: withManualStart(example('daily-broadcast'), 'Every day at 9:00'),
		agent: withManualStart(example('ai-agent-whatsapp-tool'), 'When chat message received', {
			chatInput: AGENT_PROMPT,
			sessionId: 'e2e-session',
		}),
	};
}

// ---- a test-only trigger workflow -------------------------------------------------------------

/** The trigger's Webhook Secret option (a test value). */
const QUERY_WORD = ['e2e', 'trigger', 'word', '0123456789'].join('_');
const SECRET_TRIGGER: Workflow = {
	id: 'e2eTriggerSecret',
	name: 'E2E Wappfly Trigger with a secret',
	nodes: [
		{
			id: 'e2e-trigger-node',
			name: 'Wappfly Trigger',
			type: WAPPFLY_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: '9f0e2c1a-6b7d-4e8f-a1b2-c3d4e5f60718',
			parameters: { options: { webhookSecret: QUERY_WORD } },
			credentials: { wappflyApi: MAIN_CREDENTIAL },
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

// ---- helpers ----------------------------------------------------------------------------------

type UserFolder = n8n.UserFolder;
type ExecutionRecord = n8n.ExecutionRecord;
type Batch = Awaited<ReturnType<typeof n8n.executeWorkflowsBatch>>;

interface Folder {
	uf: UserFolder;
	api: WappflyServer;
	cases: ActionCase[];
	examples: Record<string, Workflow>;
	batch: Batch;
	/** What `api` had received when the batch ended. */
	requests: RecordedRequest[];
	seconds: Record<string, number>;
}

function randomToken(label: string): string {
	return `${label}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

async function timed<T>(seconds: Record<string, number>, label: string, work: () => Promise<T>) {
	const started = Date.now();
	try {
		return await work();
	} finally {
		seconds[label] = Math.round((Date.now() - started) / 100) / 10;
	}
}

/** Installs the tarball, imports credentials and workflows, runs the workflows in one batch. */
async function prepareFolder(
	uf: UserFolder,
	api: WappflyServer,
	credentials: Array<{ id: string; name: string; type: string; data: IDataObject }>,
	cases: ActionCase[],
	examples: Record<string, Workflow>,
	alsoImport: Workflow[],
): Promise<Folder> {
	const seconds: Record<string, number> = {};
	writeFixtures(uf.filesDir);
	const file = await tarball();
	await timed(seconds, 'install', () => n8n.installPackageTarball(uf, file));
	await timed(seconds, 'credentials', () => n8n.importCredentials(uf, credentials));
	const runnable = [...cases.map((c) => c.workflow), ...Object.values(examples)];
	await timed(seconds, 'workflows', () => n8n.importWorkflows(uf, [...runnable, ...alsoImport]));
	const batch = await timed(seconds, 'batch', () =>
		n8n.executeWorkflowsBatch(
			uf,
			runnable.map((w) => w.id),
			{ timeoutMs: 5 * MINUTE },
		),
	);
	return { uf, api, cases, examples, batch, requests: api.requests.slice(), seconds };
}

function executionOf(folder: Folder, workflowId: string): ExecutionRecord {
	const execution = folder.batch.results[workflowId];
	if (!execution) {
		throw new Error(
			`no execution of ${workflowId}; execute-batch said:\n${folder.batch.stdout.slice(-3000)}\n${folder.batch.stderr.slice(-3000)}`,
		);
	}
	return execution;
}

function describeFailure(execution: ExecutionRecord): string {
	const error = execution.error as { message?: string; description?: string } | undefined;
	return `${execution.status}: ${error?.message ?? ''} ${error?.description ?? ''} (last node ${execution.lastNodeExecuted})`;
}

function checkCase(folder: Folder, c: ActionCase): void {
	const execution = executionOf(folder, c.workflow.id);
	if (!c.fails && execution.status !== 'success') {
		throw new Error(`${c.workflow.id} did not succeed: ${describeFailure(execution)}`);
	}
	c.check({
		execution,
		output: (execution.json(c.node) ?? []) as IDataObject[],
		requests: folder.requests.filter(c.match),
		server: folder.api,
	});
}

function expectSuccess(execution: ExecutionRecord): void {
	if (execution.status !== 'success') throw new Error(describeFailure(execution));
}

function body(request: RecordedRequest): IDataObject {
	return (request.body ?? {}) as IDataObject;
}

// The names used in test titles: the cases are rebuilt with each folder's paths in beforeAll.
const PLACEHOLDER_ENV = {
	filesDir: '/files',
	jpegUrl: 'http://127.0.0.1/photo.jpg',
	wrongToken: 'x',
	quotaServer: undefined as unknown as WappflyServer,
} satisfies ActionCaseEnv;
const MEMORY_TITLES = actionCases(PLACEHOLDER_ENV).map((c) => c.title);
const FILESYSTEM_TITLES = binaryMediaCases('/files', 'filesystem').map((c) => c.title);

test('the typings of the JS helpers in lib/ match their JSDoc (node test/e2e/lib/make-types.js)', () => {
	const check = childProcess.spawnSync(
		'node',
		[path.join(PROJECT_DIR, 'test', 'e2e', 'lib', 'make-types.js'), '--check'],
		{ encoding: 'utf8', timeout: MINUTE },
	);
	expect(`${check.status} ${check.stderr}`).toBe('0 ');
});

test('the suite covers every operation of the node', () => {
	const covered = new Set(actionCases(PLACEHOLDER_ENV).flatMap((c) => c.covers));
	expect(ALL_OPERATIONS.filter((op) => !covered.has(op))).toEqual([]);
	expect(ALL_OPERATIONS).toHaveLength(14);
});

test('every example is a complete workflow that uses our nodes, with no secret in it', () => {
	const names = Object.keys(EXAMPLES).sort();
	expect(names).toEqual([
		'ai-agent-whatsapp-tool',
		'auto-reply',
		'daily-broadcast',
		'forward-inbound-images',
		'send-pdf-invoice',
	]);
	const ids = new Set<string>();
	for (const [name, workflow] of Object.entries(EXAMPLES)) {
		expect(workflow.id).toMatch(/^[A-Za-z0-9]{16}$/);
		expect(ids.has(workflow.id)).toBe(false);
		ids.add(workflow.id);
		expect(workflow.name).toMatch(/^Wappfly: /);
		const ours = workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-wappfly.'));
		expect(ours.length).toBeGreaterThan(0);
		for (const node of ours) {
			expect(node.credentials).toEqual({
				wappflyApi: { id: EXAMPLE_CREDENTIALS.wappfly.id, name: EXAMPLE_CREDENTIALS.wappfly.name },
			});
		}
		// Every connection joins two nodes of the workflow; every node but notes is connected.
		const nodeNames = new Set(workflow.nodes.map((n) => n.name));
		const linked = new Set<string>();
		for (const [source, outputs] of Object.entries(workflow.connections)) {
			linked.add(source);
			for (const branches of Object.values(outputs as Record<string, unknown[][]>)) {
				for (const target of branches.flat() as Array<{ node: string }>) linked.add(target.node);
			}
		}
		expect([...linked].filter((n) => !nodeNames.has(n))).toEqual([]);
		expect(
			workflow.nodes
				.filter((n) => n.type !== 'n8n-nodes-base.stickyNote' && !linked.has(n.name))
				.map((n) => n.name),
		).toEqual([]);
		const text = JSON.stringify(workflow);
		expect(text).not.toContain(DEFAULT_TOKEN);
		expect(text).not.toMatch(/apiToken|apiKey|sk-[A-Za-z0-9]{20,}/);
		expect(`${name}: ${text}`).not.toMatch(/"webhookSecret":\s*"[^"]/);
	}
});

describe.each(VERSIONS)('n8n %s.x', (line) => {
	const tokens = {
		main: randomToken('e2e-main-token'),
		filesystem: randomToken('e2e-fs-token'),
		quota: randomToken('e2e-quota-token'),
		wrong: randomToken('e2e-wrong-token'),
		openAi: randomToken('sk-e2e-openai'),
	};
	const servers: Array<{ close(): Promise<void> }> = [];
	const folders: UserFolder[] = [];
	let memory: Folder;
	let filesystem: Folder;
	let quota: WappflyServer;
	let ai: Awaited<ReturnType<typeof startFakeOpenAi>>;
	let n8nVersion = '';
	let started = Date.now();

	beforeAll(async () => {
		started = Date.now();
		const install = await ensureN8n(line);
		n8nVersion = `${install.n8nVersion} on Node ${install.nodeVersion}`;
		const api = await startWappflyServer({ token: tokens.main });
		const fsApi = await startWappflyServer({ token: tokens.filesystem });
		// Its quota is used up.
		quota = await startWappflyServer({ token: tokens.quota, quota: 5000, requestsUsed: 5000 });
		ai = await startFakeOpenAi({
			respond: (request) => {
				const { toolResults } = conversationState(request);
				const tool = (pattern: RegExp) => {
					const found = request.tools?.find((t) => pattern.test(t.function.name));
					if (!found) throw new Error(`no tool matching ${pattern}`);
					return found.function.name;
				};
				if (toolResults.length === 0) {
					return { toolCalls: [{ name: tool(/recent/i), arguments: { limit: 4 } }] };
				}
				if (toolResults.length === 1) {
					return {
						toolCalls: [
							{
								name: tool(/send/i),
								arguments: { to: '+1 555 123 4567', text: 'Hello from the AI agent' },
							},
						],
					};
				}
				return { text: AGENT_ANSWER };
			},
		});
		servers.push(api, fsApi, quota, ai);

		const memoryUf = await n8n.createUserFolder(install, { binaryMode: 'default' });
		const filesystemUf = await n8n.createUserFolder(install, { binaryMode: 'filesystem' });
		folders.push(memoryUf, filesystemUf);

		const jpegUrl = api.addFile('/e2e-media/photo.jpg', {
			body: FIXTURES.jpeg.bytes,
			contentType: FIXTURES.jpeg.mimeType,
			fileName: FIXTURES.jpeg.fileName,
		});
		const wappflyCredential = (server: WappflyServer) => ({
			...MAIN_CREDENTIAL,
			type: 'wappflyApi',
			data: { apiToken: server.token, baseUrl: server.url },
		});
		const memoryCredentials = [
			wappflyCredential(api),
			{
				...QUOTA_CREDENTIAL,
				type: 'wappflyApi',
				data: { apiToken: quota.token, baseUrl: quota.url },
			},
			{
				...WRONG_TOKEN_CREDENTIAL,
				type: 'wappflyApi',
				data: { apiToken: tokens.wrong, baseUrl: api.url },
			},
			{
				id: EXAMPLE_CREDENTIALS.openAi.id,
				name: EXAMPLE_CREDENTIALS.openAi.name,
				type: 'openAiApi',
				data: { apiKey: tokens.openAi, url: `${ai.url}/v1` },
			},
		];
		const memoryCases = actionCases({
			filesDir: memoryUf.filesDir,
			jpegUrl,
			wrongToken: tokens.wrong,
			quotaServer: quota,
		});
		const memoryExamples = runnableExamples(memoryUf.filesDir);
		const filesystemExamples = { invoice: runnableExamples(filesystemUf.filesDir).invoice };

		[memory, filesystem] = await Promise.all([
			prepareFolder(memoryUf, api, memoryCredentials, memoryCases, memoryExamples, [
				SECRET_TRIGGER,
				example('auto-reply'),
				example('forward-inbound-images'),
			]),
			prepareFolder(
				filesystemUf,
				fsApi,
				[wappflyCredential(fsApi)],
				binaryMediaCases(filesystemUf.filesDir, 'filesystem'),
				filesystemExamples,
				[],
			),
		]);
		print(
			`[e2e] n8n ${n8nVersion}: prepared in ${Math.round((Date.now() - started) / 1000)} s ` +
				`(memory ${JSON.stringify(memory.seconds)}, filesystem ${JSON.stringify(filesystem.seconds)})`,
		);
	}, 12 * MINUTE);

	afterAll(async () => {
		await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
		if (!KEEP) for (const uf of folders) n8n.removeUserFolder(uf);
		print(`[e2e] n8n ${n8nVersion}: ${Math.round((Date.now() - started) / 1000)} s in all`);
	});

	describe('every operation, run by execute-batch (binary data in memory)', () => {
		test.each(MEMORY_TITLES)('%s', (title) => {
			const c = memory.cases.find((x) => x.title === title);
			if (!c) throw new Error(`no case ${title}`);
			checkCase(memory, c);
		});
	});

	describe('binary data on disk (N8N_DEFAULT_BINARY_DATA_MODE=filesystem)', () => {
		test.each(FILESYSTEM_TITLES)('%s', (title) => {
			const c = filesystem.cases.find((x) => x.title === title);
			if (!c) throw new Error(`no case ${title}`);
			checkCase(filesystem, c);
		});

		test("the files were held in n8n's filesystem binary store, not in the execution", () => {
			for (const c of filesystem.cases) {
				const items = executionOf(filesystem, c.workflow.id).lastNodeOutput('Read file') ?? [];
				expect(items).toHaveLength(1);
				const binary = items[0].binary.data;
				expect(binary.id).toMatch(/^filesystem(-v2)?:/);
				expect(binary.data).not.toEqual(expect.stringMatching(/^[A-Za-z0-9+/]{100}/));
			}
			for (const c of memory.cases.filter((x) =>
				x.workflow.nodes.some((n) => n.name === 'Read file'),
			)) {
				const items = executionOf(memory, c.workflow.id).lastNodeOutput('Read file') ?? [];
				expect(items[0].binary.data.id).toBeUndefined();
			}
		});
	});

	describe('examples/send-pdf-invoice.json', () => {
		test.each(['memory', 'filesystem'])('sends the PDF read from disk (%s binary mode)', (mode) => {
			const folder = mode === 'memory' ? memory : filesystem;
			const workflow = folder.examples.invoice;
			const execution = executionOf(folder, workflow.id);
			expectSuccess(execution);
			const sent = folder.requests.filter(
				(r) => r.path === '/api/messages/document' && r.file?.sha256 === FIXTURES.invoice.sha256,
			);
			expect(sent).toHaveLength(1);
			expect(sent[0].file).toEqual({
				bytes: FIXTURES.invoice.bytes.length,
				sha256: FIXTURES.invoice.sha256,
			});
			expect(body(sent[0])).toMatchObject({
				to: ALICE,
				filename: 'invoice-1001.pdf',
				mimetype: 'application/pdf',
				caption: 'Hi Alice, here is your invoice 1001 (EUR 149.00). Thank you for your order!',
			});
			expect(execution.json('Send invoice')).toEqual([
				{ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) },
			]);
		});
	});

	describe('examples/daily-broadcast.json (Schedule Trigger replaced by a Manual Trigger)', () => {
		test('sends one message per recipient, in order, paced by Options > Pacing', () => {
			const execution = executionOf(memory, memory.examples.broadcast.id);
			expectSuccess(execution);
			const sends = memory.requests.filter(
				(r) => r.path === '/api/messages/send' && String(body(r).text).startsWith('Good morning'),
			);
			expect(sends.map((r) => [body(r).to, String(body(r).text).split('!')[0], r.status])).toEqual([
				[ALICE, 'Good morning Alice', 200],
				[BOB, 'Good morning Bob', 200],
				['4915112345678@s.whatsapp.net', 'Good morning Carla', 200],
			]);
			// The example asks for 3000 ms plus a random extra: a lower bound only.
			for (let i = 1; i < sends.length; i++) {
				expect(sends[i].receivedAt - sends[i - 1].receivedAt).toBeGreaterThanOrEqual(3000);
			}
			const output = execution.lastNodeOutput('Send the daily message') ?? [];
			expect(output.map((item) => [item.json.queued, item.pairedItem])).toEqual(
				[0, 1, 2].map((item) => [true, { item }]),
			);
		});
	});

	describe('examples/ai-agent-whatsapp-tool.json (scripted model, real tools)', () => {
		test('the agent gets both Wappfly tools with their $fromAI parameters and uses them', () => {
			const execution = executionOf(memory, memory.examples.agent.id);
			expectSuccess(execution);
			expect(execution.json('AI Agent')).toEqual([{ output: AGENT_ANSWER }]);

			const [first] = ai.requests;
			expect(first.messages.map((m) => m.role)).toEqual(['system', 'user']);
			expect(first.messages[1].content).toBe(AGENT_PROMPT);
			const tools = Object.fromEntries(
				(first.tools ?? []).map((t) => [t.function.name, t.function.parameters]),
			);
			expect(tools.Send_WhatsApp_message).toMatchObject({
				properties: { to: { type: 'string' }, text: { type: 'string' } },
				required: expect.arrayContaining(['to', 'text']),
			});
			expect(tools.Read_recent_WhatsApp_messages).toMatchObject({
				properties: { limit: { type: 'number' } },
			});

			const reads = memory.requests.filter(
				(r) => r.path === '/api/messages/recent' && r.query.limit === '4',
			);
			expect(reads.map((r) => r.status)).toEqual([200]);
			const sends = memory.requests.filter(
				(r) => r.path === '/api/messages/send' && body(r).text === 'Hello from the AI agent',
			);
			expect(sends.map((r) => [body(r).to, r.status])).toEqual([[ALICE, 200]]);

			// The tool results went back to the model: the recent messages, then the queued send.
			const last = ai.requests[ai.requests.length - 1];
			const results = last.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
			expect(results).toHaveLength(2);
			expect(results[1]).toContain('"queued":true');
			expect(ai.requests).toHaveLength(3);
		});
	});

	describe('a running n8n: the Wappfly Trigger and the trigger examples', () => {
		let server: Awaited<ReturnType<typeof n8n.startN8n>>;
		let nodeTypes: string[] = [];
		const webhookUrl = (workflow: Workflow) => `${server.url}webhook/${webhookPathOf(workflow)}`;

		beforeAll(async () => {
			const uf = memory.uf;
			const triggers = [SECRET_TRIGGER, example('auto-reply'), example('forward-inbound-images')];
			await n8n.activateWorkflows(
				uf,
				triggers.map((w) => w.id),
			);
			server = await n8n.startN8n(uf, { ui: true });
			for (const workflow of triggers) await server.waitForWebhook(webhookPathOf(workflow));
			nodeTypes = await n8n.listNodeTypes(uf);
		}, 5 * MINUTE);

		afterAll(async () => {
			await server?.stop();
		});

		test('n8n loaded the node, its tool variant, the trigger and every node the examples use', () => {
			expect(nodeTypes).toEqual(
				expect.arrayContaining([WAPPFLY_NODE_TYPE, WAPPFLY_TOOL_TYPE, WAPPFLY_TRIGGER_TYPE]),
			);
			const used = new Set(Object.values(EXAMPLES).flatMap((w) => w.nodes.map((n) => n.type)));
			expect([...used].filter((type) => !nodeTypes.includes(type))).toEqual([]);
			expect(server.log()).not.toMatch(/Failed to load package|Unrecognized node type/i);
		});

		test('a wrong or missing secret, or another line, starts nothing; the right one gives the simplified item', async () => {
			const url = webhookUrl(SECRET_TRIGGER);
			const envelope = quota.inboundEnvelope({
				id: SEED.incomingMsgId,
				text: 'merhaba',
				pushName: 'Alice',
			});
			const post = (query: string, payload: object = envelope) =>
				quota.sendInbound(url, payload, query);

			const refused = { status: 401, body: expect.stringContaining('Unauthorized') };
			expect(await post('')).toEqual(refused);
			expect(await post(`secret=${QUERY_WORD}x`)).toEqual(refused);
			expect(await post(`secret=${QUERY_WORD.slice(0, -1)}`)).toEqual(refused);
			const otherLine = quota.inboundEnvelope({ id: SEED.incomingMsgId, sessionId: 9 });
			expect(await post(`secret=${QUERY_WORD}`, otherLine)).toEqual({
				status: 403,
				body: expect.stringContaining('Forbidden'),
			});
			const ok = await post(`secret=${encodeURIComponent(QUERY_WORD)}`);
			expect(ok).toEqual({ status: 200, body: expect.stringContaining('Workflow was started') });
			expect(ok.body).not.toContain(QUERY_WORD);

			const [execution] = await server.waitForExecutions({ workflowId: SECRET_TRIGGER.id });
			await sleep(1000);
			const all = await server.readExecutions({ workflowId: SECRET_TRIGGER.id });
			expect(all).toHaveLength(1);
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			const m = envelope.data.messages;
			expect(execution.json('Wappfly Trigger')).toEqual([
				{
					messageId: SEED.incomingMsgId,
					chatJid: ALICE,
					isGroup: false,
					from: '15551234567',
					fromJid: ALICE,
					senderName: 'Alice',
					type: 'text',
					text: 'merhaba',
					mimeType: null,
					fileName: null,
					quotedMessageId: null,
					timestamp: new Date(m.messageTimestamp * 1000).toISOString(),
					sessionId: 8,
				},
			]);
			expect(JSON.stringify(execution.runData)).not.toContain(QUERY_WORD);
		});

		test('examples/auto-reply.json answers a customer, quoting the message; group messages are left alone', async () => {
			const url = webhookUrl(example('auto-reply'));
			const fromGroup = quota.inboundEnvelope({
				group: GROUP,
				from: '447700900123',
				pushName: 'Bob',
				text: 'hi all',
			});
			expect((await quota.sendInbound(url, fromGroup)).status).toBe(200);
			const envelope = quota.inboundEnvelope({
				id: SEED.incomingMsgId,
				text: 'merhaba',
				pushName: 'Alice',
			});
			expect((await quota.sendInbound(url, envelope)).status).toBe(200);

			const [execution] = await server.waitForExecutions({ workflowId: example('auto-reply').id });
			expectSuccess(execution);
			await sleep(1000);
			expect(await server.readExecutions({ workflowId: example('auto-reply').id })).toHaveLength(1);
			const replies = memory.api.requests.filter(
				(r) => r.path === '/api/messages/reply' && String(body(r).text).startsWith('Hi '),
			);
			expect(replies.map((r) => [body(r), r.status])).toEqual([
				[
					{
						to: ALICE,
						quoted_msg_id: SEED.incomingMsgId,
						text: 'Hi Alice, thanks for your message! We got it and will get back to you shortly.',
					},
					200,
				],
			]);
			expect(execution.json('Reply')).toEqual([
				{ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) },
			]);
		});

		test('examples/forward-inbound-images.json decrypts an inbound image and forwards it; a broken one becomes a text', async () => {
			const workflow = example('forward-inbound-images');
			const url = webhookUrl(workflow);
			const plain = FIXTURES.inboundJpeg;
			const encrypted = encryptWhatsAppMedia(plain.bytes, 'image');
			// Served from the trigger credential's Wappfly origin: the trigger fetches media only
			// from there or over https from WhatsApp's servers, which a test cannot play.
			const cdnUrl = memory.api.addFile('/mms/image/e2e-inbound.enc', {
				body: encrypted.file,
				contentType: 'application/octet-stream',
			});
			const imageMessage = (fileUrl: string) => ({
				imageMessage: {
					url: fileUrl,
					mimetype: 'image/jpeg',
					caption: 'Look at this',
					fileSha256: encrypted.fileSha256,
					fileEncSha256: encrypted.fileEncSha256,
					fileLength: String(encrypted.fileLength),
					mediaKey: encrypted.mediaKey,
					directPath: '/mms/image/e2e-inbound.enc',
				},
			});
			const inbound = (id: string, fileUrl: string) =>
				quota.inboundEnvelope({
					id,
					from: '447700900123',
					pushName: 'Bob',
					text: 'Look at this',
					messageBody: 'Look at this',
					message: imageMessage(fileUrl),
				});

			// A text message does not pass the Message Types filter.
			expect(
				(await quota.sendInbound(url, quota.inboundEnvelope({ text: 'just text' }))).status,
			).toBe(200);
			expect((await quota.sendInbound(url, inbound('E2EIMAGE0000000000A1', cdnUrl))).status).toBe(
				200,
			);
			const [first] = await server.waitForExecutions({ workflowId: workflow.id });
			expectSuccess(first);
			const trigger = first.lastNodeOutput('Wappfly Trigger') ?? [];
			expect(trigger[0].json).toMatchObject({
				type: 'image',
				from: '447700900123',
				text: 'Look at this',
				mimeType: 'image/jpeg',
			});
			expect(trigger[0].binary.data).toMatchObject({ mimeType: 'image/jpeg' });

			const forwarded = memory.api.requests.filter(
				(r) => r.path === '/api/messages/image' && r.file?.sha256 === plain.sha256,
			);
			expect(forwarded).toHaveLength(1);
			expect(forwarded[0].file).toEqual({ bytes: plain.bytes.length, sha256: plain.sha256 });
			expect(body(forwarded[0])).toMatchObject({
				to: BOB,
				mimetype: 'image/jpeg',
				caption: 'Image from Bob (+447700900123): Look at this',
			});

			// The same message with a tampered file: the message still comes out, as a text.
			const tampered = Buffer.from(encrypted.file);
			tampered[10] ^= 0xff;
			const brokenUrl = memory.api.addFile('/mms/image/e2e-tampered.enc', { body: tampered });
			expect(
				(await quota.sendInbound(url, inbound('E2EIMAGE0000000000B2', brokenUrl))).status,
			).toBe(200);
			const runs = await server.waitForExecutions({ workflowId: workflow.id, count: 2 });
			expect(runs).toHaveLength(2);
			const second = runs[1];
			expectSuccess(second);
			expect(second.json('Wappfly Trigger')?.[0].mediaError).toMatch(
				/^Could not attach the image: /,
			);
			expect(second.json('Forward the image')).toBeUndefined();
			const texts = memory.api.requests.filter(
				(r) =>
					r.path === '/api/messages/send' &&
					String(body(r).text).includes('could not be downloaded'),
			);
			expect(texts.map((r) => [body(r).to, r.status])).toEqual([[BOB, 200]]);
			expect(String(body(texts[0]).text)).toContain('E2EIMAGE0000000000B2');
		});
	});

	test('no API token appears in any execution, database file, log or output of n8n', async () => {
		const secrets = Object.values(tokens);
		for (const folder of [memory, filesystem]) {
			const executions = await n8n.readExecutions(folder.uf);
			expect(executions.length).toBeGreaterThan(0);
			// Runs last: the trigger's executions (mode webhook) are among those scanned.
			if (folder === memory) expect(executions.some((e) => e.mode === 'webhook')).toBe(true);
			const data = JSON.stringify(executions.map((e) => e.data));
			const files = filesUnder(folder.uf.dir);
			expect(files.some((f) => path.basename(f.file) === 'database.sqlite')).toBe(true);
			const outputs = [folder.batch.stdout, folder.batch.stderr];
			for (const secret of secrets) {
				expect(data).not.toContain(secret);
				expect(files.filter((f) => f.text.includes(secret)).map((f) => f.file)).toEqual([]);
				for (const text of outputs) expect(text).not.toContain(secret);
			}
		}
		// The error the user saw for the wrong token names the fix, not the token.
		expect(statusHint(401)).not.toContain(tokens.wrong);
	});
});
