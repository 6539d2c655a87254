// Generated from the JSDoc of the .js file next to it by make-types.js; do not edit.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type RunResult = {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	/**
	 * wall time
	 */
	ms: number;
	timedOut: boolean;
};
export type RunView = {
	/**
	 * resultData.runData (node name -> task runs)
	 */
	runData: Record<string, any[]>;
	/**
	 * resultData.error, or undefined
	 */
	error: any;
	lastNodeExecuted: string | undefined;
	/**
	 *     items (`{ json, binary?, pairedItem? }`) of a node's last run (or run `run`), output `output` (0);
	 *     undefined if the node did not run
	 */
	lastNodeOutput: (
		nodeName: string,
		opts?: {
			output?: number;
			run?: number;
		},
	) => any[] | undefined;
	/**
	 *     the `json` of those items
	 */
	json: (
		nodeName: string,
		opts?: {
			output?: number;
			run?: number;
		},
	) => any[] | undefined;
	/**
	 * the error of a node's last run, if any
	 */
	nodeError: (nodeName: string) => any;
};
/**
 * ok: the run has no error (n8n also exits 1 then); code: n8n's exit code; raw: the printed run
 * (`{ data: { resultData, executionData, ... }, mode, status, startedAt, stoppedAt, finished }`)
 */
export type ExecuteResult = RunView & {
	ok: boolean;
	status: string | undefined;
	raw: any;
	stdout: string;
	stderr: string;
	code: number | null;
	ms: number;
};
export type ExecutionRecord = RunView & {
	id: string;
	workflowId: string;
	status: string;
	mode: string;
	finished: boolean;
	startedAt: string | null;
	stoppedAt: string | null;
	data: any;
	workflowData: any;
};
export type N8nServer = {
	/**
	 * `http://127.0.0.1:<port>/` (also WEBHOOK_URL)
	 */
	url: string;
	port: number;
	pid: number;
	/**
	 * n8n's console output
	 */
	logFile: string;
	/**
	 * from spawn to /healthz/readiness answering 200
	 */
	readyMs: number;
	stop: () => Promise<void>;
	/**
	 *     resolves with the `webhook_entity` row once a production webhook with that path is registered
	 */
	waitForWebhook: (
		webhookPath: string,
		opts?: {
			method?: string;
			timeoutMs?: number;
		},
	) => Promise<any>;
	readExecutions: (filter?: {
		workflowId?: string;
		afterId?: number;
	}) => Promise<ExecutionRecord[]>;
	waitForExecutions: (opts?: {
		workflowId?: string;
		afterId?: number;
		count?: number;
		timeoutMs?: number;
	}) => Promise<ExecutionRecord[]>;
	/**
	 * resolves once `/rest/*` is mounted
	 */
	waitForRest: (timeoutMs?: number) => Promise<void>;
	/**
	 * current content of the log file
	 */
	log: () => string;
};
export type N8nInstall = import('./install-n8n').N8nInstall;
export type UserFolder = {
	install: N8nInstall;
	/**
	 * N8N_USER_FOLDER (n8n keeps its files in `${dir}/.n8n`)
	 */
	dir: string;
	/**
	 * `${dir}/.n8n`
	 */
	n8nDir: string;
	/**
	 * `${dir}/.n8n/database.sqlite`
	 */
	dbPath: string;
	/**
	 * the folder n8n may read and write files in (N8N_RESTRICT_FILE_ACCESS_TO)
	 */
	filesDir: string;
	/**
	 * scratch folder for import files, logs and outputs
	 */
	tmpDir: string;
	/**
	 * the full environment every n8n process of this folder gets
	 */
	env: Record<string, string>;
	/**
	 * task-broker port (2.x always starts one; unique per folder)
	 */
	brokerPort: number;
};
/** The variable through which the e2e global setup hands its packed tarball to every test file. */
export const SHARED_TARBALL_ENV: 'WAPPFLY_E2E_TARBALL';
/**
 * The package, packed once for the whole e2e run: test/e2e/global-setup.js packs it (packPackage)
 * before the first test file starts and passes its path in $WAPPFLY_E2E_TARBALL; the global
 * teardown deletes it. Outside that (a script, or jest without the e2e project's setup) the first
 * call packs it in this process, and it is deleted when this process exits. Do not delete it.
 * @param {string} projectDir
 * @returns {Promise<string>} absolute path of the .tgz
 */
