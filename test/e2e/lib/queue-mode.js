// @ts-check
'use strict';

/**
 * n8n in queue mode (`EXECUTIONS_MODE=queue`) for the queue-mode test and the webhook bench:
 * PostgreSQL and Redis (services.js), one user folder per n8n process (each with our package
 * installed, as on separate hosts), and the main, worker and webhook processes.
 *
 *   const pg = await startPostgres(); const redis = await startRedis();
 *   await pg.createDatabase('n8n_1');
 *   const cluster = await createQueueUserFolders(install, { pg, redis, database: 'n8n_1' });
 *   for (const uf of Object.values(cluster.folders)) await installPackageTarball(uf, tgz);
 *   await importCredentials(cluster.folders.main, creds);     // once: the database is shared
 *   const webhook = await startQueueProcess(cluster.folders.webhook, 'webhook');
 *   const main = await startQueueProcess(cluster.folders.main, 'main', { webhookUrl: webhook.url });
 *   const worker = await startQueueProcess(cluster.folders.worker, 'worker');
 *   await waitForExecutionsPg(cluster.db, install, { workflowId, count: 1 });
 *
 * All three processes get the same N8N_ENCRYPTION_KEY, database, Redis, binary data folder
 * (N8N_BINARY_DATA_STORAGE_PATH) and readable files folder (N8N_RESTRICT_FILE_ACCESS_TO).
 * Plain CommonJS, Node built-ins only; n8n's own `pg` and `flatted` read its database, in a
 * process of the Node that installed n8n.
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const { createUserFolder, executionRecord, getFreePort } = require('./n8n-instance');
const { spawnServer } = require('./services');

/**
 * @typedef {import('./install-n8n').N8nInstall} N8nInstall
 * @typedef {import('./n8n-instance').UserFolder} UserFolder
 * @typedef {import('./n8n-instance').ExecutionRecord} ExecutionRecord
 * @typedef {import('./services').PostgresServer} PostgresServer
 * @typedef {import('./services').RedisServer} RedisServer
 */

/**
 * @typedef {object} PgDatabase  where a queue-mode n8n keeps its data
 * @property {string} host
 * @property {number} port
 * @property {string} user
 * @property {string} password
 * @property {string} database
 */

/**
 * @typedef {object} QueueCluster
 * @property {{ main: UserFolder, worker: UserFolder, webhook: UserFolder }} folders
 *     one N8N_USER_FOLDER per process (each needs the package installed)
 * @property {PgDatabase} db
 * @property {string} dir             parent folder of everything below (remove with removeQueueCluster)
 * @property {string} binaryDataDir   N8N_BINARY_DATA_STORAGE_PATH of all three
 * @property {string} filesDir        N8N_RESTRICT_FILE_ACCESS_TO of all three
 * @property {string} encryptionKey   N8N_ENCRYPTION_KEY of all three
 * @property {string} queuePrefix     QUEUE_BULL_PREFIX (Bull keys are `<prefix>:jobs:*`)
 */

/**
 * The environment every process of a queue-mode n8n shares.
 * @param {{ pg: PostgresServer, database: string, redis: RedisServer, encryptionKey: string,
 *   binaryMode: string, binaryDataDir: string, queuePrefix: string }} o
 * @returns {Record<string, string>}
 */
function queueModeEnv(o) {
	return {
		EXECUTIONS_MODE: 'queue',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: o.pg.host,
		DB_POSTGRESDB_PORT: String(o.pg.port),
		DB_POSTGRESDB_DATABASE: o.database,
		DB_POSTGRESDB_USER: o.pg.user,
		DB_POSTGRESDB_PASSWORD: o.pg.password,
		QUEUE_BULL_REDIS_HOST: o.redis.host,
		QUEUE_BULL_REDIS_PORT: String(o.redis.port),
		QUEUE_BULL_REDIS_PASSWORD: o.redis.password,
		QUEUE_BULL_PREFIX: o.queuePrefix,
		N8N_REDIS_KEY_PREFIX: `${o.queuePrefix}-n8n`,
		N8N_ENCRYPTION_KEY: o.encryptionKey,
		N8N_DEFAULT_BINARY_DATA_MODE: o.binaryMode,
		N8N_BINARY_DATA_STORAGE_PATH: o.binaryDataDir,
		// A soft-deleted execution is pruned after an hour: none is pruned during a test.
		EXECUTIONS_DATA_PRUNE: 'false',
	};
}

