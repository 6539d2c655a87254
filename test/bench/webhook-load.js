// @ts-check
/**
 * `npm run bench:webhook`: inbound-message webhooks at a fixed rate, on loopback, to two targets in
 * the same real n8n: (a) our Wappfly Trigger, with Verify Session on and a Webhook Secret, and (b)
 * n8n's own Webhook node, which does nothing but accept. Both workflows hold the trigger alone.
 * It runs n8n in regular mode (`n8n start`, SQLite) and in queue mode (main, worker and webhook
 * processes, PostgreSQL and Redis started here; the POSTs go to the webhook process), and prints,
 * per target: the accepted rate, p50 and p99 response time, 5xx, and executions completed versus
 * POSTs accepted (lost: a 2xx without an execution; duplicates: a message with two). It asserts
 * nothing and is not part of any test run.
 *
 * Each offered rate runs in rounds, the targets in ABBA order (a b b a ...), so that both see the
 * same machine; after each phase it waits until the executions of that phase are done. Figures are
 * noisy on a shared machine: read the two targets against each other, not against another run.
 *
 * Settings (environment):
 *   WAPPFLY_BENCH_VERSIONS   n8n lines, default '1,2'
 *   WAPPFLY_BENCH_MODES      default 'regular,queue'
 *   WAPPFLY_BENCH_RATES      POSTs per second, default '25,100'
 *   WAPPFLY_BENCH_COUNT      POSTs per target and round, default 200
 *   WAPPFLY_BENCH_ROUNDS     default 2 (a b, then b a)
 *   WAPPFLY_BENCH_INFLIGHT   most requests open at once, default 64 (then sends wait: "late")
 *   WAPPFLY_BENCH_MAX_SECONDS  a phase stops sending after this, default 60
 *   WAPPFLY_BENCH_N8N_ENV    extra settings for every n8n process, e.g.
 *                            'N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true N8N_EXPRESSION_ENGINE_POOL_SIZE=4'
 * Results also go to .tmp/bench-webhook-<time>.json.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n } = require('../e2e/lib/install-n8n');
const n8n = require('../e2e/lib/n8n-instance');
const queue = require('../e2e/lib/queue-mode');
const { startPostgres, startRedis } = require('../e2e/lib/services');
const { EXAMPLE_CREDENTIALS, PROJECT_DIR, withWebhookStart } = require('../e2e/lib/examples');
const { startWappflyServer } = require('../server/wappfly-server');

/** @param {string} name @param {string} fallback */
const setting = (name, fallback) => process.env[name] || fallback;
const VERSIONS = setting('WAPPFLY_BENCH_VERSIONS', '1,2')
	.split(',')
	.map((v) => v.trim())
	.filter((v) => v === '1' || v === '2');
const MODES = setting('WAPPFLY_BENCH_MODES', 'regular,queue')
	.split(',')
	.map((m) => m.trim())
	.filter((m) => m === 'regular' || m === 'queue');
const RATES = setting('WAPPFLY_BENCH_RATES', '25,100').split(',').map(Number);
const COUNT = Number(setting('WAPPFLY_BENCH_COUNT', '200'));
const ROUNDS = Number(setting('WAPPFLY_BENCH_ROUNDS', '2'));
const IN_FLIGHT = Number(setting('WAPPFLY_BENCH_INFLIGHT', '64'));
const MAX_SECONDS = Number(setting('WAPPFLY_BENCH_MAX_SECONDS', '60'));
const WARM_UP = 20;
/** @type {Record<string, string>} */
const N8N_ENV = Object.fromEntries(
	setting('WAPPFLY_BENCH_N8N_ENV', '')
		// A space followed by NAME= starts the next setting: a value may hold spaces (NODE_OPTIONS).
		.split(/\s+(?=[A-Za-z_][A-Za-z0-9_]*=)/)
		.map((pair) => pair.trim())
		.filter((pair) => pair.includes('='))
		.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
);

const SECRET = ['bench', 'webhook', 'secret', '0123456789'].join('_');
const TRIGGER_WEBHOOK_ID = '7c0d5a8e-3b1f-4f6a-8e2d-1a2b3c4d5e01';
const NODE_WEBHOOK_ID = '7c0d5a8e-3b1f-4f6a-8e2d-1a2b3c4d5e02';

