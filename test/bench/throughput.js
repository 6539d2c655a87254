// @ts-check
/**
 * `npm run bench` (second part): how fast the Wappfly node sends and reads, side by side with n8n's
 * HTTP Request node doing the same calls, in a pinned real n8n (`n8n execute`, each node's
 * `executionTime` from the run data). It prints figures; it asserts nothing and is not part of
 * the test suite.
 *
 * One workflow per round: a Code node makes N items, then every measured node gets all N:
 *   - sends (POST /api/messages/send): our Send Text; the HTTP Request node with the token in a
 *     header parameter; the HTTP Request node with a Header Auth credential;
 *   - reads (GET /api/history): our Get History; the same two HTTP Request nodes.
 * A warm-up branch (20 items through each of the six) runs first, so that no node pays for
 * loading and compiling the HTTP stack alone, and the order of the measured nodes rotates from
 * round to round. Each round is a fresh `n8n execute` process.
 *
 * The loopback Wappfly is the contract server (test/server/wappfly-server.js), in this process.
 * Its own CPU time per request is printed, as is the time of the same calls made by a plain
 * node:http client (a new connection per request, as n8n's helpers do): the floor below which
 * no n8n node can go on this machine.
 *
 * Environment: BENCH_N (1000), BENCH_ROUNDS (3), BENCH_N8N (n8n lines, default '1'; '1,2' adds
 * n8n 2.x), BENCH_TARBALL (a packed version to measure instead of this checkout). Run it under the shared lock on a shared machine: `flock /tmp/wappfly-heavy.lock
 * npm run bench`.
 */
const childProcess = require('node:child_process');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { ensureN8n } = require('../e2e/lib/install-n8n');
const n8n = require('../e2e/lib/n8n-instance');
const { SEED, startWappflyServer } = require('../server/wappfly-server');

