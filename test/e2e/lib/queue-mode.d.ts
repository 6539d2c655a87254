// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type N8nInstall = import('./install-n8n').N8nInstall;
export type UserFolder = import('./n8n-instance').UserFolder;
export type ExecutionRecord = import('./n8n-instance').ExecutionRecord;
export type PostgresServer = import('./services').PostgresServer;
export type RedisServer = import('./services').RedisServer;
/**
 * where a queue-mode n8n keeps its data
 */
export type PgDatabase = {
	host: string;
	port: number;
	user: string;
	password: string;
	database: string;
};
export type QueueCluster = {
	/**
	 *     one N8N_USER_FOLDER per process (each needs the package installed)
	 */
	folders: {
		main: UserFolder;
		worker: UserFolder;
		webhook: UserFolder;
	};
	db: PgDatabase;
	/**
	 * parent folder of everything below (remove with removeQueueCluster)
	 */
	dir: string;
	/**
	 * N8N_BINARY_DATA_STORAGE_PATH of all three
	 */
	binaryDataDir: string;
	/**
	 * N8N_RESTRICT_FILE_ACCESS_TO of all three
	 */
	filesDir: string;
	/**
	 * N8N_ENCRYPTION_KEY of all three
	 */
	encryptionKey: string;
	/**
	 * QUEUE_BULL_PREFIX (Bull keys are `<prefix>:jobs:*`)
	 */
	queuePrefix: string;
};
export type QueueProcess = {
	role: 'main' | 'worker' | 'webhook';
	/**
	 * `http://127.0.0.1:<port>/`: the editor and REST API (main), the
	 * production webhooks (webhook), the health server (worker)
	 */
	url: string;
	port: number;
	pid: number;
	/**
	 * the process's console output
	 */
	logFile: string;
	/**
	 * from spawn to ready (see startQueueProcess)
	 */
	readyMs: number;
	/**
	 * current content of the log file
	 */
	log: () => string;
	running: () => boolean;
	/**
	 * SIGTERM to the process group, SIGKILL after 20 s
	 * (also done when this process ends without calling stop)
	 */
	stop: () => Promise<void>;
};
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
export function queueModeEnv(o: {
	pg: PostgresServer;
	database: string;
	redis: RedisServer;
	encryptionKey: string;
	binaryMode: string;
	binaryDataDir: string;
	queuePrefix: string;
}): Record<string, string>;
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
export function createQueueUserFolders(
	install: N8nInstall,
	opts: {
		pg: PostgresServer;
		redis: RedisServer;
		database: string;
		binaryMode?: 'filesystem' | 'database' | 'default';
		logLevel?: string;
		parentDir?: string;
		extraEnv?: Record<string, string | undefined>;
	},
): Promise<QueueCluster>;
/**
 * Removes every folder of a cluster (stop its processes first).
 * @param {QueueCluster} cluster
 */
export function removeQueueCluster(cluster: QueueCluster): void;
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
export function startQueueProcess(
	uf: UserFolder,
	role: 'main' | 'worker' | 'webhook',
	opts?: {
		port?: number;
		webhookUrl?: string;
		concurrency?: number;
		timeoutMs?: number;
		env?: Record<string, string>;
	},
): Promise<QueueProcess>;
/**
 * Runs one SQL query on a queue-mode n8n's database.
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {string} sql
 * @param {unknown[]} [params]
 * @param {'rows' | 'executions'} [mode]
 * @returns {Promise<any[]>}
 */
export function queryPostgres(
	install: N8nInstall,
	db: PgDatabase,
	sql: string,
	params?: unknown[],
	mode?: 'rows' | 'executions',
): Promise<any[]>;
/**
 * Executions stored in a queue-mode n8n's database, oldest first, `data` deserialised; the same
 * shape as n8n-instance's readExecutions.
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {{ workflowId?: string, afterId?: number }} [filter]
 * @returns {Promise<ExecutionRecord[]>}
 */
export function readExecutionsPg(
	install: N8nInstall,
	db: PgDatabase,
	filter?: {
		workflowId?: string;
		afterId?: number;
	},
): Promise<ExecutionRecord[]>;
/**
 * Polls the database until at least `count` finished executions match the filter; resolves with
 * the finished ones.
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {{ workflowId?: string, afterId?: number, count?: number, timeoutMs?: number }} [opts]
 * @returns {Promise<ExecutionRecord[]>}
 */
export function waitForExecutionsPg(
	install: N8nInstall,
	db: PgDatabase,
	opts?: {
		workflowId?: string;
		afterId?: number;
		count?: number;
		timeoutMs?: number;
	},
): Promise<ExecutionRecord[]>;
/**
 * Waits until a production webhook with this path is registered in the database (the main
 * process registers them when it activates a workflow; the webhook process reads them there).
 * @param {N8nInstall} install
 * @param {PgDatabase} db
 * @param {string} webhookPath
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<any>} the webhook_entity row
 */
export function waitForWebhookPg(
	install: N8nInstall,
	db: PgDatabase,
	webhookPath: string,
	opts?: {
		timeoutMs?: number;
	},
): Promise<any>;
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
export function loopbackClientProcess(
	clientPort: number,
	serverPort: number,
):
	| {
			pid: number;
			command: string;
	  }
	| undefined;