/**
 * Creates the three user folders of a queue-mode n8n (main, worker, webhook) under one parent.
 * The database must exist (pg.createDatabase); it is migrated by the first n8n command run.
 * @param {N8nInstall} install
 * @param {{ pg: PostgresServer, redis: RedisServer, database: string,
 *   binaryMode?: 'filesystem' | 'database' | 'default', logLevel?: string, parentDir?: string,
 *   extraEnv?: Record<string, string | undefined> }} opts
 *     binaryMode: N8N_DEFAULT_BINARY_DATA_MODE (default 'filesystem', on the shared folder);
 *     logLevel: N8N_LOG_LEVEL of every process (default 'debug': the logs show the most)
 * @returns {Promise<QueueCluster>}
 */
async function createQueueUserFolders(install, opts) {
	const dir = fs.mkdtempSync(
		path.join(opts.parentDir || os.tmpdir(), `n8n-queue-${install.version}-`),
	);
	const binaryDataDir = path.join(dir, 'shared-binary-data');
	const filesDir = path.join(dir, 'shared-files');
	fs.mkdirSync(binaryDataDir);
	fs.mkdirSync(filesDir);
	const encryptionKey = crypto.randomBytes(24).toString('hex');
	const queuePrefix = `wappfly-${install.version}-${crypto.randomBytes(3).toString('hex')}`;
	const shared = queueModeEnv({
		pg: opts.pg,
		database: opts.database,
		redis: opts.redis,
		encryptionKey,
		binaryMode: opts.binaryMode || 'filesystem',
		binaryDataDir,
		queuePrefix,
	});
	const folder = () =>
		createUserFolder(install, {
			parentDir: dir,
			filesDir,
			logLevel: opts.logLevel || 'debug',
			extraEnv: { ...shared, ...(opts.extraEnv || {}) },
		});
	return {
		folders: {
			main: await folder(),
			worker: await folder(),
			webhook: await folder(),
		},
		db: {
			host: opts.pg.host,
			port: opts.pg.port,
			user: opts.pg.user,
			password: opts.pg.password,
			database: opts.database,
		},
		dir,
		binaryDataDir,
		filesDir,
		encryptionKey,
		queuePrefix,
	};
}

/**
 * Removes every folder of a cluster (stop its processes first).
 * @param {QueueCluster} cluster
 */
function removeQueueCluster(cluster) {
	fs.rmSync(cluster.dir, { recursive: true, force: true });
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {string} s @param {number} [n] */
function tail(s, n = 60) {
	return s.split('\n').slice(-n).join('\n');
}

/**
 * @param {string} url
 * @returns {Promise<{ status: number, contentType: string }>} status 0 when nothing answered
 */
function httpGet(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 2000 }, (res) => {
			res.resume();
			resolve({ status: res.statusCode || 0, contentType: String(res.headers['content-type']) });
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve({ status: 0, contentType: '' }));
	});
}

/**
 * Whether n8n's production webhook routes are mounted: n8n answers a GET for an unknown webhook
 * with its own JSON 404; before the routes exist, Express answers with an HTML page. (A server is
 * "ready" at /healthz/readiness a moment before that.) Nothing is executed.
 * @param {string} url
 */
async function webhookRoutesMounted(url) {
	const probe = await httpGet(`${url}webhook/wappfly-readiness-probe`);
	return probe.status === 404 && probe.contentType.startsWith('application/json');
}