export function sharedTarball(projectDir: string): Promise<string>;
/**
 * Creates a fresh, isolated N8N_USER_FOLDER.
 * @param {N8nInstall} install
 * @param {object} [opts]
 * @param {'default' | 'filesystem'} [opts.binaryMode]  N8N_DEFAULT_BINARY_DATA_MODE (default 'default' = in memory)
 * @param {string} [opts.filesDir]      folder for N8N_RESTRICT_FILE_ACCESS_TO (default `${dir}/files`, created)
 * @param {string} [opts.logLevel]      N8N_LOG_LEVEL (default 'info': `n8n execute` prints its result through the logger)
 * @param {string} [opts.parentDir]     where to create the folder (default os.tmpdir())
 * @param {boolean} [opts.ui]           serve the editor UI from `n8n start` (default false: N8N_DISABLE_UI)
 * @param {Record<string, string | undefined>} [opts.extraEnv]  added last; a value of undefined removes a variable
 * @returns {Promise<UserFolder>}
 */
export function createUserFolder(
	install: N8nInstall,
	opts?: {
		binaryMode?: 'default' | 'filesystem';
		filesDir?: string;
		logLevel?: string;
		parentDir?: string;
		ui?: boolean;
		extraEnv?: Record<string, string | undefined>;
	},
): Promise<UserFolder>;
/**
 * Removes a user folder (after stopping any server of it).
 * @param {UserFolder} uf
 */
export function removeUserFolder(uf: UserFolder): void;
/**
 * Installs a packed community-node package the way a user does: `npm install <tarball>` in
 * `<N8N_USER_FOLDER>/.n8n/nodes`. Works offline: peer dependencies (n8n-workflow, provided by n8n)
 * are neither installed nor looked up (--legacy-peer-deps), and nothing is fetched (--offline).
 * @param {UserFolder} uf
 * @param {string} tarballPath
 * @returns {Promise<{ name: string, version: string, dir: string, ms: number }>}
 */
export function installPackageTarball(
	uf: UserFolder,
	tarballPath: string,
): Promise<{
	name: string;
	version: string;
	dir: string;
	ms: number;
}>;
/**
 * Packs the project as a user would get it: `npm run build`, then `npm pack` into a temp folder.
 * By default both run in a snapshot of the project (see snapshotProject), so the project's own
 * `dist/` is left alone; `inPlace: true` builds and packs in the project itself.
 * @param {string} projectDir
 * @param {{ skipBuild?: boolean, outDir?: string, inPlace?: boolean }} [opts]
 * @returns {Promise<string>} absolute path of the .tgz
 */
export function packPackage(
	projectDir: string,
	opts?: {
		skipBuild?: boolean;
		outDir?: string;
		inPlace?: boolean;
	},
): Promise<string>;
/**
 * Imports credentials with `n8n import:credentials`. `data` is given in plain text; n8n encrypts it
 * with the folder's N8N_ENCRYPTION_KEY. Give each credential a fixed `id` to reference it from
 * workflows as `credentials: { <type>: { id, name } }`.
 * @param {UserFolder} uf
 * @param {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>} creds
 */
export function importCredentials(
	uf: UserFolder,
	creds: Array<{
		id: string;
		name: string;
		type: string;
		data: Record<string, unknown>;
	}>,
): Promise<RunResult>;
/**
 * Imports workflows with `n8n import:workflow` (one call for all of them). Each workflow needs a
 * fixed `id`; imported workflows are inactive (see activateWorkflows).
 * @param {UserFolder} uf
 * @param {Array<Record<string, unknown>>} workflows
 */
export function importWorkflows(
	uf: UserFolder,
	workflows: Array<Record<string, unknown>>,
): Promise<RunResult>;
/**
 * Marks workflows active so that `n8n start` activates them (1.x: update:workflow --active=true;
 * 2.x: publish:workflow). Run before startN8n.
 * @param {UserFolder} uf
 * @param {string[]} ids
 */
export function activateWorkflows(uf: UserFolder, ids: string[]): Promise<void>;
/**
 * @typedef {RunView & { ok: boolean, status: string | undefined, raw: any, stdout: string, stderr: string, code: number | null, ms: number }} ExecuteResult
 *     ok: the run has no error (n8n also exits 1 then); code: n8n's exit code; raw: the printed run
 *     (`{ data: { resultData, executionData, ... }, mode, status, startedAt, stoppedAt, finished }`)
 */
/**
 * Runs a workflow once with `n8n execute --id=<id>` (starting at its Manual Trigger / first trigger).
 * Resolves with the parsed run on success and on workflow failure (ok: false, error set); throws
 * only when n8n printed no run at all (crash, unknown id, timeout).
 * @param {UserFolder} uf
 * @param {string} id
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<ExecuteResult>}
 */
