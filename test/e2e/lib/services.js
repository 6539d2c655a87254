// @ts-check
'use strict';

/**
 * Real PostgreSQL and Redis servers for the queue-mode test and the webhook bench, started on
 * 127.0.0.1 with their own data folders and free ports, and stopped afterwards.
 *
 *   const pg = await startPostgres();          // the machine's postgres/initdb (Debian's package)
 *   await pg.createDatabase('n8n_1');
 *   const redis = await startRedis();          // the machine's redis-server
 *   await redisCommand(redis, ['LLEN', 'bull:jobs:wait']);
 *   await redis.stop(); await pg.stop();
 *
 * Plain CommonJS, Node built-ins only. When a server binary is missing, the start fails with a
 * `MissingServiceError` that says what is missing and how to install it: nothing is skipped.
 *
 * PostgreSQL refuses to run as root. As root, the server runs as an unprivileged OS user through
 * `runuser` (util-linux): `$WAPPFLY_PG_OS_USER`, else `postgres` (created by Debian's
 * `postgresql` package); its data folder belongs to that user. Not as root, it runs as the
 * current user. Both servers ask for a random password and listen on 127.0.0.1 only.
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const { getFreePort, runProcess } = require('./n8n-instance');

/** Thrown when a server program is not installed. `message` says how to get it. */
class MissingServiceError extends Error {
	/** @param {string} message */
	constructor(message) {
		super(message);
		this.name = 'MissingServiceError';
	}
}

/**
 * What to undo if this process ends before a server is stopped: kill its process group, remove its
 * folder. Run on exit (also after an uncaught error) and on SIGINT, SIGTERM and SIGHUP, which then
 * end the process as they would have.
 * @type {Map<number, () => void>}
 */