/**
 * @typedef {object} QueueProcess
 * @property {'main' | 'worker' | 'webhook'} role
 * @property {string} url        `http://127.0.0.1:<port>/`: the editor and REST API (main), the
 *                               production webhooks (webhook), the health server (worker)
 * @property {number} port
 * @property {number} pid
 * @property {string} logFile    the process's console output
 * @property {number} readyMs    from spawn to ready (see startQueueProcess)
 * @property {() => string} log  current content of the log file
 * @property {() => boolean} running
 * @property {() => Promise<void>} stop  SIGTERM to the process group, SIGKILL after 20 s
 *     (also done when this process ends without calling stop)
 */

/**
 * Starts one process of a queue-mode n8n and waits until `/healthz/readiness` answers 200 and,
 * for main and webhook, the production webhook routes are mounted: `n8n start` (main),
 * `n8n worker` (its health server on), or `n8n webhook`.
 * @param {UserFolder} uf
 * @param {'main' | 'worker' | 'webhook'} role
 * @param {{ port?: number, webhookUrl?: string, concurrency?: number, timeoutMs?: number,
 *   env?: Record<string, string> }} [opts]
 *     webhookUrl (main): the public URL of the webhook process, shown as the Production URL;
 *     concurrency (worker): executions at once (default 10, n8n's own default)
 * @returns {Promise<QueueProcess>}
 */
async function startQueueProcess(uf, role, opts = {}) {
	const port = opts.port || (await getFreePort());
	const url = `http://127.0.0.1:${port}/`;
	const logFile = path.join(uf.tmpDir, `n8n-${role}-${port}.log`);
	/** @type {string[]} */
	let args;
	/** @type {Record<string, string>} */
	let env;
	if (role === 'worker') {
		args = ['worker', `--concurrency=${opts.concurrency || 10}`];
		env = {
			QUEUE_HEALTH_CHECK_ACTIVE: 'true',
			QUEUE_HEALTH_CHECK_PORT: String(port),
			N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
		};
	} else {
		const publicUrl = role === 'main' ? opts.webhookUrl || url : url;
		args = [role === 'main' ? 'start' : 'webhook'];
		env = {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			// 2.x deprecates WEBHOOK_URL in favour of N8N_WEBHOOK_URL; 1.x knows only WEBHOOK_URL.
			...(uf.install.version === '1' ? { WEBHOOK_URL: publicUrl } : { N8N_WEBHOOK_URL: publicUrl }),
			N8N_EDITOR_BASE_URL: url,
		};
	}
	const started = Date.now();
	const server = spawnServer(uf.install.nodeBin, [uf.install.n8nBin, ...args], {
		cwd: uf.dir,
		env: { ...uf.env, ...env, ...(opts.env || {}) },
		logFile,
	});
	const readLog = () => {
		try {
			return fs.readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};
	const stop = () => server.stop('SIGTERM', 20000);

	const deadline = Date.now() + (opts.timeoutMs || 180000);
	for (;;) {
		const exited = server.exited();
		if (exited) {
			await stop();
			throw new Error(
				`n8n ${args.join(' ')} (${role}) exited early (${JSON.stringify(exited)}); log ${logFile}:\n${tail(readLog())}`,
			);
		}
		const ready =
			(await httpGet(`${url}healthz/readiness`)).status === 200 &&
			(role === 'worker' || (await webhookRoutesMounted(url)));
		if (ready) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`n8n ${role}: not ready after ${opts.timeoutMs || 180000} ms; log ${logFile}:\n${tail(readLog())}`,
			);
		}
		await sleep(250);
	}
	return {
		role,
		url,
		port,
		pid: server.pid,
		logFile,
		readyMs: Date.now() - started,
		log: readLog,
		running: () => !server.exited(),
		stop,
	};
}

// ---------------------------------------------------------------------------------------------
// Reading a queue-mode n8n's PostgreSQL database with n8n's own `pg` and `flatted`.

/**
 * Script run by the install's node: argv = [n8nPackageJson, mode]; stdin = JSON
 * `{ connection, sql, params }`. Mode 'rows' prints the rows as JSON; 'executions' also parses
 * the `data` column (flatted) of each row.
 */
