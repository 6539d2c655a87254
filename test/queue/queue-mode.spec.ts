/**
 * Queue mode, end to end (`npm run test:queue`; not part of `npm test`: it needs PostgreSQL and
 * Redis from the machine's packages, and fails, saying what to install, when one is missing).
 *
 * Per n8n version (1.x on Node 20, 2.x on Node 24, the pinned installs of the e2e suite): a real
 * PostgreSQL and a real Redis, started here on loopback; `EXECUTIONS_MODE=queue` with one main
 * (`n8n start`), one worker (`n8n worker`) and one webhook process (`n8n webhook`), each with its
 * own user folder and our package installed there from its tarball, as on three hosts; the same
 * encryption key, database, Redis and binary data folder (`N8N_DEFAULT_BINARY_DATA_MODE=
 * filesystem`, on a folder all three share) for all three.
 *
 * The workflows are activated on main and started by POSTs to the webhook process's production
 * URLs. What the worker ran is read from its own log ("Worker started execution <id>"), and proved
 * once by cause: before any worker runs, a POST only leaves a job waiting in Redis.
 *
 * Files are named `*.spec.ts` so that the default jest config (`*.test.ts`) never picks them up;
 * `jest.queue.config.js` runs them. `WAPPFLY_E2E_VERSIONS=1` limits the run to one n8n version,
 * `WAPPFLY_E2E_KEEP=1` keeps the folders (databases are dropped with their server).
 */
import type { IDataObject } from 'n8n-workflow';

import { crypto, env, fs, path, print, sleep } from '../support/node';
import {
	startWappflyServer,
	type RecordedRequest,
	type WappflyServer,
} from '../server/wappfly-server';
import {
	EXAMPLE_INVOICE_DIR,
	PROJECT_DIR,
	loadExamples,
	relocateFileReads,
	webhookPathOf,
	withWebhookStart,
	type Workflow,
} from '../e2e/lib/examples';
import { e2eVersions, ensureN8n, type N8nInstall } from '../e2e/lib/install-n8n';
import * as n8n from '../e2e/lib/n8n-instance';
import * as queue from '../e2e/lib/queue-mode';
import {
	findPostgres,
	findRedis,
	redisCommand,
	startPostgres,
	startRedis,
	type PostgresServer,
	type RedisServer,
} from '../e2e/lib/services';
import { filesUnder } from '../e2e/support/files';
import { FIXTURES, encryptWhatsAppMedia, sha256, writeFixtures } from '../e2e/support/media';
import {
	ALICE,
	BOB,
	MAIN_CREDENTIAL,
	NEWEST_SEED_ID,
	WAPPFLY_NODE_TYPE,
	WAPPFLY_TRIGGER_TYPE,
	actionCases,
	byId,
	linearWorkflow,
	pollingWorkflow,
	wappflyNode,
	type ActionCase,
} from '../e2e/support/workflows';

const VERSIONS = e2eVersions();

type BinaryMode = 'filesystem' | 'database';
/**
 * Each n8n line with binary data on a folder all three processes share; n8n 2.x also in `database`
 * mode, its default in queue mode (n8n's documentation supports only that, or S3, in queue mode).
 */
const SETUPS: Array<[line: '1' | '2', binaryMode: BinaryMode]> = (
	[
		['1', 'filesystem'],
		['2', 'filesystem'],
		['2', 'database'],
	] as Array<['1' | '2', BinaryMode]>
).filter(([line]) => VERSIONS.includes(line));
const KEEP = env.WAPPFLY_E2E_KEEP === '1';

const MINUTE = 60_000;
jest.setTimeout(3 * MINUTE);

// ---- the package, packed once -----------------------------------------------------------------

let packing: Promise<string> | undefined;
function tarball(): Promise<string> {
	packing ??= n8n.packPackage(PROJECT_DIR);
	return packing;
}

// ---- PostgreSQL and Redis, one of each for the whole file -------------------------------------