export function executeWorkflow(
	uf: UserFolder,
	id: string,
	opts?: {
		timeoutMs?: number;
	},
): Promise<ExecuteResult>;
/**
 * Runs many workflows in one n8n process with `n8n execute-batch` and reads each run back from the
 * database (so failed runs come with their full data too). Much faster than one `n8n execute` each.
 * Order: n8n runs them in the order its database returns them, not in the order of `ids`.
 * Retries: none by default (n8n's own default, 1, would run a failing workflow twice).
 * @param {UserFolder} uf
 * @param {string[]} ids
 * @param {{ timeoutMs?: number, concurrency?: number, retries?: number }} [opts]
 * @returns {Promise<{ results: Record<string, ExecutionRecord | undefined>, summary: any, ms: number, stdout: string, stderr: string }>}
 */
export function executeWorkflowsBatch(
	uf: UserFolder,
	ids: string[],
	opts?: {
		timeoutMs?: number;
		concurrency?: number;
		retries?: number;
	},
): Promise<{
	results: Record<string, ExecutionRecord | undefined>;
	summary: any;
	ms: number;
	stdout: string;
	stderr: string;
}>;
/**
 * @typedef {object} N8nServer
 * @property {string} url          `http://127.0.0.1:<port>/` (also WEBHOOK_URL)
 * @property {number} port
 * @property {number} pid
 * @property {string} logFile      n8n's console output
 * @property {number} readyMs      from spawn to /healthz/readiness answering 200
 * @property {() => Promise<void>} stop
 * @property {(webhookPath: string, opts?: { method?: string, timeoutMs?: number }) => Promise<any>} waitForWebhook
 *     resolves with the `webhook_entity` row once a production webhook with that path is registered
 * @property {(filter?: { workflowId?: string, afterId?: number }) => Promise<ExecutionRecord[]>} readExecutions
 * @property {(opts?: { workflowId?: string, afterId?: number, count?: number, timeoutMs?: number }) => Promise<ExecutionRecord[]>} waitForExecutions
 * @property {(timeoutMs?: number) => Promise<void>} waitForRest  resolves once `/rest/*` is mounted
 * @property {() => string} log    current content of the log file
 */
/**
 * Starts `n8n start` on 127.0.0.1 and waits until /healthz/readiness answers. Activate workflows
 * before (activateWorkflows), then waitForWebhook(path) before posting to them.
 * @param {UserFolder} uf
 * @param {{ port?: number, timeoutMs?: number, ui?: boolean, env?: Record<string, string> }} [opts]
 *     ui: serve the editor (needed for listNodeTypes); default: the folder's setting (off)
 * @returns {Promise<N8nServer>}
 */
export function startN8n(
	uf: UserFolder,
	opts?: {
		port?: number;
		timeoutMs?: number;
		ui?: boolean;
		env?: Record<string, string>;
	},
): Promise<N8nServer>;
/**
 * @typedef {RunView & { id: string, workflowId: string, status: string, mode: string, finished: boolean,
 *   startedAt: string | null, stoppedAt: string | null, data: any, workflowData: any }} ExecutionRecord
 */
/**
 * Executions stored in the folder's database (any n8n process of the folder, running or not),
 * oldest first, with `data` (IRunExecutionData) deserialised.
 * @param {UserFolder} uf
 * @param {{ workflowId?: string, afterId?: number }} [filter]
 * @returns {Promise<ExecutionRecord[]>}
 */
export function readExecutions(
	uf: UserFolder,
	filter?: {
		workflowId?: string;
		afterId?: number;
	},
): Promise<ExecutionRecord[]>;
/**
 * Polls the database until `count` finished executions (matching the filter) exist.
 * @param {UserFolder} uf
 * @param {{ workflowId?: string, afterId?: number, count?: number, timeoutMs?: number, intervalMs?: number }} [opts]
 * @returns {Promise<ExecutionRecord[]>}
 */
export function waitForExecutions(
	uf: UserFolder,
	opts?: {
		workflowId?: string;
		afterId?: number;
		count?: number;
		timeoutMs?: number;
		intervalMs?: number;
	},
): Promise<ExecutionRecord[]>;
/**
 * Runs a read-only SQL query on the folder's database.
 * @param {UserFolder} uf
 * @param {string} sql
 * @param {unknown[]} [params]
 * @param {'rows' | 'executions'} [mode]
 * @returns {Promise<any[]>}
 */
export function querySqlite(
	uf: UserFolder,
	sql: string,
	params?: unknown[],
	mode?: 'rows' | 'executions',
): Promise<any[]>;
/**
 * Node types (`<package>.<node>` names) n8n loaded for this folder. A server started with the
 * editor on (`startN8n(uf, { ui: true })`) writes the list the editor uses to
 * `<dir>/.cache/n8n/public/types/nodes.json` shortly after it starts; this waits for that file.
 * @param {UserFolder} uf
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<string[]>}
 */