const PG_SCRIPT = `
const { createRequire } = require('node:module');
const [n8nPkg, mode] = process.argv.slice(1);
const r = createRequire(n8nPkg);
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', async () => {
	const { connection, sql, params } = JSON.parse(input);
	const { Client } = r('pg');
	const client = new Client({ ...connection, connectionTimeoutMillis: 10000 });
	try {
		await client.connect();
		const { rows } = await client.query(sql, params);
		if (mode === 'executions') {
			const flatted = r('flatted');
			for (const row of rows) {
				if (typeof row.data === 'string') {
					try { row.data = flatted.parse(row.data); } catch (e) { row.dataParseError = String(e); }
				}
				if (typeof row.workflowData === 'string') row.workflowData = JSON.parse(row.workflowData);
			}
		}
		const seen = new WeakSet();
		process.stdout.write(JSON.stringify(rows, (k, v) => {
			if (v && typeof v === 'object') {
				if (seen.has(v)) return Array.isArray(v) ? v.slice() : Object.assign({}, v);
				seen.add(v);
			}
			return v;
		}));
	} catch (e) {
		process.stderr.write(String(e && e.stack || e));
		process.exitCode = 2;
	} finally {
		await client.end().catch(() => undefined);
	}
});
`;

/**
 * Runs one SQL query on a queue-mode n8n's database.
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {string} sql
 * @param {unknown[]} [params]
 * @param {'rows' | 'executions'} [mode]
 * @returns {Promise<any[]>}
 */
function queryPostgres(install, db, sql, params = [], mode = 'rows') {
	const n8nPkg = path.join(install.dir, 'node_modules', 'n8n', 'package.json');
	return new Promise((resolve, reject) => {
		const child = childProcess.spawn(install.nodeBin, ['-e', PG_SCRIPT, n8nPkg, mode], {
			stdio: ['pipe', 'pipe', 'pipe'],
			env: { PATH: process.env.PATH || '' },
		});
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout.on('data', (b) => out.push(b));
		child.stderr.on('data', (b) => err.push(b));
		const timer = setTimeout(() => child.kill('SIGKILL'), 120000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			if (code !== 0) {
				reject(new Error(`postgres query failed (exit ${code}): ${Buffer.concat(err)}\n${sql}`));
				return;
			}
			resolve(JSON.parse(Buffer.concat(out).toString('utf8') || '[]'));
		});
		const connection = {
			host: db.host,
			port: db.port,
			user: db.user,
			password: db.password,
			database: db.database,
		};
		child.stdin.end(JSON.stringify({ connection, sql, params }));
	});
}

/**
 * Executions stored in a queue-mode n8n's database, oldest first, `data` deserialised; the same
 * shape as n8n-instance's readExecutions.
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {{ workflowId?: string, afterId?: number }} [filter]
 * @returns {Promise<ExecutionRecord[]>}
 */
async function readExecutionsPg(install, db, filter = {}) {
	const where = [];
	/** @type {unknown[]} */
	const params = [];
	if (filter.workflowId !== undefined) {
		params.push(filter.workflowId);
		where.push(`e."workflowId" = $${params.length}`);
	}
	if (filter.afterId !== undefined) {
		params.push(filter.afterId);
		where.push(`e.id > $${params.length}`);
	}
	const rows = await queryPostgres(
		install,
		db,
		'SELECT e.id, e."workflowId", e.status, e.mode, e.finished, e."startedAt", e."stoppedAt", ' +
			'd.data, d."workflowData" FROM execution_entity e ' +
			'LEFT JOIN execution_data d ON d."executionId" = e.id ' +
			(where.length ? `WHERE ${where.join(' AND ')} ` : '') +
			'ORDER BY e.id',
		params,
		'executions',
	);
	return rows.map(executionRecord);
}

const UNFINISHED = new Set(['new', 'running', 'waiting', 'unknown']);

/**
 * Polls the database until at least `count` finished executions match the filter; resolves with
 * the finished ones.
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {{ workflowId?: string, afterId?: number, count?: number, timeoutMs?: number }} [opts]
 * @returns {Promise<ExecutionRecord[]>}
 */