let pg: PostgresServer | undefined;
let redis: RedisServer | undefined;

beforeAll(async () => {
	pg = await startPostgres();
	redis = await startRedis();
	print(
		`[queue] ${pg.version} on port ${pg.port}; ${redis.version.split(' sha=')[0]} on port ${redis.port}`,
	);
}, 2 * MINUTE);

afterAll(async () => {
	await Promise.all([redis?.stop(), pg?.stop()]);
	const file = await packing?.catch(() => undefined);
	if (file && !KEEP) fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('PostgreSQL and Redis come from the machine and run on loopback with their own folders', async () => {
	expect(findPostgres().version).toMatch(/^postgres \(PostgreSQL\) \d+/);
	expect(findRedis().version).toMatch(/^Redis server v=\d+/);
	expect(pg?.host).toBe('127.0.0.1');
	expect(await pg!.psql('postgres', "SELECT current_setting('listen_addresses')")).toBe(
		'127.0.0.1\n',
	);
	expect(fs.existsSync(path.join(pg!.dir, 'data', 'PG_VERSION'))).toBe(true);
	expect(await redisCommand(redis!, ['CONFIG', 'GET', 'bind'])).toEqual(['bind', '127.0.0.1']);
	expect(await redisCommand(redis!, ['CONFIG', 'GET', 'dir'])).toEqual(['dir', redis!.dir]);
});

// ---- workflows --------------------------------------------------------------------------------

const EXAMPLES = Object.fromEntries(
	loadExamples().map(({ file, workflow }) => [file.replace(/\.json$/, ''), workflow]),
);

/** Text with multi-byte characters: it crosses the webhook, the queue and the worker unchanged. */
const TEXT = 'Queue mode ✓: ünïcödé, 日本語 and 🚀, sent by the worker';

const WEBHOOK_IDS = {
	text: '5b1e7c7e-2f0a-4c55-9f0e-0a1b2c3d4e01',
	invoice: '5b1e7c7e-2f0a-4c55-9f0e-0a1b2c3d4e02',
	continueOnFail: '5b1e7c7e-2f0a-4c55-9f0e-0a1b2c3d4e03',
	trigger: '5b1e7c7e-2f0a-4c55-9f0e-0a1b2c3d4e04',
};

const SEND_TEXT = withWebhookStart(
	linearWorkflow('queueSendText001', 'Queue: send the text of the POST', [
		wappflyNode('Send', {
			resource: 'message',
			operation: 'sendText',
			to: byId('+1 555 123 4567'),
			text: '={{ $json.body.text }}',
		}),
	]),
	WEBHOOK_IDS.text,
);

function invoiceWorkflow(filesDir: string): Workflow {
	const relocated = relocateFileReads(
		EXAMPLES['send-pdf-invoice'],
		EXAMPLE_INVOICE_DIR,
		path.join(filesDir, 'invoices'),
	);
	return { ...withWebhookStart(relocated, WEBHOOK_IDS.invoice), id: 'queueInvoice0001' };
}

/** The e2e suite's Continue On Fail case (3 items: sent, API error, bad number), started by POST. */
function continueOnFailCase(): ActionCase {
	const placeholder = undefined as unknown as WappflyServer;
	const found = actionCases({
		filesDir: '/unused',
		jpegUrl: 'http://127.0.0.1/unused',
		wrongToken: 'unused',
		quotaServer: placeholder,
	}).find((c) => c.title.startsWith('Continue On Fail'));
	if (!found) throw new Error('the e2e suite has no Continue On Fail case');
	return { ...found, workflow: withWebhookStart(found.workflow, WEBHOOK_IDS.continueOnFail) };
}

/** The trigger's Webhook Secret (a test value). */
const SECRET = ['queue', 'trigger', 'secret', '0123456789'].join('_');

/** Wappfly Trigger (secret, Verify Session, Download Media) -> forward the image from the worker. */
const TRIGGER_WORKFLOW: Workflow = {
	// n8n 1.x saves static data only for workflow ids of at most 16 characters (its own length).
	id: 'queueTriggerMed1',
	name: 'Queue: Wappfly Trigger with media, forwarded by the worker',
	nodes: [
		{
			id: 'queue-trigger-node',
			name: 'Wappfly Trigger',
			type: WAPPFLY_TRIGGER_TYPE,
			typeVersion: 1,
			position: [0, 0],
			webhookId: WEBHOOK_IDS.trigger,
			parameters: {
				events: ['messages.received'],
				filters: { messageTypes: ['image'] },
				options: { webhookSecret: SECRET, verifySession: true, downloadMedia: true },
			},
			credentials: { wappflyApi: MAIN_CREDENTIAL },
		},
		{
			id: 'queue-forward-node',
			name: 'Forward the image',
			type: WAPPFLY_NODE_TYPE,
			typeVersion: 1,
			position: [220, 0],
			parameters: {
				resource: 'message',
				operation: 'sendImage',
				to: byId('+44 7700 900123'),
				mediaSource: 'binary',
				binaryPropertyName: 'data',
				options: { caption: '=Forwarded by the worker: {{ $json.text }}' },
			},
			credentials: { wappflyApi: MAIN_CREDENTIAL },
		},
	],
	connections: {
		'Wappfly Trigger': {
			main: [[{ node: 'Forward the image', type: 'main', index: 0 }]],
		},
	},
	settings: { executionOrder: 'v1' },
};

const POLLING_NAME = 'New WhatsApp messages';
/** Wappfly Polling Trigger (every 5 s) -> No Op: polled by main, its executions run by the worker. */
const POLLING_WORKFLOW = pollingWorkflow(
	'queuePollingTrg1',
	'Queue: Wappfly Polling Trigger',
	POLLING_NAME,
);

// ---- helpers ----------------------------------------------------------------------------------

function randomToken(label: string): string {
	return `${label}-${crypto.randomBytes(16).toString('hex')}`;
}

function body(request: RecordedRequest): IDataObject {
	return (request.body ?? {}) as IDataObject;
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---- one queue-mode n8n per version -----------------------------------------------------------

describe.each(SETUPS)(
	'n8n %s.x in queue mode (main, worker, webhook), binary data: %s',
	(line, binaryMode) => {
		const tokens = { main: randomToken('queue-main-token') };
		let install: N8nInstall;
		let cluster: queue.QueueCluster | undefined;
		let api: WappflyServer | undefined;
		let main: queue.QueueProcess | undefined;
		let webhook: queue.QueueProcess | undefined;
		let worker: queue.QueueProcess | undefined;
		let invoice: Workflow;
		const cof = continueOnFailCase();
		let n8nVersion = '';
		let started = Date.now();

		/**
		 * Every poll (`GET /api/messages/recent`, only the Polling Trigger reads it): the process
		 * that opened its connection, found while the connection was open.
		 */
		const polls: Array<{ pid?: number; command?: string; at: number }> = [];

		/** What was there after the first POST, before any worker ran. */
		let beforeWorker: {
			status: number;
			waitingJobs: string[];
			jobData: { executionId?: string };
			executions: Array<{ id: string; status: string }>;
			sends: number;
		};

		const productionUrl = (webhookPath: string) => `${webhook!.url}webhook/${webhookPath}`;
		const db = () => cluster!.db;
		const executions = (workflowId: string) =>
			queue.readExecutionsPg(install, db(), { workflowId });
		const waitForExecutions = (workflowId: string, count = 1) =>
			queue.waitForExecutionsPg(install, db(), { workflowId, count, timeoutMs: 2 * MINUTE });

		/**
		 * SHA-256 of the bytes n8n stored for a binary data id: a file in the shared folder
		 * (`filesystem-v2:workflows/...`), or a row of the `binary_data` table (`database:<uuid>`).
		 */
		async function storedSha256(id: string): Promise<string> {
			const [mode, fileId] = id.split(':');
			if (binaryMode === 'filesystem') {
				expect(mode).toMatch(/^filesystem(-v2)?$/);
				return sha256(fs.readFileSync(path.join(cluster!.binaryDataDir, fileId)));
			}
			expect(mode).toBe('database');
			const rows = await queue.queryPostgres(
				install,
				db(),
				`SELECT encode(sha256(data), 'hex') AS sha256 FROM binary_data WHERE "fileId" = $1`,
				[fileId],
			);
			expect(rows).toHaveLength(1);
			return rows[0].sha256 as string;
		}

		/** The one request to `route` that carried these exact bytes (decoded from its base64). */
		function sentOnce(route: string, file: { bytes: Buffer; sha256: string }): RecordedRequest {
			const sent = api!.requests.filter((r) => r.path === route && r.file?.sha256 === file.sha256);
			expect(sent).toHaveLength(1);
			expect(sent[0].file).toEqual({ bytes: file.bytes.length, sha256: file.sha256 });
			return sent[0];
		}

		/** n8n's own record of where an execution ran: the worker's log, and only the worker's. */
		async function expectRanOnWorker(executionId: string): Promise<void> {
			const id = escapeRegExp(executionId);
			const finished = new RegExp(`Worker finished execution ${id} \\(job \\d+\\)`);
			// The worker saves the execution as finished a moment before it logs so: wait for the line.
			for (const until = Date.now() + 30_000; !finished.test(worker!.log()) && Date.now() < until; )
				await sleep(200);
			expect(worker!.log()).toMatch(new RegExp(`Worker started execution ${id} \\(job \\d+\\)`));
			expect(worker!.log()).toMatch(finished);
			for (const other of [main!, webhook!]) {
				expect(other.log()).not.toMatch(new RegExp(`started execution ${id}\\b`, 'i'));
			}
			expect(webhook!.log()).toMatch(new RegExp(`Enqueued execution ${id} \\(job \\d+\\)`));
		}

		beforeAll(async () => {
			started = Date.now();
			if (!pg || !redis) throw new Error('PostgreSQL or Redis did not start (see above)');
			install = await ensureN8n(line);
			n8nVersion = `${install.n8nVersion} on Node ${install.nodeVersion}`;
			api = await startWappflyServer({
				token: tokens.main,
				onRequest: (req) => {
					if (!(req.url ?? '').startsWith('/api/messages/recent')) return;
					const owner = queue.loopbackClientProcess(
						req.socket.remotePort ?? 0,
						req.socket.localPort ?? 0,
					);
					polls.push({ pid: owner?.pid, command: owner?.command, at: Date.now() });
				},
			});

			const database = `n8n_${line}_${binaryMode}`;
			await pg.createDatabase(database);
			cluster = await queue.createQueueUserFolders(install, { pg, redis, database, binaryMode });
			writeFixtures(cluster.filesDir);
			invoice = invoiceWorkflow(cluster.filesDir);

			const tgz = await tarball();
			const { folders } = cluster;
			for (const uf of [folders.main, folders.worker, folders.webhook]) {
				await n8n.installPackageTarball(uf, tgz);
			}
			// The database is shared: importing through one process's folder serves all three.
			await n8n.importCredentials(folders.main, [
				{ ...MAIN_CREDENTIAL, type: 'wappflyApi', data: { apiToken: api.token, baseUrl: api.url } },
			]);
			const workflows = [SEND_TEXT, invoice, cof.workflow, TRIGGER_WORKFLOW, POLLING_WORKFLOW];
			await n8n.importWorkflows(folders.main, workflows);
			await n8n.activateWorkflows(
				folders.main,
				workflows.map((w) => w.id),
			);

			const webhookPort = await n8n.getFreePort();
			main = await queue.startQueueProcess(folders.main, 'main', {
				webhookUrl: `http://127.0.0.1:${webhookPort}/`,
			});
			for (const webhookPath of [
				WEBHOOK_IDS.text,
				WEBHOOK_IDS.invoice,
				WEBHOOK_IDS.continueOnFail,
				webhookPathOf(TRIGGER_WORKFLOW),
			]) {
				await queue.waitForWebhookPg(install, db(), webhookPath);
			}
			webhook = await queue.startQueueProcess(folders.webhook, 'webhook', { port: webhookPort });

			// No worker yet: the POST is answered, and the execution waits in Redis.
			const post = await api.sendInbound(productionUrl(WEBHOOK_IDS.text), { text: TEXT });
			const waitKey = `${cluster.queuePrefix}:jobs:wait`;
			let waitingJobs: string[] = [];
			for (const until = Date.now() + MINUTE; Date.now() < until; await sleep(200)) {
				waitingJobs = (await redisCommand(redis, ['LRANGE', waitKey, '0', '-1'])) as string[];
				if (waitingJobs.length > 0) break;
			}
			const jobData = waitingJobs.length
				? JSON.parse(
						String(
							await redisCommand(redis, [
								'HGET',
								`${cluster.queuePrefix}:jobs:${waitingJobs[0]}`,
								'data',
							]),
						),
					)
				: {};
			beforeWorker = {
				status: post.status,
				waitingJobs,
				jobData,
				executions: (await executions(SEND_TEXT.id)).map((e) => ({ id: e.id, status: e.status })),
				sends: api.requests.filter((r) => r.path === '/api/messages/send').length,
			};

			worker = await queue.startQueueProcess(folders.worker, 'worker');
			print(
				`[queue] n8n ${n8nVersion}: ready in ${Math.round((Date.now() - started) / 1000)} s ` +
					`(main ${main.readyMs} ms, webhook ${webhook.readyMs} ms, worker ${worker.readyMs} ms to ready)`,
			);
		}, 15 * MINUTE);

		afterAll(async () => {
			await Promise.all([worker?.stop(), webhook?.stop(), main?.stop()]);
			await api?.close();
			if (cluster && !KEEP) queue.removeQueueCluster(cluster);
			if (cluster && KEEP) print(`[queue] kept ${cluster.dir}`);
			print(`[queue] n8n ${n8nVersion}: ${Math.round((Date.now() - started) / 1000)} s in all`);
		});

		test('without a worker, a POST is answered and its execution waits in Redis; nothing is sent', () => {
			expect(beforeWorker.status).toBe(200);
			expect(beforeWorker.waitingJobs).toHaveLength(1);
			expect(beforeWorker.executions).toHaveLength(1);
			expect(String(beforeWorker.jobData.executionId)).toBe(beforeWorker.executions[0].id);
			expect(beforeWorker.executions[0].status).toBe('new');
			expect(beforeWorker.sends).toBe(0);
		});

		test('a text send runs on the worker and reaches Wappfly byte for byte', async () => {
			const [execution] = await waitForExecutions(SEND_TEXT.id);
			expect(execution.id).toBe(beforeWorker.executions[0].id);
			expect(execution.status).toBe('success');
			expect(execution.mode).toBe('webhook');
			await expectRanOnWorker(execution.id);
			const sends = api!.requests.filter((r) => r.path === '/api/messages/send');
			expect(sends.map((r) => [body(r), r.status])).toEqual([[{ to: ALICE, text: TEXT }, 200]]);
			expect(execution.json('Send')).toEqual([
				{ queued: true, msg_id: expect.stringMatching(/^[0-9A-F]{16}$/) },
			]);
			expect(await redisCommand(redis!, ['LLEN', `${cluster!.queuePrefix}:jobs:wait`])).toBe(0);
		});

		test('Send Document from a file on disk: read and sent by the worker, byte for byte', async () => {
			const post = await api!.sendInbound(productionUrl(WEBHOOK_IDS.invoice), {});
			expect(post.status).toBe(200);
			const [execution] = await waitForExecutions(invoice.id);
			expect(execution.status).toBe('success');
			await expectRanOnWorker(execution.id);
			expect(api!.requests.filter((r) => r.path === '/api/messages/document')).toHaveLength(1);
			const sent = sentOnce('/api/messages/document', FIXTURES.invoice);
			expect(body(sent)).toMatchObject({
				to: ALICE,
				filename: 'invoice-1001.pdf',
				mimetype: 'application/pdf',
				caption: 'Hi Alice, here is your invoice 1001 (EUR 149.00). Thank you for your order!',
			});
			// The worker kept the file in the binary data store all processes share.
			const [read] = execution.lastNodeOutput('Read invoice PDF') ?? [];
			expect(await storedSha256(read.binary.data.id)).toBe(FIXTURES.invoice.sha256);
		});

		test('Continue On Fail on the worker: one error item per failed item, nothing sent twice', async () => {
			const post = await api!.sendInbound(productionUrl(WEBHOOK_IDS.continueOnFail), {});
			expect(post.status).toBe(200);
			const [execution] = await waitForExecutions(cof.workflow.id);
			await expectRanOnWorker(execution.id);
			cof.check({
				execution,
				output: (execution.json(cof.node) ?? []) as IDataObject[],
				requests: api!.requests.filter(cof.match),
				server: api!,
			});
		});

		describe('the Wappfly Trigger at the webhook process, its executions on the worker', () => {
			const images = [
				{ id: 'QUEUEIMAGE00000000A1', text: 'First image', plain: FIXTURES.inboundJpeg },
				{ id: 'QUEUEIMAGE00000000B2', text: 'Second image', plain: FIXTURES.jpeg },
			];
			const envelopes = () =>
				images.map((image, index) => {
					const encrypted = encryptWhatsAppMedia(image.plain.bytes, 'image');
					// Served from the credential's Wappfly origin: the trigger fetches media only from
					// there or over https from WhatsApp's servers, which a test cannot play.
					const url = api!.addFile(`/mms/image/queue-${index}.enc`, {
						body: encrypted.file,
						contentType: 'application/octet-stream',
					});
					return api!.inboundEnvelope({
						id: image.id,
						from: '447700900123',
						pushName: 'Bob',
						text: image.text,
						messageBody: image.text,
						message: {
							imageMessage: {
								url,
								mimetype: 'image/jpeg',
								caption: image.text,
								fileSha256: encrypted.fileSha256,
								fileEncSha256: encrypted.fileEncSha256,
								fileLength: String(encrypted.fileLength),
								mediaKey: encrypted.mediaKey,
								directPath: `/mms/image/queue-${index}.enc`,
							},
						},
					});
				});

			let answers: Array<{ status: number; body: string }> = [];
			let meCallsDuringMatchingPosts = 0;
			let runs: n8n.ExecutionRecord[] = [];

			beforeAll(async () => {
				const url = productionUrl(webhookPathOf(TRIGGER_WORKFLOW));
				const [first, second] = envelopes();
				const otherLine = api!.inboundEnvelope({ id: 'QUEUEOTHERLINE000001', sessionId: 9 });
				const secret = `secret=${encodeURIComponent(SECRET)}`;
				answers = [
					await api!.sendInbound(url, first),
					await api!.sendInbound(url, first, `secret=${SECRET}x`),
					await api!.sendInbound(url, otherLine, secret),
				];
				const meBefore = api!.requests.filter((r) => r.path === '/api/me').length;
				answers.push(await api!.sendInbound(url, first, secret));
				answers.push(await api!.sendInbound(url, second, secret));
				meCallsDuringMatchingPosts =
					api!.requests.filter((r) => r.path === '/api/me').length - meBefore;
				runs = await waitForExecutions(TRIGGER_WORKFLOW.id, 2);
			}, 5 * MINUTE);

			test('a missing or wrong secret (401) or another line (403) is refused there; the right ones are accepted', () => {
				expect(answers.map((a) => a.status)).toEqual([401, 401, 403, 200, 200]);
				expect(answers[0].body).toContain('Unauthorized');
				expect(answers[2].body).toContain('Forbidden');
				expect(answers[3].body).toContain('Workflow was started');
				for (const answer of answers) expect(answer.body).not.toContain(SECRET);
			});

			test('the webhook process checks the session from what main stored at activation, not per request', () => {
				// trigger-hardening may re-read /api/me once a minute: at most one read for the two messages.
				expect(meCallsDuringMatchingPosts).toBeLessThanOrEqual(1);
			});

			test('exactly one execution per accepted message, each run by the worker', async () => {
				await sleep(1000);
				const all = await executions(TRIGGER_WORKFLOW.id);
				expect(all).toHaveLength(2);
				expect(all.map((e) => [e.status, e.mode])).toEqual([
					['success', 'webhook'],
					['success', 'webhook'],
				]);
				for (const execution of all) await expectRanOnWorker(execution.id);
			});

			test('the decrypted file is stored once where all processes read binary data, and the worker forwards it byte for byte', async () => {
				for (const image of images) {
					const run = runs.find((r) => r.json('Wappfly Trigger')?.[0]?.messageId === image.id);
					expect(run).toBeDefined();
					const [item] = run!.lastNodeOutput('Wappfly Trigger') ?? [];
					expect(item.json).toMatchObject({
						type: 'image',
						text: image.text,
						from: '447700900123',
					});
					expect(item.json.mediaError).toBeUndefined();
					expect(item.binary.data).toMatchObject({ mimeType: 'image/jpeg' });
					expect(await storedSha256(item.binary.data.id)).toBe(image.plain.sha256);

					const forwarded = sentOnce('/api/messages/image', image.plain);
					expect(body(forwarded)).toMatchObject({
						to: BOB,
						mimetype: 'image/jpeg',
						caption: `Forwarded by the worker: ${image.text}`,
					});
				}
				// Each process's own binary data folder stayed unused (and, in database mode, the shared one).
				for (const uf of Object.values(cluster!.folders)) {
					expect(fs.existsSync(path.join(uf.n8nDir, 'binaryData'))).toBe(false);
				}
				if (binaryMode === 'database') expect(fs.readdirSync(cluster!.binaryDataDir)).toEqual([]);
				// The webhook process downloaded each file (once per accepted message).
				expect(
					api!.fileRequests.filter((r) => r.path.startsWith('/mms/image/queue-')).length,
				).toBeGreaterThanOrEqual(2);
				for (const run of runs) expect(JSON.stringify(run.data)).not.toContain(SECRET);
			});
		});

		describe('the Wappfly Polling Trigger: polled by main only, each message once', () => {
			const roleOf = (pid?: number) =>
				pid === main!.pid
					? 'main'
					: pid === worker!.pid
						? 'worker'
						: pid === webhook!.pid
							? 'webhook'
							: `another process (${pid ?? 'not found'})`;
			const emitted = async () =>
				(await executions(POLLING_WORKFLOW.id)).flatMap(
					(e) => (e.json(POLLING_NAME) ?? []) as IDataObject[],
				);
			async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
				for (const deadline = Date.now() + MINUTE; ; await sleep(300)) {
					const value = await probe();
					if (value !== undefined) return value;
					if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
				}
			}
			/** Waits until every id has come out, then for one more poll (nothing comes twice). */
			async function waitForEmitted(ids: number[]): Promise<void> {
				await until(`the ids ${ids.join(', ')} to be emitted`, async () => {
					const seen = new Set((await emitted()).map((item) => item.id));
					return ids.every((id) => seen.has(id)) ? true : undefined;
				});
				const polled = polls.length;
				await until('one more poll', async () => (polls.length > polled ? true : undefined));
			}

			let injected: number[] = [];
			let runs: n8n.ExecutionRecord[] = [];

			beforeAll(async () => {
				// The poll at activation (main's start) read the history and emitted nothing.
				await until('the poll at activation', async () => (polls.length > 0 ? true : undefined));
				const first = [
					api!.receiveMessage({ text: 'queue poll 1', pushName: 'Alice' }),
					api!.receiveMessage({ text: 'queue poll 2', from: '447700900123' }),
				];
				await waitForEmitted(first.map((m) => m.id));
				const second = [1, 2, 3].map((n) =>
					api!.receiveMessage({ text: `queue poll later ${n}`, from: '4915112345678' }),
				);
				await waitForEmitted(second.map((m) => m.id));
				injected = [...first, ...second].map((m) => m.id);
				runs = await executions(POLLING_WORKFLOW.id);
			}, 4 * MINUTE);

			test('every poll comes from main: none from the worker or the webhook process', () => {
				expect(polls.length).toBeGreaterThanOrEqual(3);
				expect(polls.map((p) => roleOf(p.pid))).toEqual(polls.map(() => 'main'));
				// n8n's own record (debug level): 1.x "Polling trigger initiated", 2.x "Poll trigger ...".
				const initiated = /Poll(ing)? trigger initiated for workflow/;
				expect(main!.log()).toMatch(
					new RegExp(`${initiated.source} "${escapeRegExp(POLLING_WORKFLOW.name)}"`),
				);
				expect(worker!.log()).not.toMatch(initiated);
				expect(webhook!.log()).not.toMatch(initiated);
			});

			test('every injected message is emitted exactly once, and only those', () => {
				const ids = runs.flatMap((e) => (e.json(POLLING_NAME) ?? []).map((item) => item.id));
				const byNumber = (a: number, b: number) => a - b;
				expect((ids as number[]).sort(byNumber)).toEqual([...injected].sort(byNumber));
				expect(ids.every((id) => (id as number) > NEWEST_SEED_ID)).toBe(true);
			});

			test('its executions are run by the worker', () => {
				expect(runs.length).toBeGreaterThanOrEqual(1);
				for (const run of runs) {
					expect([run.status, run.mode]).toEqual(['success', 'trigger']);
					expect(run.json('Received')).toHaveLength(run.json(POLLING_NAME)?.length ?? -1);
					const id = escapeRegExp(run.id);
					expect(worker!.log()).toMatch(
						new RegExp(`Worker started execution ${id} \\(job \\d+\\)`),
					);
					for (const other of [main!, webhook!]) {
						expect(other.log()).not.toMatch(new RegExp(`started execution ${id}\\b`, 'i'));
					}
				}
			});
		});

		test('the API token is in no log of main, worker or webhook process, nor in the database or files', async () => {
			const logs = { main: main!.log(), worker: worker!.log(), webhook: webhook!.log() };
			// The logs are real: each process logged at debug level while it worked.
			expect(logs.worker).toMatch(/Worker started execution/);
			expect(logs.webhook).toMatch(/Enqueued execution/);
			expect(logs.main.length).toBeGreaterThan(0);
			const dump = await pg!.dump(db().database);
			expect(dump).toContain('execution_data');
			const files = filesUnder(cluster!.dir);
			if (binaryMode === 'filesystem') {
				expect(files.some((f) => f.file.startsWith(cluster!.binaryDataDir))).toBe(true);
			} else {
				expect(dump).toContain('binary_data');
			}
			for (const token of Object.values(tokens)) {
				for (const [role, text] of Object.entries(logs))
					expect(`${role}: ${text.includes(token)}`).toBe(`${role}: false`);
				expect(dump).not.toContain(token);
				expect(files.filter((f) => f.text.includes(token)).map((f) => f.file)).toEqual([]);
			}
		});
	},
);
