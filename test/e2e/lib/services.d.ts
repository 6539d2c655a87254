// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type ServerProcess = {
	/**
	 * leader of its own process group
	 */
	pid: number;
	/**
	 *     sends `signal` to the group, waits for the exit (SIGKILL after graceMs, default 15 s), then
	 *     kills whatever is left of the group and runs `onStopped`
	 */
	stop: (signal: NodeJS.Signals, graceMs?: number) => Promise<void>;
	exited: () => {
		code: number | null;
		signal: NodeJS.Signals | null;
	} | null;
};
export type PostgresServer = {
	/**
	 * '127.0.0.1'
	 */
	host: string;
	port: number;
	/**
	 * the superuser n8n connects as
	 */
	user: string;
	password: string;
	/**
	 * `postgres --version`
	 */
	version: string;
	/**
	 * the server's own folder (data, socket, log)
	 */
	dir: string;
	logFile: string;
	createDatabase: (name: string) => Promise<void>;
	/**
	 * runs SQL, returns psql's unaligned output
	 */
	psql: (database: string, sql: string) => Promise<string>;
	/**
	 * `pg_dump` of a database as SQL text
	 */
	dump: (database: string) => Promise<string>;
	/**
	 * fast shutdown, then the folder is removed (unless keep)
	 */
	stop: () => Promise<void>;
};
export type RedisServer = {
	/**
	 * '127.0.0.1'
	 */
	host: string;
	port: number;
	password: string;
	/**
	 * `redis-server --version`
	 */
	version: string;
	dir: string;
	logFile: string;
	stop: () => Promise<void>;
};
/**
 * a reply (an array holds replies)
 */
export type RespValue = string | number | null | any[];
/** Thrown when a server program is not installed. `message` says how to get it. */
export class MissingServiceError extends Error {
	/** @param {string} message */
	constructor(message: string);
}
/**
 * Finds the PostgreSQL server programs: $WAPPFLY_PG_BINDIR, else the folder of `postgres` on PATH
 * (symlinks resolved), else the newest /usr/lib/postgresql/<version>/bin.
 * @returns {{ binDir: string, version: string }}
 */
export function findPostgres(): {
	binDir: string;
	version: string;
};
/** @returns {{ bin: string, version: string }} */
export function findRedis(): {
	bin: string;
	version: string;
};
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
export function startPostgres(opts?: {
	port?: number;
	keep?: boolean;
	parentDir?: string;
	timeoutMs?: number;
}): Promise<PostgresServer>;
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
export function startRedis(opts?: {
	port?: number;
	keep?: boolean;
	parentDir?: string;
	timeoutMs?: number;
}): Promise<RedisServer>;
/**
 * Sends one command to a Redis server (after AUTH) and resolves with its reply.
 * @param {{ host: string, port: number, password?: string }} server
 * @param {string[]} args
 * @returns {Promise<RespValue>}
 */
export function redisCommand(
	server: {
		host: string;
		port: number;
		password?: string;
	},
	args: string[],
): Promise<RespValue>;
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
export function spawnServer(
	cmd: string,
	args: string[],
	opts: {
		env?: NodeJS.ProcessEnv;
		logFile: string;
		cwd?: string;
		folder?: string;
	},
): ServerProcess;