async function waitForExecutionsPg(install, db, opts = {}) {
	const timeoutMs = opts.timeoutMs || 60000;
	const deadline = Date.now() + timeoutMs;
	const count = opts.count || 1;
	for (;;) {
		const all = await readExecutionsPg(install, db, opts);
		const done = all.filter(
			(e) => !UNFINISHED.has(e.status) && e.data && (e.lastNodeExecuted !== undefined || e.error),
		);
		if (done.length >= count) return done;
		if (Date.now() > deadline) {
			throw new Error(
				`waitForExecutionsPg: ${done.length}/${count} finished executions after ${timeoutMs} ms ` +
					`(seen: ${JSON.stringify(all.map((e) => ({ id: e.id, wf: e.workflowId, status: e.status })))})`,
			);
		}
		await sleep(400);
	}
}

/**
 * Waits until a production webhook with this path is registered in the database (the main
 * process registers them when it activates a workflow; the webhook process reads them there).
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {string} webhookPath
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<any>} the webhook_entity row
 */
async function waitForWebhookPg(install, db, webhookPath, opts = {}) {
	const timeoutMs = opts.timeoutMs || 60000;
	const deadline = Date.now() + timeoutMs;
	const clean = webhookPath.replace(/^\/+/, '');
	for (;;) {
		const rows = await queryPostgres(
			install,
			db,
			'SELECT * FROM webhook_entity WHERE "webhookPath" = $1',
			[clean],
		).catch(() => []);
		if (rows.length) return rows[0];
		if (Date.now() > deadline) {
			const all = await queryPostgres(
				install,
				db,
				'SELECT "webhookPath", method, "workflowId" FROM webhook_entity',
			).catch((e) => String(e));
			throw new Error(
				`webhook ${clean} not registered after ${timeoutMs} ms; registered: ${JSON.stringify(all)}`,
			);
		}
		await sleep(400);
	}
}

// ---------------------------------------------------------------------------------------------
// Which process opened a loopback connection (Linux): to prove where a request came from.

/**
 * The process that holds the client end of an open TCP connection on this machine, found through
 * `/proc/net/tcp{,6}` (the socket's inode) and `/proc/<pid>/fd` (who holds that inode). Call it
 * while the connection is open, e.g. from a server's request handler with
 * `req.socket.remotePort` and `req.socket.localPort`. Linux only; it needs to read the other
 * processes' `/proc/<pid>/fd` (same user, or root).
 * @param {number} clientPort  the connection's port on the client side
 * @param {number} serverPort  the port the client connected to
 * @returns {{ pid: number, command: string } | undefined}  undefined when not found
 */
function loopbackClientProcess(clientPort, serverPort) {
	const hex = (/** @type {number} */ port) => port.toString(16).toUpperCase().padStart(4, '0');
	let inode = '';
	for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text = '';
		try {
			text = fs.readFileSync(table, 'utf8');
		} catch {
			continue;
		}
		for (const line of text.split('\n').slice(1)) {
			// sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
			const fields = line.trim().split(/\s+/);
			if (fields.length < 10 || fields[9] === '0') continue;
			if (fields[1].endsWith(`:${hex(clientPort)}`) && fields[2].endsWith(`:${hex(serverPort)}`)) {
				inode = fields[9];
				break;
			}
		}
		if (inode) break;
	}
	if (!inode) return undefined;
	const link = `socket:[${inode}]`;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		let fds = [];
		try {
			fds = fs.readdirSync(`/proc/${entry}/fd`);
		} catch {
			continue;
		}
		for (const fd of fds) {
			let target = '';
			try {
				target = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
			} catch {
				continue;
			}
			if (target !== link) continue;
			let command = '';
			try {
				command = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ').trim();
			} catch {
				// it just ended
			}
			return { pid: Number(entry), command };
		}
	}
	return undefined;
}

module.exports = {
	queueModeEnv,
	createQueueUserFolders,
	removeQueueCluster,
	startQueueProcess,
	queryPostgres,
	readExecutionsPg,
	waitForExecutionsPg,
	waitForWebhookPg,
	loopbackClientProcess,
};