/** (a) our trigger, alone: Verify Session on, a secret. */
const TRIGGER_WORKFLOW = {
	id: 'benchWappflyTrig',
	name: 'Bench: Wappfly Trigger (Verify Session, secret)',
	nodes: [
		{
			id: 'bench-trigger',
			name: 'Wappfly Trigger',
			type: 'n8n-nodes-wappfly.wappflyTrigger',
			typeVersion: 1,
			position: [0, 0],
			webhookId: TRIGGER_WEBHOOK_ID,
			parameters: {
				events: ['messages.received'],
				options: { webhookSecret: SECRET, verifySession: true },
			},
			credentials: {
				wappflyApi: { id: EXAMPLE_CREDENTIALS.wappfly.id, name: EXAMPLE_CREDENTIALS.wappfly.name },
			},
		},
	],
	connections: {},
	settings: { executionOrder: 'v1' },
};

/** (b) n8n's own Webhook node, alone, answering at once. */
const WEBHOOK_WORKFLOW = withWebhookStart(
	{
		id: 'benchWebhookNode',
		name: 'Bench: n8n Webhook node',
		nodes: [
			{
				id: 'bench-webhook',
				name: 'Webhook',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
		],
		connections: {},
		settings: { executionOrder: 'v1' },
	},
	NODE_WEBHOOK_ID,
);

/**
 * @typedef {{ key: 'trigger' | 'webhook', label: string, workflowId: string,
 *   webhookPath: string, url: (base: string) => string,
 *   body: (id: string) => string, idOf: (execution: any) => string | undefined }} Target
 */

/**
 * @param {import('../server/wappfly-server').WappflyServer} api
 * @returns {Target[]}
 */
function targets(api) {
	return [
		{
			key: 'trigger',
			label: 'Wappfly Trigger (Verify Session + secret)',
			workflowId: TRIGGER_WORKFLOW.id,
			webhookPath: `${TRIGGER_WEBHOOK_ID}/webhook`,
			url: (base) => `${base}webhook/${TRIGGER_WEBHOOK_ID}/webhook?secret=${SECRET}`,
			body: (id) => JSON.stringify(api.inboundEnvelope({ id, text: `bench ${id}` })),
			idOf: (execution) => execution.json('Wappfly Trigger')?.[0]?.messageId,
		},
		{
			key: 'webhook',
			label: 'n8n Webhook node',
			workflowId: WEBHOOK_WORKFLOW.id,
			webhookPath: NODE_WEBHOOK_ID,
			url: (base) => `${base}webhook/${NODE_WEBHOOK_ID}`,
			body: (id) => JSON.stringify({ id, text: `bench ${id}` }),
			idOf: (execution) => execution.json('Webhook')?.[0]?.body?.id,
		},
	];
}

/** @param {number} ms */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** @param {number[]} sorted @param {number} p */
function percentile(sorted, p) {
	if (sorted.length === 0) return NaN;
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** @param {string} text */
function log(text) {
	process.stdout.write(`${text}\n`);
}

/**
 * @typedef {{ id: string, status: number, ms: number, error?: string, late: boolean,
 *   start: number, end: number }} Sent
 */

/**
 * Sends `count` POSTs at `rate` per second (open loop: each at its scheduled time, unless
 * IN_FLIGHT requests are open, then as soon as one closes: counted as late).
 * @param {string} url
 * @param {string[]} ids
 * @param {(id: string) => string} makeBody
 * @param {number} rate
 * @returns {Promise<Sent[]>}
 */
async function fire(url, ids, makeBody, rate) {
	const bodies = ids.map((id) => Buffer.from(makeBody(id)));
	const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
	const target = new URL(url);
	/** @type {Sent[]} */
	const results = [];
	let open = 0;
	/** @type {Array<() => void>} */
	const waiting = [];
	/** @type {Promise<void>[]} */
	const pending = [];
	const t0 = performance.now();
	const stopAt = t0 + MAX_SECONDS * 1000;
	/** @param {number} i */
	const send = (i) =>
		new Promise((resolve) => {
			const start = performance.now();
			const late = start - (t0 + (i * 1000) / rate) > 100;
			const req = http.request(
				{
					agent,
					host: target.hostname,
					port: target.port,
					path: target.pathname + target.search,
					method: 'POST',
					headers: { 'content-type': 'application/json', 'content-length': bodies[i].length },
				},
				(res) => {
					res.resume();
					res.on('end', () => {
						const end = performance.now();
						results.push({
							id: ids[i],
							status: res.statusCode || 0,
							ms: end - start,
							late,
							start,
							end,
						});
						resolve(undefined);
					});
				},
			);
			req.setTimeout(30000, () => req.destroy(new Error('no answer within 30 s')));
			req.on('error', (err) => {
				const end = performance.now();
				results.push({
					id: ids[i],
					status: 0,
					ms: end - start,
					error: err.message,
					late,
					start,
					end,
				});
				resolve(undefined);
			});
			req.end(bodies[i]);
		});
	for (let i = 0; i < ids.length; i++) {
		const due = t0 + (i * 1000) / rate;
		const now = performance.now();
		if (now > stopAt) break;
		if (due > now) await sleep(due - now);
		while (open >= IN_FLIGHT)
			await new Promise((resolve) => waiting.push(() => resolve(undefined)));
		open++;
		pending.push(
			send(i).then(() => {
				open--;
				waiting.shift()?.();
			}),
		);
	}
	await Promise.all(pending);
	agent.destroy();
	return results;
}

/**
 * @typedef {object} Instance
 * @property {string} name
 * @property {string} base                 where the webhooks are POSTed
 * @property {() => Promise<number>} maxExecutionId
 * @property {(workflowId: string, afterId: number) => Promise<number>} countFinished
 * @property {(workflowId: string, afterId: number) => Promise<any[]>} executions
 * @property {() => Promise<void>} stop
 */

const UNFINISHED = ['new', 'running', 'waiting', 'unknown'];

/**
 * @param {import('../e2e/lib/install-n8n').N8nInstall} install
 * @param {string} tgz
 * @param {Array<Record<string, unknown>>} credentials
 * @returns {Promise<Instance>}
 */
async function startRegular(install, tgz, credentials) {
	const uf = await n8n.createUserFolder(install, { logLevel: 'warn' });
	/** @type {Awaited<ReturnType<typeof n8n.startN8n>> | undefined} */
	let server;
	try {
		await n8n.installPackageTarball(uf, tgz);
		await n8n.importCredentials(uf, /** @type {any} */ (credentials));
		await n8n.importWorkflows(uf, [TRIGGER_WORKFLOW, WEBHOOK_WORKFLOW]);
		await n8n.activateWorkflows(uf, [TRIGGER_WORKFLOW.id, WEBHOOK_WORKFLOW.id]);
		server = await n8n.startN8n(uf, { env: N8N_ENV });
		await server.waitForWebhook(`${TRIGGER_WEBHOOK_ID}/webhook`);
		await server.waitForWebhook(NODE_WEBHOOK_ID);
	} catch (err) {
		await server?.stop();
		n8n.removeUserFolder(uf);
		throw err;
	}
	const started = server;
	return {
		name: 'regular mode (n8n start, SQLite)',
		base: started.url,
		maxExecutionId: async () =>
			Number(
				(await n8n.querySqlite(uf, 'SELECT MAX(CAST(id AS INTEGER)) AS m FROM execution_entity'))[0]
					?.m,
			) || 0,
		countFinished: async (workflowId, afterId) =>
			Number(
				(
					await n8n.querySqlite(
						uf,
						`SELECT COUNT(*) AS c FROM execution_entity WHERE workflowId = ? AND CAST(id AS INTEGER) > ? AND status NOT IN (${UNFINISHED.map(() => '?').join(',')})`,
						[workflowId, afterId, ...UNFINISHED],
					)
				)[0]?.c,
			) || 0,
		executions: (workflowId, afterId) => n8n.readExecutions(uf, { workflowId, afterId }),
		stop: async () => {
			await started.stop();
			n8n.removeUserFolder(uf);
		},
	};
}

/**
 * @param {import('../e2e/lib/install-n8n').N8nInstall} install
 * @param {string} tgz
 * @param {Array<Record<string, unknown>>} credentials
 * @param {{ pg: any, redis: any }} services
 * @returns {Promise<Instance>}
 */
async function startQueue(install, tgz, credentials, services) {
	const database = `bench_${install.version}_${crypto.randomBytes(3).toString('hex')}`;
	await services.pg.createDatabase(database);
	const cluster = await queue.createQueueUserFolders(install, {
		pg: services.pg,
		redis: services.redis,
		database,
		logLevel: 'warn',
	});
	/** @type {queue.QueueProcess[]} */
	const processes = [];
	const stop = async () => {
		await Promise.all(processes.map((p) => p.stop()));
		queue.removeQueueCluster(cluster);
	};
	try {
		const { folders } = cluster;
		for (const uf of [folders.main, folders.worker, folders.webhook]) {
			await n8n.installPackageTarball(uf, tgz);
		}
		await n8n.importCredentials(folders.main, /** @type {any} */ (credentials));
		await n8n.importWorkflows(folders.main, [TRIGGER_WORKFLOW, WEBHOOK_WORKFLOW]);
		await n8n.activateWorkflows(folders.main, [TRIGGER_WORKFLOW.id, WEBHOOK_WORKFLOW.id]);
		const webhookPort = await n8n.getFreePort();
		processes.push(
			await queue.startQueueProcess(folders.main, 'main', {
				webhookUrl: `http://127.0.0.1:${webhookPort}/`,
				env: N8N_ENV,
			}),
		);
		await queue.waitForWebhookPg(install, cluster.db, `${TRIGGER_WEBHOOK_ID}/webhook`);
		await queue.waitForWebhookPg(install, cluster.db, NODE_WEBHOOK_ID);
		const [webhook, worker] = await Promise.all([
			queue.startQueueProcess(folders.webhook, 'webhook', { port: webhookPort, env: N8N_ENV }),
			queue.startQueueProcess(folders.worker, 'worker', { env: N8N_ENV }),
		]);
		processes.push(webhook, worker);
		return {
			name: 'queue mode (main + worker (concurrency 10) + webhook, PostgreSQL, Redis)',
			base: webhook.url,
			maxExecutionId: async () =>
				Number(
					(
						await queue.queryPostgres(
							install,
							cluster.db,
							'SELECT MAX(id) AS m FROM execution_entity',
						)
					)[0]?.m,
				) || 0,
			countFinished: async (workflowId, afterId) =>
				Number(
					(
						await queue.queryPostgres(
							install,
							cluster.db,
							'SELECT COUNT(*)::int AS c FROM execution_entity WHERE "workflowId" = $1 AND id > $2 AND NOT (status = ANY($3))',
							[workflowId, afterId, UNFINISHED],
						)
					)[0]?.c,
				) || 0,
			executions: (workflowId, afterId) =>
				queue.readExecutionsPg(install, cluster.db, { workflowId, afterId }),
			stop,
		};
	} catch (err) {
		await stop();
		throw err;
	}
}

/**
 * Waits until `expected` executions after `afterId` are finished, or the count stops growing
 * for 20 s (at most 5 minutes).
 * @param {Instance} instance
 * @param {string} workflowId
 * @param {number} afterId
 * @param {number} expected
 */
async function drain(instance, workflowId, afterId, expected) {
	const deadline = Date.now() + 5 * 60_000;
	let last = -1;
	let lastChange = Date.now();
	for (;;) {
		const done = await instance.countFinished(workflowId, afterId);
		if (done >= expected) return;
		if (done !== last) {
			last = done;
			lastChange = Date.now();
		}
		if (Date.now() - lastChange > 20_000 || Date.now() > deadline) return;
		await sleep(500);
	}
}

/**
 * One phase: POSTs to one target, then its executions counted and matched to the answers.
 * @param {Instance} instance
 * @param {Target} target
 * @param {number} rate
 * @param {number} count
 * @param {import('../server/wappfly-server').WappflyServer} api
 */
async function phase(instance, target, rate, count, api) {
	const ids = Array.from({ length: count }, () =>
		crypto.randomBytes(10).toString('hex').toUpperCase(),
	);
	const afterId = await instance.maxExecutionId();
	const meBefore = api.requests.filter((r) => r.path === '/api/me').length;
	const sent = await fire(target.url(instance.base), ids, target.body, rate);
	const accepted = sent.filter((s) => s.status >= 200 && s.status < 300);
	await drain(instance, target.workflowId, afterId, accepted.length);
	let executions = await instance.executions(target.workflowId, afterId);
	// n8n may mark an execution finished a moment before its data is readable: read again (up to
	// 10 s) while some finished execution shows no message id yet.
	for (let tries = 0; tries < 20 && executions.some((e) => !target.idOf(e)); tries++) {
		await sleep(500);
		executions = await instance.executions(target.workflowId, afterId);
	}
	/** @type {Map<string, number>} */
	const perId = new Map();
	for (const execution of executions) {
		const id = target.idOf(execution);
		if (id) perId.set(id, (perId.get(id) || 0) + 1);
	}
	const acceptedIds = new Set(accepted.map((s) => s.id));
	return {
		sent,
		executions: executions.length,
		succeeded: executions.filter((e) => e.status === 'success').length,
		lost: accepted.filter((s) => !perId.has(s.id)).length,
		duplicates: [...perId.values()].filter((n) => n > 1).length,
		unexpected: [...perId.keys()].filter((id) => !acceptedIds.has(id)).length,
		meCalls: api.requests.filter((r) => r.path === '/api/me').length - meBefore,
	};
}

/**
 * @param {Array<Awaited<ReturnType<typeof phase>>>} phases
 */
function summarise(phases) {
	const sent = phases.flatMap((p) => p.sent);
	const ok = sent.filter((s) => s.status >= 200 && s.status < 300);
	const latencies = sent
		.filter((s) => s.status > 0)
		.map((s) => s.ms)
		.sort((a, b) => a - b);
	// Accepted rate per phase (2xx over the span from its first send to its last answer), averaged.
	const rates = phases.map((p) => {
		const first = Math.min(...p.sent.map((s) => s.start));
		const last = Math.max(...p.sent.map((s) => s.end));
		const accepted = p.sent.filter((s) => s.status >= 200 && s.status < 300).length;
		return accepted / ((last - first) / 1000);
	});
	const sum = (/** @type {(p: Awaited<ReturnType<typeof phase>>) => number} */ f) =>
		phases.reduce((total, p) => total + f(p), 0);
	return {
		posts: sent.length,
		accepted: ok.length,
		status5xx: sent.filter((s) => s.status >= 500).length,
		otherStatus: sent.filter(
			(s) => s.status > 0 && (s.status < 200 || (s.status >= 300 && s.status < 500)),
		).length,
		networkErrors: sent.filter((s) => s.status === 0).length,
		late: sent.filter((s) => s.late).length,
		acceptedPerSecond: rates.reduce((a, b) => a + b, 0) / rates.length,
		p50ms: percentile(latencies, 50),
		p99ms: percentile(latencies, 99),
		executions: sum((p) => p.executions),
		succeeded: sum((p) => p.succeeded),
		lost: sum((p) => p.lost),
		duplicates: sum((p) => p.duplicates),
		unexpected: sum((p) => p.unexpected),
		meCalls: sum((p) => p.meCalls),
	};
}

/** @param {ReturnType<typeof summarise>} s @param {string} label @param {number} rate */
function row(s, label, rate) {
	const cells = [
		`${rate}/s`.padEnd(7),
		label.padEnd(42),
		String(s.posts).padStart(5),
		String(s.accepted).padStart(5),
		String(s.status5xx).padStart(4),
		String(s.otherStatus + s.networkErrors).padStart(5),
		String(s.late).padStart(5),
		s.acceptedPerSecond.toFixed(1).padStart(10),
		s.p50ms.toFixed(1).padStart(7),
		s.p99ms.toFixed(1).padStart(7),
		`${s.succeeded}/${s.accepted}`.padStart(11),
		String(s.lost).padStart(5),
		String(s.duplicates + s.unexpected).padStart(5),
		String(s.meCalls).padStart(8),
	];
	return cells.join(' ');
}

const HEADER = [
	'offered'.padEnd(7),
	'target'.padEnd(42),
	'POSTs'.padStart(5),
	'2xx'.padStart(5),
	'5xx'.padStart(4),
	'other'.padStart(5),
	'late'.padStart(5),
	'accepted/s'.padStart(10),
	'p50 ms'.padStart(7),
	'p99 ms'.padStart(7),
	'executions'.padStart(11),
	'lost'.padStart(5),
	'dupl.'.padStart(5),
	'/api/me'.padStart(8),
].join(' ');

async function main() {
	const benchStart = Date.now();
	const cpu = os.cpus();
	const machine = `${cpu.length} × ${cpu[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, load ${os
		.loadavg()
		.map((l) => l.toFixed(2))
		.join(' ')} at start`;
	log(`# bench:webhook on ${machine}`);
	log(
		`# ${COUNT} POSTs per target and round, ${ROUNDS} rounds (ABBA), at most ${IN_FLIGHT} open at once, rates ${RATES.join(', ')}/s`,
	);
	if (Object.keys(N8N_ENV).length) log(`# n8n settings added: ${JSON.stringify(N8N_ENV)}`);
	/** @type {Array<() => Promise<void>>} */
	const cleanups = [];
	const results = [];
	try {
		const api = await startWappflyServer({
			token: `bench-${crypto.randomBytes(16).toString('hex')}`,
		});
		cleanups.push(() => api.close());
		const credentials = [
			{
				id: EXAMPLE_CREDENTIALS.wappfly.id,
				name: EXAMPLE_CREDENTIALS.wappfly.name,
				type: 'wappflyApi',
				data: { apiToken: api.token, baseUrl: api.url },
			},
		];
		const tgz = await n8n.packPackage(PROJECT_DIR);
		cleanups.push(async () => fs.rmSync(path.dirname(tgz), { recursive: true, force: true }));
		/** @type {{ pg: any, redis: any } | undefined} */
		let services;
		if (MODES.includes('queue')) {
			const pg = await startPostgres();
			cleanups.push(() => pg.stop());
			const redis = await startRedis();
			cleanups.push(() => redis.stop());
			services = { pg, redis };
			log(`# ${pg.version}; ${redis.version.split(' sha=')[0]}`);
		}
		for (const version of VERSIONS) {
			const install = await ensureN8n(/** @type {'1' | '2'} */ (version));
			for (const mode of MODES) {
				const instance =
					mode === 'queue'
						? await startQueue(install, tgz, credentials, /** @type {any} */ (services))
						: await startRegular(install, tgz, credentials);
				try {
					log(`\n## n8n ${install.n8nVersion} on Node ${install.nodeVersion}, ${instance.name}`);
					const all = targets(api);
					for (const target of all) await phase(instance, target, 50, WARM_UP, api);
					log(HEADER);
					for (const rate of RATES) {
						/** @type {Record<string, Array<Awaited<ReturnType<typeof phase>>>>} */
						const byTarget = { trigger: [], webhook: [] };
						for (let round = 0; round < ROUNDS; round++) {
							const order = round % 2 === 0 ? all : [...all].reverse();
							for (const target of order) {
								byTarget[target.key].push(await phase(instance, target, rate, COUNT, api));
							}
						}
						const ours = summarise(byTarget.trigger);
						const theirs = summarise(byTarget.webhook);
						log(row(ours, all[0].label, rate));
						log(row(theirs, all[1].label, rate));
						const ratio = ours.acceptedPerSecond / theirs.acceptedPerSecond;
						log(`${''.padEnd(7)} ours / Webhook node, accepted rate: ${ratio.toFixed(2)}`);
						results.push({
							n8n: install.n8nVersion,
							node: install.nodeVersion,
							mode,
							rate,
							count: COUNT,
							rounds: ROUNDS,
							trigger: ours,
							webhookNode: theirs,
							ratio,
						});
					}
				} finally {
					await instance.stop();
				}
			}
		}
	} finally {
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		if (results.length) {
			const dir = path.join(PROJECT_DIR, '.tmp');
			fs.mkdirSync(dir, { recursive: true });
			const file = path.join(
				dir,
				`bench-webhook-${new Date().toISOString().replace(/[:.]/g, '-')}.json`,
			);
			fs.writeFileSync(file, JSON.stringify({ machine, n8nEnv: N8N_ENV, results }, null, 2));
			log(`\n# results: ${path.relative(PROJECT_DIR, file)}`);
		}
	}
	log(
		'\n# columns: 2xx = accepted; other = non-2xx non-5xx answers and network errors; late = sent >100 ms after its slot' +
			' (the in-flight cap was reached: the target could not keep up); executions = finished successfully / 2xx;' +
			' lost = 2xx without an execution; dupl. = a message with two executions, or one not answered 2xx;' +
			' /api/me = session reads the trigger made during the phases',
	);
	log(`# done in ${Math.round((Date.now() - benchStart) / 1000)} s`);
}

main().catch((err) => {
	process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
	process.exitCode = 1;
});