const PROJECT_DIR = path.resolve(__dirname, '..', '..');
const N = Number(process.env.BENCH_N ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const LINES = /** @type {Array<'1' | '2'>} */ (
	(process.env.BENCH_N8N ?? '1').split(',').map((line) => line.trim())
);
const WARM_UP_ITEMS = 20;
const TOKEN = 'bench-token-0123456789abcdef';

const WAPPFLY_CREDENTIAL = { id: 'benchWappfly0001', name: 'Wappfly (bench)' };
const HEADER_CREDENTIAL = { id: 'benchHeader00001', name: 'X-API-Token (bench)' };

/** @param {string} line */
const print = (line) => process.stdout.write(`${line}\n`);

/** @param {number[]} values */
function median(values) {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * The measured nodes. `kind` groups them: each Wappfly node is compared with the HTTP Request
 * nodes of its kind.
 * @typedef {{ key: string, kind: 'send' | 'read', label: string, ours: boolean, node: (name: string, baseUrl: string) => Record<string, unknown> }} Variant
 */

/**
 * The Wappfly node with the bench's credential.
 * @param {string} name
 * @param {Record<string, unknown>} parameters
 */
function wappflyNode(name, parameters) {
	return {
		name,
		type: 'n8n-nodes-wappfly.wappfly',
		typeVersion: 1,
		parameters: { ...parameters, options: {} },
		credentials: { wappflyApi: WAPPFLY_CREDENTIAL },
	};
}

/**
 * n8n's HTTP Request node making the same calls, with the token in a header parameter or from a
 * Header Auth credential.
 * @param {'send' | 'read'} kind
 * @returns {Variant[]}
 */
function httpVariants(kind) {
	const labels = {
		parameter: 'HTTP Request, token in a header parameter',
		credential: 'HTTP Request, Header Auth credential',
	};
	return /** @type {const} */ (['parameter', 'credential']).map((auth) => ({
		key: `http-${kind}-${auth}`,
		kind,
		label: labels[auth],
		ours: false,
		node: (name, baseUrl) => httpNode(name, baseUrl, kind, auth),
	}));
}

/** @type {Variant[]} */
const VARIANTS = [
	{
		key: 'wappflySend',
		kind: 'send',
		label: 'Wappfly node, Send Text',
		ours: true,
		node: (name) =>
			wappflyNode(name, {
				resource: 'message',
				operation: 'sendText',
				to: { __rl: true, mode: 'id', value: '={{ $json.phone }}' },
				text: '={{ $json.text }}',
			}),
	},
	...httpVariants('send'),
	{
		key: 'wappflyRead',
		kind: 'read',
		label: 'Wappfly node, Get History',
		ours: true,
		node: (name) =>
			wappflyNode(name, {
				resource: 'chat',
				operation: 'getHistory',
				chat: { __rl: true, mode: 'id', value: '={{ $json.chat }}' },
				limit: 20,
			}),
	},
	...httpVariants('read'),
];

/**
 * n8n's HTTP Request node (4.2, in both n8n lines) making the call our node makes.
 * @param {string} name
 * @param {string} baseUrl
 * @param {'send' | 'read'} kind
 * @param {'parameter' | 'credential'} auth
 */
function httpNode(name, baseUrl, kind, auth) {
	/** @type {Record<string, unknown>} */
	const parameters =
		kind === 'send'
			? {
					method: 'POST',
					url: `${baseUrl}/api/messages/send`,
					sendBody: true,
					bodyParameters: {
						parameters: [
							{ name: 'to', value: '={{ $json.jid }}' },
							{ name: 'text', value: '={{ $json.text }}' },
						],
					},
				}
			: {
					method: 'GET',
					url: `${baseUrl}/api/history`,
					sendQuery: true,
					queryParameters: {
						parameters: [
							{ name: 'jid', value: '={{ $json.chat }}' },
							{ name: 'limit', value: '20' },
						],
					},
				};
	/** @type {Record<string, unknown>} */
	const node = {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { ...parameters, options: {} },
	};
	if (auth === 'parameter') {
		Object.assign(/** @type {Record<string, unknown>} */ (node.parameters), {
			sendHeaders: true,
			headerParameters: { parameters: [{ name: 'X-API-Token', value: TOKEN }] },
		});
	} else {
		Object.assign(/** @type {Record<string, unknown>} */ (node.parameters), {
			authentication: 'genericCredentialType',
			genericAuthType: 'httpHeaderAuth',
		});
		node.credentials = { httpHeaderAuth: HEADER_CREDENTIAL };
	}
	return node;
}

/** What the Code node makes: N items, each with a recipient and a text. */
const CODE = `const items = [];
for (let i = 0; i < ${N}; i++) {
  const number = '1555010' + String(i % 100).padStart(4, '0');
  items.push({ json: { phone: '+' + number, jid: number + '@s.whatsapp.net', text: 'Hello #' + i + ', your order has shipped.', chat: '${SEED.bobJid}' } });
}
return items;`;

/**
 * Round `round`'s workflow: Start -> Items -> (warm-up -> six nodes) and the six measured nodes,
 * in an order rotated by `round`. n8n's v1 execution order runs the branches one after the
 * other, top first.
 * @param {number} round
 * @param {string} baseUrl
 */
function roundWorkflow(round, baseUrl) {
	const id = `benchThroughpt${String(round).padStart(2, '0')}`;
	/** @type {Array<Record<string, unknown>>} */
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Items',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			parameters: { jsCode: CODE },
		},
		{
			name: 'Warm-up items',
			type: 'n8n-nodes-base.limit',
			typeVersion: 1,
			parameters: { maxItems: WARM_UP_ITEMS },
		},
	];
	/** @type {Record<string, { main: Array<Array<{ node: string, type: string, index: number }>> }>} */
	const connections = {
		Start: { main: [[{ node: 'Items', type: 'main', index: 0 }]] },
		Items: { main: [[{ node: 'Warm-up items', type: 'main', index: 0 }]] },
		'Warm-up items': { main: [[]] },
	};
	VARIANTS.forEach((variant, index) => {
		const name = `warm-up ${variant.key}`;
		nodes.push({ ...variant.node(name, baseUrl), position: [660, -2000 + index * 100] });
		connections['Warm-up items'].main[0].push({ node: name, type: 'main', index: 0 });
	});
	// Sends and reads rotate separately, so that each node is first of its kind once in 3 rounds.
	const rotate = (/** @type {Variant[]} */ list) =>
		list.map((_, i) => list[(i + round) % list.length]);
	const measured = [
		...rotate(VARIANTS.filter((v) => v.kind === 'send')),
		...rotate(VARIANTS.filter((v) => v.kind === 'read')),
	];
	measured.forEach((variant, index) => {
		nodes.push({ ...variant.node(variant.key, baseUrl), position: [440, index * 200] });
		connections.Items.main[0].push({ node: variant.key, type: 'main', index: 0 });
	});
	nodes[0].position = [0, 0];
	nodes[1].position = [220, 0];
	nodes[2].position = [440, -2000];
	return {
		id,
		name: `Throughput round ${round + 1}`,
		nodes: nodes.map((node, index) => ({ id: `${id}-${index}`, ...node })),
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/**
 * N calls made by a plain node:http client, one new connection each (as n8n's helpers make
 * them): the floor of the loopback round trip plus the contract server's own work.
 * @param {string} baseUrl
 * @param {'send' | 'read'} kind
 */
async function plainClient(baseUrl, kind) {
	const started = process.hrtime.bigint();
	for (let i = 0; i < N; i++) {
		const number = '1555010' + String(i % 100).padStart(4, '0');
		const body =
			kind === 'send'
				? JSON.stringify({ to: `${number}@s.whatsapp.net`, text: `Hello #${i}` })
				: undefined;
		const target =
			kind === 'send'
				? `${baseUrl}/api/messages/send`
				: `${baseUrl}/api/history?jid=${encodeURIComponent(SEED.bobJid)}&limit=20`;
		await new Promise((resolve, reject) => {
			const request = http.request(
				target,
				{
					method: kind === 'send' ? 'POST' : 'GET',
					agent: new http.Agent(),
					headers: {
						'X-API-Token': TOKEN,
						Accept: 'application/json',
						...(body
							? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }
							: {}),
					},
				},
				(response) => {
					const chunks = /** @type {Buffer[]} */ ([]);
					response.on('data', (chunk) => chunks.push(chunk));
					response.on('end', () => {
						JSON.parse(Buffer.concat(chunks).toString('utf8'));
						resolve(undefined);
					});
				},
			);
			request.on('error', reject);
			request.end(body);
		});
	}
	return Number(process.hrtime.bigint() - started) / 1e6;
}

/**
 * Time to load our node and credential modules in a fresh process of the Node that runs n8n,
 * n8n-workflow being loaded first (n8n has it loaded before any community node). Median of 5.
 * @param {import('../e2e/lib/install-n8n').N8nInstall} install
 * @param {string} packageDir
 */
function moduleLoadTimes(install, packageDir) {
	const script = `
const t0 = process.hrtime.bigint();
require('n8n-workflow');
const t1 = process.hrtime.bigint();
const pkg = require(${JSON.stringify(path.join(packageDir, 'package.json'))});
for (const file of [...pkg.n8n.credentials, ...pkg.n8n.nodes]) {
  const exported = require(require('node:path').join(${JSON.stringify(packageDir)}, file));
  for (const Class of Object.values(exported)) new Class();
}
const t2 = process.hrtime.bigint();
const copies = Object.keys(require.cache).filter((file) => /n8n-workflow[\\/]dist[\\/](cjs[\\/])?index\.js$/.test(file));
if (copies.length !== 1) throw new Error('n8n-workflow loaded ' + copies.length + ' times: ' + copies.join(', '));
process.stdout.write(JSON.stringify({ workflow: Number(t1 - t0) / 1e6, ours: Number(t2 - t1) / 1e6 }));`;
	const runs = [];
	for (let i = 0; i < 5; i++) {
		// From the package's folder, n8n-workflow resolves as it does for n8n: to n8n's own copy.
		const out = childProcess.execFileSync(install.nodeBin, ['-e', script], {
			cwd: packageDir,
			env: { ...process.env, NODE_PATH: path.join(install.dir, 'node_modules') },
			encoding: 'utf8',
		});
		runs.push(JSON.parse(out));
	}
	return {
		ours: median(runs.map((r) => r.ours)),
		workflow: median(runs.map((r) => r.workflow)),
	};
}

/**
 * Runs one n8n line: returns per-round times (ms) by variant key, the server's CPU per request
 * and the module load times.
 * @param {'1' | '2'} line
 * @param {string} tarball
 * @param {Awaited<ReturnType<typeof startWappflyServer>>} server
 */
async function benchLine(line, tarball, server) {
	const install = await ensureN8n(line);
	const uf = await n8n.createUserFolder(install, { logLevel: 'info' });
	try {
		const installed = await n8n.installPackageTarball(uf, tarball);
		await n8n.importCredentials(uf, [
			{
				...WAPPFLY_CREDENTIAL,
				type: 'wappflyApi',
				data: { apiToken: TOKEN, baseUrl: server.url },
			},
			{
				...HEADER_CREDENTIAL,
				type: 'httpHeaderAuth',
				data: { name: 'X-API-Token', value: TOKEN },
			},
		]);
		const workflows = Array.from({ length: ROUNDS }, (_, round) =>
			roundWorkflow(round, server.url),
		);
		await n8n.importWorkflows(uf, workflows);

		/** @type {Record<string, number[]>} */
		const times = Object.fromEntries(VARIANTS.map((v) => [v.key, []]));
		/** @type {Array<{ cpuMs: number, requests: number }>} */
		const serverLoad = [];
		for (const workflow of workflows) {
			server.reset();
			const cpu = process.cpuUsage();
			// The run is read back from n8n's database: printed, its thousands of items would make
			// `n8n execute` slower, and it was seen to exit before its output was complete.
			const executed = await n8n.runN8n(uf, ['execute', `--id=${workflow.id}`], {
				timeoutMs: 900_000,
				env: { N8N_LOG_LEVEL: 'warn' },
			});
			const used = process.cpuUsage(cpu);
			serverLoad.push({
				cpuMs: (used.user + used.system) / 1000,
				requests: server.requests.length,
			});
			const result = (await n8n.readExecutions(uf, { workflowId: workflow.id })).at(-1);
			if (!result || result.status !== 'success') {
				throw new Error(
					`round ${workflow.name} failed (exit ${executed.code}): ${JSON.stringify(result?.data?.resultData?.error)?.slice(0, 500)}\n${executed.stderr.slice(-2000)}`,
				);
			}
			for (const variant of VARIANTS) {
				const run = result.runData[variant.key]?.[0];
				const items = result.json(variant.key) ?? [];
				const expected = variant.kind === 'send' ? N : N * historyLength(server);
				if (!run || run.error || items.length !== expected) {
					throw new Error(
						`${variant.key} in ${workflow.name}: ${run?.error?.message ?? `${items.length} items, expected ${expected}`}`,
					);
				}
				times[variant.key].push(run.executionTime);
			}
			const ok = server.requests.filter((r) => r.status === 200).length;
			if (ok !== server.requests.length) {
				throw new Error(`${server.requests.length - ok} requests were refused by the server`);
			}
		}
		server.reset();
		const load = moduleLoadTimes(install, installed.dir);
		return { install, times, serverLoad, load };
	} finally {
		n8n.removeUserFolder(uf);
	}
}

/** Messages the contract server returns for the read (the seeded history of Bob's chat). */
function historyLength(/** @type {any} */ server) {
	return server.state.messages.filter((/** @type {any} */ m) => m.chat_jid === SEED.bobJid).length;
}

/** @param {number} ms */
const seconds = (ms) => `${(ms / 1000).toFixed(2).padStart(6)} s`;
/** @param {number} ratio */
const times = (ratio) => `${ratio.toFixed(2)}×`;

async function main() {
	const packDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-bench-pack-'));
	const server = await startWappflyServer({ token: TOKEN, quota: 1e9 });
	try {
		const tarball = process.env.BENCH_TARBALL
			? path.resolve(process.env.BENCH_TARBALL)
			: await n8n.packPackage(PROJECT_DIR, { outDir: packDir });
		const cpus = os.cpus();
		print('');
		print(`Throughput in a real n8n: ${N} items through one node, ${ROUNDS} rounds`);
		print(
			`machine: ${cpus[0]?.model ?? 'unknown cpu'}, ${cpus.length} cores, load average ${os
				.loadavg()
				.map((l) => l.toFixed(2))
				.join(
					' ',
				)} at start; tarball ${(fs.statSync(tarball).size / 1024).toFixed(1)} KB${process.env.BENCH_TARBALL ? ` (${tarball})` : ''}`,
		);
		const floor = {
			send: await plainClient(server.url, 'send'),
			read: await plainClient(server.url, 'read'),
		};
		server.reset();
		for (const line of LINES) {
			const { install, times: t, serverLoad, load } = await benchLine(line, tarball, server);
			print('');
			print(`n8n ${install.n8nVersion} on Node ${install.nodeVersion}`);
			print(
				`node module load in a fresh process: ours ${load.ours.toFixed(1)} ms (n8n-workflow before it: ${load.workflow.toFixed(0)} ms)`,
			);
			const cpuPerRequest = serverLoad.map((s) => (s.cpuMs * 1000) / s.requests);
			print(
				`contract server: ${median(cpuPerRequest).toFixed(0)} µs CPU per request (median over rounds, an upper bound); ` +
					`plain node:http client, new connection per call: ${seconds(floor.send)} for ${N} sends, ${seconds(floor.read)} for ${N} reads`,
			);
			print(
				'node                                         | kind  | rounds (executionTime)          | best     | median   | ratio best | ratio median | ratio in each round (median)',
			);
			for (const kind of /** @type {const} */ (['send', 'read'])) {
				const ours = VARIANTS.find((v) => v.kind === kind && v.ours);
				if (!ours) continue;
				const ourBest = Math.min(...t[ours.key]);
				const ourMedian = median(t[ours.key]);
				for (const variant of VARIANTS.filter((v) => v.kind === kind)) {
					const best = Math.min(...t[variant.key]);
					const mid = median(t[variant.key]);
					// Within one round both nodes ran under the same load from the rest of the machine.
					const perRound = t[variant.key].map((ms, round) => t[ours.key][round] / ms);
					const ratios = variant.ours
						? '            |              |'
						: ` ${times(ourBest / best).padStart(10)} | ${times(ourMedian / mid).padStart(12)} | ${perRound.map(times).join(' ')} (${times(median(perRound))})`;
					print(
						`${variant.label.padEnd(44)} | ${kind.padEnd(5)} | ${t[variant.key].map((ms) => seconds(ms)).join(' ')} | ${seconds(best)} | ${seconds(mid)} |${ratios}`,
					);
				}
			}
			print('ratio = Wappfly node time / HTTP Request node time (below 1: ours is faster)');
		}
	} finally {
		await server.close();
		fs.rmSync(packDir, { recursive: true, force: true });
	}
}

main().then(
	() => process.exit(0),
	(error) => {
		process.stderr.write(`${error.stack}\n`);
		process.exit(1);
	},
);