const cleanups = new Map();
let hooksInstalled = false;
function installCleanupHooks() {
	if (hooksInstalled) return;
	hooksInstalled = true;
	const cleanUp = () => {
		for (const cleanup of cleanups.values()) {
			try {
				cleanup();
			} catch {
				// best effort
			}
		}
		cleanups.clear();
	};
	process.on('exit', cleanUp);
	for (const signal of /** @type {NodeJS.Signals[]} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
		process.once(signal, () => {
			cleanUp();
			process.kill(process.pid, signal);
		});
	}
}

/** @param {number} pid */
function killGroup(pid) {
	try {
		process.kill(-pid, 'SIGKILL');
	} catch {
		// already gone
	}
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * @param {string} name
 * @returns {string | undefined} absolute path of an executable on PATH
 */
function onPath(name) {
	for (const dir of (process.env.PATH || '').split(path.delimiter)) {
		if (!dir) continue;
		const candidate = path.join(dir, name);
		try {
			fs.accessSync(candidate, fs.constants.X_OK);
			return candidate;
		} catch {
			// not here
		}
	}
	return undefined;
}

/** @param {string} file @param {number} [lines] */
function tailOf(file, lines = 30) {
	try {
		return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
	} catch {
		return '';
	}
}

/**
 * Runs a short command; resolves with its output, rejects with it on a non-zero exit.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env: Record<string, string>, timeoutMs?: number }} opts
 * @returns {Promise<{ stdout: string, stderr: string }>}
 */
async function run(cmd, args, opts) {
	const r = await runProcess(cmd, args, opts);
	if (r.code !== 0)
		throw new Error(
			`${path.basename(cmd)} ${args.join(' ')} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}${r.timedOut ? ', timed out' : ''}):\n${r.stdout}\n${r.stderr}`,
		);
	return r;
}

/**
 * @typedef {object} ServerProcess
 * @property {number} pid          leader of its own process group
 * @property {(signal: NodeJS.Signals, graceMs?: number) => Promise<void>} stop
 *     sends `signal` to the group, waits for the exit (SIGKILL after graceMs, default 15 s), then
 *     kills whatever is left of the group and runs `onStopped`
 * @property {() => { code: number | null, signal: NodeJS.Signals | null } | null} exited
 */

/**
 * Starts a long-running program in its own process group, its output appended to a log file. If
 * this process ends first, the group is killed and `folder` removed (see installCleanupHooks).
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ env?: NodeJS.ProcessEnv, logFile: string, cwd?: string, folder?: string }} opts
 *     folder: removed when this process ends without stopping the server
 * @returns {ServerProcess}
 */
function spawnServer(cmd, args, opts) {
	installCleanupHooks();
	const fd = fs.openSync(opts.logFile, 'a');
	const child = childProcess.spawn(cmd, args, {
		cwd: opts.cwd,
		env: opts.env || process.env,
		detached: true,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	const pid = /** @type {number} */ (child.pid);
	cleanups.set(pid, () => {
		killGroup(pid);
		if (opts.folder) fs.rmSync(opts.folder, { recursive: true, force: true });
	});
	/** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(undefined);
		});
	});
	/** @type {ServerProcess['stop']} */
	const stop = async (signal, graceMs = 15000) => {
		if (!exited) {
			try {
				process.kill(-pid, signal);
			} catch {
				// gone
			}
			const timer = setTimeout(() => killGroup(pid), graceMs);
			await exitPromise;
			clearTimeout(timer);
		}
		// Children (task runners, postgres backends) may outlive the leader.
		killGroup(pid);
		cleanups.delete(pid);
	};
	return { pid, stop, exited: () => exited };
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

const PG_INSTALL_HINT =
	'Install it with `apt-get install -y postgresql` (Debian/Ubuntu: the server programs land in ' +
	'/usr/lib/postgresql/<version>/bin), or set WAPPFLY_PG_BINDIR to a folder holding postgres, ' +
	'initdb and psql. The test starts its own server on a free port; the system service is not used.';

/**
 * Finds the PostgreSQL server programs: $WAPPFLY_PG_BINDIR, else the folder of `postgres` on PATH
 * (symlinks resolved), else the newest /usr/lib/postgresql/<version>/bin.
 * @returns {{ binDir: string, version: string }}
 */
function findPostgres() {
	/** @type {string[]} */
	const candidates = [];
	if (process.env.WAPPFLY_PG_BINDIR) candidates.push(process.env.WAPPFLY_PG_BINDIR);
	const postgresOnPath = onPath('postgres');
	if (postgresOnPath) candidates.push(path.dirname(fs.realpathSync(postgresOnPath)));
	try {
		const versions = fs
			.readdirSync('/usr/lib/postgresql')
			.filter((v) => /^\d+$/.test(v))
			.sort((a, b) => Number(b) - Number(a));
		for (const v of versions) candidates.push(path.join('/usr/lib/postgresql', v, 'bin'));
	} catch {
		// no Debian layout
	}
	const needed = ['postgres', 'initdb', 'psql'];
	for (const dir of candidates) {
		if (needed.every((p) => fs.existsSync(path.join(dir, p)))) {
			const out = childProcess.execFileSync(path.join(dir, 'postgres'), ['--version'], {
				encoding: 'utf8',
			});
			return { binDir: dir, version: out.trim() };
		}
	}
	throw new MissingServiceError(
		`PostgreSQL is missing: no folder with ${needed.join(', ')} found` +
			(candidates.length ? ` (looked in ${candidates.join(', ')})` : '') +
			`. ${PG_INSTALL_HINT}`,
	);
}

/**
 * The OS user that runs postgres: null for the current user (not root), else an unprivileged
 * user with its uid and gid.
 * @returns {{ name: string, uid: number, gid: number } | null}
 */
function postgresOsUser() {
	if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
	const name = process.env.WAPPFLY_PG_OS_USER || 'postgres';
	/** @param {string} flag */
	const idOf = (flag) =>
		Number(childProcess.execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
	let uid;
	let gid;
	try {
		uid = idOf('-u');
		gid = idOf('-g');
	} catch {
		throw new MissingServiceError(
			`PostgreSQL refuses to run as root, and there is no OS user "${name}" to run it as. ` +
				'Install Debian\'s `postgresql` package (it creates the user "postgres"), create an ' +
				'unprivileged user (`useradd --system --no-create-home pgtest`) and set ' +
				'WAPPFLY_PG_OS_USER=pgtest, or run the test as a user other than root.',
		);
	}
	if (uid === 0)
		throw new MissingServiceError(
			`WAPPFLY_PG_OS_USER=${name} is root; PostgreSQL needs an unprivileged user.`,
		);
	if (!onPath('runuser') && !fs.existsSync('/usr/sbin/runuser') && !fs.existsSync('/sbin/runuser'))
		throw new MissingServiceError(
			'PostgreSQL refuses to run as root and `runuser` (util-linux) is missing to run it as ' +
				`"${name}": install util-linux, or run the test as a user other than root.`,
		);
	return { name, uid, gid };
}

/**
 * @typedef {object} PostgresServer
 * @property {string} host        '127.0.0.1'
 * @property {number} port
 * @property {string} user        the superuser n8n connects as
 * @property {string} password
 * @property {string} version     `postgres --version`
 * @property {string} dir         the server's own folder (data, socket, log)
 * @property {string} logFile
 * @property {(name: string) => Promise<void>} createDatabase
 * @property {(database: string, sql: string) => Promise<string>} psql  runs SQL, returns psql's unaligned output
 * @property {(database: string) => Promise<string>} dump  `pg_dump` of a database as SQL text
 * @property {() => Promise<void>} stop   fast shutdown, then the folder is removed (unless keep)
 */

/**
 * Initialises a fresh cluster in a temporary folder and starts it on 127.0.0.1.
 * @param {{ port?: number, keep?: boolean, parentDir?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<PostgresServer>}
 */
async function startPostgres(opts = {}) {
	const { binDir, version } = findPostgres();
	const osUser = postgresOsUser();
	const dir = fs.mkdtempSync(path.join(opts.parentDir || os.tmpdir(), 'wappfly-pg-'));
	const dataDir = path.join(dir, 'data');
	const socketDir = path.join(dir, 'socket');
	const logFile = path.join(dir, 'postgres.log');
	fs.mkdirSync(socketDir);
	fs.writeFileSync(logFile, '');
	const user = 'n8n';
	const password = crypto.randomBytes(18).toString('base64url');
	const pwFile = path.join(dir, 'pwfile');
	fs.writeFileSync(pwFile, `${password}\n`, { mode: 0o600 });
	if (osUser) {
		for (const p of [dir, socketDir, logFile, pwFile]) fs.chownSync(p, osUser.uid, osUser.gid);
	}
	/** @param {string} prog @param {string[]} args */
	const asServerUser = (prog, args) =>
		osUser
			? { cmd: 'runuser', args: ['-u', osUser.name, '--', path.join(binDir, prog), ...args] }
			: { cmd: path.join(binDir, prog), args };
	// A clean environment: no PG* variable of the caller leaks into the server.
	/** @type {NodeJS.ProcessEnv} */
	const serverEnv = {
		PATH: process.env.PATH || '/usr/bin:/bin',
		LANG: 'C',
		LC_ALL: 'C',
		TZ: 'UTC',
	};

	const init = asServerUser('initdb', [
		'-D',
		dataDir,
		'-U',
		user,
		'--pwfile',
		pwFile,
		'--auth=scram-sha-256',
		'--encoding=UTF8',
		'--locale=C',
		'--no-sync',
	]);
	try {
		await run(init.cmd, init.args, { env: serverEnv, timeoutMs: 120000 });
	} catch (err) {
		fs.rmSync(dir, { recursive: true, force: true });
		throw err;
	}
	fs.rmSync(pwFile, { force: true });

	const port = opts.port || (await getFreePort());
	// Test settings: durability off (fsync), loopback only, no Unix socket outside our folder.
	const start = asServerUser('postgres', [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		`unix_socket_directories=${socketDir}`,
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=200',
	]);
	const server = spawnServer(start.cmd, start.args, {
		env: serverEnv,
		logFile,
		cwd: dir,
		folder: opts.keep ? undefined : dir,
	});

	const clientEnv = {
		PATH: serverEnv.PATH,
		PGPASSWORD: password,
		PGCONNECT_TIMEOUT: '5',
		LANG: 'C',
	};
	/** @param {string} database @param {string} sql */
	const psql = async (database, sql) => {
		const { stdout } = await run(
			path.join(binDir, 'psql'),
			[
				'-X',
				'-q',
				'-A',
				'-t',
				'-v',
				'ON_ERROR_STOP=1',
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				user,
				'-d',
				database,
				'-c',
				sql,
			],
			{ env: clientEnv, timeoutMs: 60000 },
		);
		return stdout;
	};

	const stop = async () => {
		// SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for every client to leave).
		await server.stop('SIGINT');
		if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
	};

	const deadline = Date.now() + (opts.timeoutMs || 60000);
	for (;;) {
		const exited = server.exited();
		if (exited) {
			const log = tailOf(logFile);
			await stop();
			throw new Error(`postgres exited at start (${JSON.stringify(exited)}):\n${log}`);
		}
		try {
			await psql('postgres', 'SELECT 1');
			break;
		} catch (err) {
			if (Date.now() > deadline) {
				await stop();
				throw new Error(`postgres did not accept connections: ${err}\n${tailOf(logFile)}`);
			}
			await sleep(200);
		}
	}

	return {
		host: '127.0.0.1',
		port,
		user,
		password,
		version,
		dir,
		logFile,
		psql,
		createDatabase: async (name) => {
			if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad database name ${name}`);
			await psql('postgres', `CREATE DATABASE ${name}`);
		},
		dump: async (database) => {
			const { stdout } = await run(
				path.join(binDir, 'pg_dump'),
				['-h', '127.0.0.1', '-p', String(port), '-U', user, '-d', database],
				{ env: clientEnv, timeoutMs: 120000 },
			);
			return stdout;
		},
		stop,
	};
}

// ---------------------------------------------------------------------------------------------
// Redis

const REDIS_INSTALL_HINT =
	'Install it with `apt-get install -y redis-server` (Debian/Ubuntu), or set ' +
	'WAPPFLY_REDIS_SERVER to its path. The test starts its own server on a free port; the system ' +
	'service is not used.';

/** @returns {{ bin: string, version: string }} */
function findRedis() {
	const candidates = [
		process.env.WAPPFLY_REDIS_SERVER,
		onPath('redis-server'),
		'/usr/bin/redis-server',
		'/usr/local/bin/redis-server',
	].filter(/** @returns {c is string} */ (c) => typeof c === 'string' && c !== '');
	for (const bin of candidates) {
		if (!fs.existsSync(bin)) continue;
		const out = childProcess.execFileSync(bin, ['--version'], { encoding: 'utf8' });
		return { bin, version: out.trim() };
	}
	throw new MissingServiceError(`Redis is missing: no redis-server found. ${REDIS_INSTALL_HINT}`);
}

/**
 * @typedef {object} RedisServer
 * @property {string} host       '127.0.0.1'
 * @property {number} port
 * @property {string} password
 * @property {string} version    `redis-server --version`
 * @property {string} dir
 * @property {string} logFile
 * @property {() => Promise<void>} stop
 */

/**
 * Starts `redis-server` on 127.0.0.1 with a password, no persistence, and its own folder.
 * @param {{ port?: number, keep?: boolean, parentDir?: string, timeoutMs?: number }} [opts]
 * @returns {Promise<RedisServer>}
 */
async function startRedis(opts = {}) {
	const { bin, version } = findRedis();
	const dir = fs.mkdtempSync(path.join(opts.parentDir || os.tmpdir(), 'wappfly-redis-'));
	const logFile = path.join(dir, 'redis.log');
	const password = crypto.randomBytes(18).toString('base64url');
	const port = opts.port || (await getFreePort());
	// The password goes in a config file, not on the command line (ps shows arguments).
	const conf = path.join(dir, 'redis.conf');
	fs.writeFileSync(
		conf,
		[
			`port ${port}`,
			'bind 127.0.0.1',
			'protected-mode yes',
			`dir ${dir}`,
			'save ""',
			'appendonly no',
			'daemonize no',
			`requirepass ${password}`,
			'',
		].join('\n'),
		{ mode: 0o600 },
	);
	const server = spawnServer(bin, [conf], {
		logFile,
		cwd: dir,
		env: { PATH: process.env.PATH },
		folder: opts.keep ? undefined : dir,
	});
	const stop = async () => {
		await server.stop('SIGTERM');
		if (!opts.keep) fs.rmSync(dir, { recursive: true, force: true });
	};
	/** @type {RedisServer} */
	const redis = { host: '127.0.0.1', port, password, version, dir, logFile, stop };
	const deadline = Date.now() + (opts.timeoutMs || 30000);
	for (;;) {
		const exited = server.exited();
		if (exited) {
			const log = tailOf(logFile);
			await stop();
			throw new Error(`redis-server exited at start (${JSON.stringify(exited)}):\n${log}`);
		}
		try {
			if ((await redisCommand(redis, ['PING'])) === 'PONG') return redis;
		} catch (err) {
			if (Date.now() > deadline) {
				await stop();
				throw new Error(`redis-server did not answer PING: ${err}\n${tailOf(logFile)}`);
			}
		}
		await sleep(100);
	}
}

/**
 * @typedef {string | number | null | any[]} RespValue  a reply (an array holds replies)
 */

/**
 * Parses one RESP reply at `offset`; undefined when the buffer does not hold all of it yet.
 * @param {Buffer} buf
 * @param {number} offset
 * @returns {{ value: RespValue | Error, next: number } | undefined}
 */
function parseResp(buf, offset) {
	const lineEnd = buf.indexOf('\r\n', offset);
	if (lineEnd === -1) return undefined;
	const type = String.fromCharCode(buf[offset]);
	const line = buf.toString('utf8', offset + 1, lineEnd);
	const after = lineEnd + 2;
	if (type === '+') return { value: line, next: after };
	if (type === '-') return { value: new Error(line), next: after };
	if (type === ':') return { value: Number(line), next: after };
	if (type === '$') {
		const len = Number(line);
		if (len < 0) return { value: null, next: after };
		if (buf.length < after + len + 2) return undefined;
		return { value: buf.toString('utf8', after, after + len), next: after + len + 2 };
	}
	if (type === '*') {
		const count = Number(line);
		if (count < 0) return { value: null, next: after };
		/** @type {RespValue[]} */
		const items = [];
		let next = after;
		for (let i = 0; i < count; i++) {
			const item = parseResp(buf, next);
			if (!item) return undefined;
			if (item.value instanceof Error) return item;
			items.push(item.value);
			next = item.next;
		}
		return { value: items, next };
	}
	throw new Error(
		`unexpected RESP reply: ${JSON.stringify(buf.toString('utf8', offset, lineEnd))}`,
	);
}

/**
 * Sends one command to a Redis server (after AUTH) and resolves with its reply.
 * @param {{ host: string, port: number, password?: string }} server
 * @param {string[]} args
 * @returns {Promise<RespValue>}
 */
function redisCommand(server, args) {
	/** @param {string[]} a */
	const encode = (a) =>
		`*${a.length}\r\n${a.map((s) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`).join('')}`;
	const commands = server.password ? [['AUTH', server.password], args] : [args];
	return new Promise((resolve, reject) => {
		const socket = net.connect(server.port, server.host);
		let buf = Buffer.alloc(0);
		socket.setTimeout(5000, () => socket.destroy(new Error('redis: no answer within 5 s')));
		socket.on('error', reject);
		socket.on('connect', () => socket.write(commands.map(encode).join('')));
		socket.on('data', (chunk) => {
			buf = Buffer.concat([buf, chunk]);
			/** @type {Array<RespValue | Error>} */
			const replies = [];
			let offset = 0;
			try {
				while (replies.length < commands.length) {
					const parsed = parseResp(buf, offset);
					if (!parsed) return;
					replies.push(parsed.value);
					offset = parsed.next;
				}
			} catch (err) {
				socket.destroy();
				reject(err);
				return;
			}
			socket.end();
			const failed = replies.find((r) => r instanceof Error);
			if (failed) reject(failed);
			else resolve(/** @type {RespValue} */ (replies[replies.length - 1]));
		});
	});
}

module.exports = {
	MissingServiceError,
	findPostgres,
	findRedis,
	startPostgres,
	startRedis,
	redisCommand,
	spawnServer,
};