export function listNodeTypes(
	uf: UserFolder,
	opts?: {
		timeoutMs?: number;
	},
): Promise<string[]>;
/**
 * Credential type names n8n loaded (same source and precondition as listNodeTypes).
 * @param {UserFolder} uf
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<string[]>}
 */
export function listCredentialTypes(
	uf: UserFolder,
	opts?: {
		timeoutMs?: number;
	},
): Promise<string[]>;
/**
 * Checks that n8n really loads an installed package: starts the folder's n8n with the editor on
 * (that is what writes the type lists), reads the node and credential types, stops it. n8n does not
 * fail when a community package cannot be loaded (it logs "Failed to load package" and goes on),
 * so run this once after installPackageTarball.
 * @param {UserFolder} uf
 * @param {{ nodeTypes?: string[], credentialTypes?: string[], timeoutMs?: number }} expected
 *     full node type names (`n8n-nodes-wappfly.wappfly`) and credential type names (`wappflyApi`)
 * @returns {Promise<{ ok: boolean, missingNodeTypes: string[], missingCredentialTypes: string[],
 *     nodeTypes: string[], credentialTypes: string[], loadErrors: string[], readyMs: number }>}
 */
export function verifyPackageLoads(
	uf: UserFolder,
	expected: {
		nodeTypes?: string[];
		credentialTypes?: string[];
		timeoutMs?: number;
	},
): Promise<{
	ok: boolean;
	missingNodeTypes: string[];
	missingCredentialTypes: string[];
	nodeTypes: string[];
	credentialTypes: string[];
	loadErrors: string[];
	readyMs: number;
}>;
/**
 * Creates the owner account of a fresh instance through n8n's REST API (`POST /rest/owner/setup`,
 * allowed once, while no owner exists), so that the editor can be logged into at once; when an
 * owner already exists, logs in with the same account instead. Wait for `server.waitForRest()`
 * first. Resolves with the session cookie (`n8n-auth=...`).
 * @param {{ url: string }} server
 * @param {{ email: string, firstName: string, lastName: string, password: string }} owner
 *     password: 8+ characters with a number and an upper-case letter
 * @returns {Promise<string>}
 */
export function setUpOwner(
	server: {
		url: string;
	},
	owner: {
		email: string;
		firstName: string;
		lastName: string;
		password: string;
	},
): Promise<string>;
/**
 * Runs `n8n <args>` for a user folder.
 * @param {UserFolder} uf
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
 * @returns {Promise<RunResult>}
 */
export function runN8n(
	uf: UserFolder,
	args: string[],
	opts?: {
		timeoutMs?: number;
		env?: Record<string, string>;
	},
): Promise<RunResult>;
/**
 * Like runN8n, but throws unless the exit code is 0.
 * @param {UserFolder} uf
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
 */
export function runN8nOk(
	uf: UserFolder,
	args: string[],
	opts?: {
		timeoutMs?: number;
		env?: Record<string, string>;
	},
): Promise<RunResult>;
/**
 * Finds the run JSON that `n8n execute` prints after its header and ruler (`====`). Log lines may
 * follow it (the failure path logs the error again), so each closing `}` line is tried, last first.
 * @param {string} text
 * @returns {any | undefined}
 */
export function parseExecuteOutput(text: string): any | undefined;
/** @returns {Promise<number>} a TCP port free on 127.0.0.1 right now */
export function getFreePort(): Promise<number>;
/**
 * An execution as read from n8n's database (execution_entity joined with execution_data, `data`
 * already deserialised), with the RunView accessors. Also used for PostgreSQL (queue-mode.js).
 * @param {any} row
 * @returns {ExecutionRecord}
 */
export function executionRecord(row: any): ExecutionRecord;
/**
 * @typedef {object} RunResult
 * @property {number | null} code
 * @property {NodeJS.Signals | null} signal
 * @property {string} stdout
 * @property {string} stderr
 * @property {number} ms          wall time
 * @property {boolean} timedOut
 */
/**
 * Runs a command in its own process group; on timeout the whole group is killed.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env: Record<string, string>, timeoutMs?: number, input?: string }} opts
 * @returns {Promise<RunResult>}
 */
export function runProcess(
	cmd: string,
	args: string[],
	opts: {
		cwd?: string;
		env: Record<string, string>;
		timeoutMs?: number;
		input?: string;
	},
): Promise<RunResult>;
