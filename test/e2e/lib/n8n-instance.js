// @ts-check
'use strict';

/**
 * Helpers around one real n8n install (see install-n8n.js) with an isolated user folder.
 *
 *   const install = await ensureN8n('1');
 *   const uf = await createUserFolder(install, { binaryMode: 'filesystem' });
 *   await installPackageTarball(uf, tarball);
 *   await importCredentials(uf, [{ id: 'c1', name: 'x', type: 'httpHeaderAuth', data: { name: 'X', value: 'y' } }]);
 *   await importWorkflows(uf, [workflow]);
 *   const result = await executeWorkflow(uf, workflow.id);
 *   result.lastNodeOutput('Set');
 *
 * Everything runs through the real `n8n` CLI, with the node binary that installed n8n. A user
 * folder must not be used by two n8n processes at once (they share one SQLite file and, on 2.x,
 * one task-broker port); use one user folder per parallel worker.
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/**
 * @typedef {import('./install-n8n').N8nInstall} N8nInstall
 */

/**
 * @typedef {object} UserFolder
 * @property {N8nInstall} install
 * @property {string} dir           N8N_USER_FOLDER (n8n keeps its files in `${dir}/.n8n`)
 * @property {string} n8nDir        `${dir}/.n8n`
 * @property {string} dbPath        `${dir}/.n8n/database.sqlite`
 * @property {string} filesDir      the folder n8n may read and write files in (N8N_RESTRICT_FILE_ACCESS_TO)
 * @property {string} tmpDir        scratch folder for import files, logs and outputs
 * @property {Record<string, string>} env  the full environment every n8n process of this folder gets
 * @property {number} brokerPort    task-broker port (2.x always starts one; unique per folder)
 */

/** Processes started by startN8n that are still running, killed when this process exits. */
/** @type {Set<number>} */
const liveGroups = new Set();
let exitHookInstalled = false;
function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	});
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @returns {Promise<number>} a TCP port free on 127.0.0.1 right now */
function getFreePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const addr = srv.address();
			const port = addr && typeof addr === 'object' ? addr.port : 0;
			srv.close(() => resolve(port));
		});
	});
}

/**
 * Environment variables of the calling process that would change what n8n or npm does. NODE_ENV:
 * jest sets it to 'test', and n8n's CLI commands then do nothing (exit 0, no output).
 */
const STRIPPED_ENV =
	/^(N8N_|DB_|EXECUTIONS_|QUEUE_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_ENV$|NODE_OPTIONS$|NODE_PATH$|NODES_|CREDENTIALS_|EXTERNAL_|npm_|NPM_|INIT_CWD$|JEST_|VITEST)/;

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
async function createUserFolder(install, opts = {}) {
	const dir = fs.mkdtempSync(
		path.join(opts.parentDir || os.tmpdir(), `n8n-e2e-${install.version}-`),
	);
	const n8nDir = path.join(dir, '.n8n');
	const tmpDir = path.join(dir, 'tmp');
	const filesDir = opts.filesDir ? path.resolve(opts.filesDir) : path.join(dir, 'files');
	fs.mkdirSync(n8nDir, { recursive: true });
	fs.mkdirSync(tmpDir, { recursive: true });
	fs.mkdirSync(filesDir, { recursive: true });
	const brokerPort = await getFreePort();

	/** @type {Record<string, string>} */
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !STRIPPED_ENV.test(k)) env[k] = v;
	}
	Object.assign(env, install.env, {
		N8N_USER_FOLDER: dir,
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		DB_TYPE: 'sqlite',
		// No calls home, no banners, no templates, no verified-package list from n8n's servers.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_DIAGNOSTICS_CONFIG_FRONTEND: '',
		N8N_DIAGNOSTICS_CONFIG_BACKEND: '',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// Community packages are loaded from `${dir}/.n8n/nodes/node_modules`.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_COMMUNITY_PACKAGES_PREVENT_LOADING: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
		N8N_DEFAULT_BINARY_DATA_MODE: opts.binaryMode || 'default',
		N8N_LOG_LEVEL: opts.logLevel || 'info',
		N8N_LOG_OUTPUT: 'console',
		N8N_SECURE_COOKIE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		// `n8n start` would copy the editor (~76 MB) into every user folder otherwise.
		N8N_DISABLE_UI: opts.ui ? 'false' : 'true',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		EXECUTIONS_DATA_PRUNE: 'false',
		GENERIC_TIMEZONE: 'UTC',
		TZ: 'UTC',
		NO_PROXY: ['127.0.0.1', 'localhost', env.NO_PROXY].filter(Boolean).join(','),
		no_proxy: ['127.0.0.1', 'localhost', env.no_proxy].filter(Boolean).join(','),
	});
	if (install.version === '1') {
		// 1.x can run Code nodes in-process; 2.x always uses task runners (internal mode).
		env.N8N_RUNNERS_ENABLED = 'false';
	} else {
		// 2.x: the MCP-server registry module fetches a list from n8n's servers at start.
		env.N8N_DISABLED_MODULES = 'mcp-registry';
	}
	for (const [k, v] of Object.entries(opts.extraEnv || {})) {
		if (v === undefined) delete env[k];
		else env[k] = v;
	}
	return {
		install,
		dir,
		n8nDir,
		dbPath: path.join(n8nDir, 'database.sqlite'),
		filesDir,
		tmpDir,
		env,
		brokerPort,
	};
}

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
function runProcess(cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		const child = childProcess.spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env,
			detached: true,
			stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
		});
		/** @type {Buffer[]} */
		const out = [];
		/** @type {Buffer[]} */
		const err = [];
		child.stdout?.on('data', (b) => out.push(b));
		child.stderr?.on('data', (b) => err.push(b));
		if (opts.input !== undefined) child.stdin?.end(opts.input);
		let timedOut = false;
		const timer = setTimeout(() => {
			timedOut = true;
			try {
				if (child.pid) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// gone
			}
		}, opts.timeoutMs || 120000);
		child.on('error', (e) => {
			clearTimeout(timer);
			reject(e);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			if (child.pid) {
				// Leave no stray grandchildren (task runners) behind.
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// gone
				}
			}
			resolve({
				code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				ms: Date.now() - started,
				timedOut,
			});
		});
	});
}

/**
 * Runs `n8n <args>` for a user folder.
 * @param {UserFolder} uf
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
 * @returns {Promise<RunResult>}
 */
function runN8n(uf, args, opts = {}) {
	return runProcess(uf.install.nodeBin, [uf.install.n8nBin, ...args], {
		cwd: uf.dir,
		env: { ...uf.env, ...(opts.env || {}) },
		timeoutMs: opts.timeoutMs || 180000,
	});
}

/**
 * Like runN8n, but throws unless the exit code is 0.
 * @param {UserFolder} uf
 * @param {string[]} args
 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
 */
async function runN8nOk(uf, args, opts) {
	const r = await runN8n(uf, args, opts);
	if (r.code !== 0) {
		throw new Error(
			`n8n ${args.join(' ')} failed (exit ${r.code}${r.signal ? `, ${r.signal}` : ''}${r.timedOut ? ', timed out' : ''}):\n` +
				`${tail(r.stdout)}\n${tail(r.stderr)}`,
		);
	}
	return r;
}

/**
 * @param {string} s
 * @param {number} [n]
 */
function tail(s, n = 60) {
	return s.split('\n').slice(-n).join('\n');
}

/** Top-level entries of the project that never go into a snapshot build (see packPackage). */
const SNAPSHOT_SKIP = new Set([
	'node_modules',
	'dist',
	'.git',
	'test',
	'examples',
	'scripts',
	'docs',
	'coverage',
	'.tmp',
]);

/**
 * Copies what a build needs into a fresh folder (`node_modules` linked, not copied), so that a
 * build never races with anything else using the project's own `dist/` and never picks up files
 * that are not part of the package (n8n-node build copies every *.png / *.svg it finds, test
 * fixtures included).
 * @param {string} projectDir
 * @param {string} into
 */
function snapshotProject(projectDir, into) {
	fs.mkdirSync(into, { recursive: true });
	for (const entry of fs.readdirSync(projectDir)) {
		if (SNAPSHOT_SKIP.has(entry) || entry.endsWith('.tgz')) continue;
		fs.cpSync(path.join(projectDir, entry), path.join(into, entry), {
			recursive: true,
			dereference: false,
			filter: (src) =>
				!/(^|[/\\])(node_modules|dist)([/\\]|$)/.test(path.relative(projectDir, src)),
		});
	}
	fs.symlinkSync(path.join(projectDir, 'node_modules'), path.join(into, 'node_modules'), 'dir');
	// tsconfig's incremental build info lives under node_modules/.cache: through the link it would
	// be the project's own, and a stale one makes tsc skip emitting into the empty dist/.
	const tsconfigPath = path.join(into, 'tsconfig.json');
	if (fs.existsSync(tsconfigPath)) {
		const text = fs.readFileSync(tsconfigPath, 'utf8');
		fs.writeFileSync(
			tsconfigPath,
			text.replace(/("tsBuildInfoFile"\s*:\s*)"[^"]*"/, '$1"./.tsbuildinfo"'),
		);
	}
}

/**
 * Packs the project as a user would get it: `npm run build`, then `npm pack` into a temp folder.
 * By default both run in a snapshot of the project (see snapshotProject), so the project's own
 * `dist/` is left alone; `inPlace: true` builds and packs in the project itself.
 * @param {string} projectDir
 * @param {{ skipBuild?: boolean, outDir?: string, inPlace?: boolean }} [opts]
 * @returns {Promise<string>} absolute path of the .tgz
 */
async function packPackage(projectDir, opts = {}) {
	const env = /** @type {Record<string, string>} */ ({ ...process.env });
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	const outDir = opts.outDir || fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-pack-'));
	fs.mkdirSync(outDir, { recursive: true });
	let buildDir = projectDir;
	if (!opts.inPlace && !opts.skipBuild) {
		buildDir = path.join(outDir, 'project');
		snapshotProject(path.resolve(projectDir), buildDir);
	}
	try {
		if (!opts.skipBuild) {
			const b = await runProcess('npm', ['run', 'build'], {
				cwd: buildDir,
				env,
				timeoutMs: 300000,
			});
			if (b.code !== 0)
				throw new Error(
					`npm run build failed (exit ${b.code}):\n${tail(b.stdout)}\n${tail(b.stderr)}`,
				);
		}
		const p = await runProcess(
			'npm',
			['pack', '--json', '--pack-destination', outDir, '--ignore-scripts'],
			{
				cwd: buildDir,
				env,
				timeoutMs: 120000,
			},
		);
		if (p.code !== 0)
			throw new Error(`npm pack failed (exit ${p.code}):\n${tail(p.stdout)}\n${tail(p.stderr)}`);
		/** @type {string | undefined} */
		let filename;
		try {
			const parsed = JSON.parse(p.stdout);
			filename = parsed[0] && parsed[0].filename;
		} catch {
			filename = p.stdout.trim().split('\n').pop();
		}
		if (!filename) throw new Error(`npm pack printed no file name:\n${p.stdout}`);
		// npm 7+ prints scoped names as `scope-name-1.0.0.tgz`; trust the folder if in doubt.
		const full = path.join(outDir, path.basename(filename.replace(/^@/, '').replace(/\//, '-')));
		if (fs.existsSync(full)) return full;
		const found = fs.readdirSync(outDir).filter((f) => f.endsWith('.tgz'));
		if (found.length === 1) return path.join(outDir, found[0]);
		throw new Error(`npm pack: cannot find the tarball in ${outDir} (printed ${filename})`);
	} finally {
		if (buildDir !== projectDir) fs.rmSync(buildDir, { recursive: true, force: true });
	}
}

/**
 * Installs a packed community-node package the way a user does: `npm install <tarball>` in
 * `<N8N_USER_FOLDER>/.n8n/nodes`. Works offline: peer dependencies (n8n-workflow, provided by n8n)
 * are neither installed nor looked up (--legacy-peer-deps), and nothing is fetched (--offline).
 * @param {UserFolder} uf
 * @param {string} tarballPath
 * @returns {Promise<{ name: string, version: string, dir: string, ms: number }>}
 */
async function installPackageTarball(uf, tarballPath) {
	const nodesDir = path.join(uf.n8nDir, 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pkgJson = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pkgJson)) {
		fs.writeFileSync(
			pkgJson,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n',
		);
	}
	const env = /** @type {Record<string, string>} */ ({ ...process.env, ...uf.install.env });
	for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
	const r = await runProcess(
		'npm',
		[
			'install',
			path.resolve(tarballPath),
			'--offline',
			'--legacy-peer-deps',
			'--omit=peer',
			'--omit=dev',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--no-package-lock',
			'--loglevel=warn',
		],
		{ cwd: nodesDir, env, timeoutMs: 120000 },
	);
	if (r.code !== 0)
		throw new Error(
			`npm install ${tarballPath} failed (exit ${r.code}):\n${tail(r.stdout)}\n${tail(r.stderr)}`,
		);
	const deps = JSON.parse(fs.readFileSync(pkgJson, 'utf8')).dependencies || {};
	const names = Object.keys(deps);
	const name =
		names.find((n) => String(deps[n]).includes(path.basename(tarballPath))) ||
		names[names.length - 1];
	const dir = path.join(nodesDir, 'node_modules', name);
	const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
	const strays = fs
		.readdirSync(path.join(nodesDir, 'node_modules'))
		.filter((n) => !n.startsWith('.') && n !== name);
	if (strays.length)
		throw new Error(
			`npm install ${tarballPath} also installed ${strays.join(', ')} (expected no dependencies)`,
		);
	return { name, version, dir, ms: r.ms };
}

/**
 * @param {UserFolder} uf
 * @param {string} kind
 * @param {unknown} data
 */
function writeTmpJson(uf, kind, data) {
	const file = path.join(
		uf.tmpDir,
		`${kind}-${Date.now()}-${crypto.randomBytes(3).toString('hex')}.json`,
	);
	fs.writeFileSync(file, JSON.stringify(data, null, 2));
	return file;
}

/**
 * Imports credentials with `n8n import:credentials`. `data` is given in plain text; n8n encrypts it
 * with the folder's N8N_ENCRYPTION_KEY. Give each credential a fixed `id` to reference it from
 * workflows as `credentials: { <type>: { id, name } }`.
 * @param {UserFolder} uf
 * @param {Array<{ id: string, name: string, type: string, data: Record<string, unknown> }>} creds
 */
async function importCredentials(uf, creds) {
	const file = writeTmpJson(uf, 'credentials', creds);
	try {
		return await runN8nOk(uf, ['import:credentials', `--input=${file}`]);
	} finally {
		// The file holds the secrets in plain text; n8n keeps them encrypted.
		fs.rmSync(file, { force: true });
	}
}

/**
 * Imports workflows with `n8n import:workflow` (one call for all of them). Each workflow needs a
 * fixed `id`; imported workflows are inactive (see activateWorkflows).
 * @param {UserFolder} uf
 * @param {Array<Record<string, unknown>>} workflows
 */
async function importWorkflows(uf, workflows) {
	const prepared = workflows.map((wf) => ({
		active: false,
		settings: {},
		connections: {},
		...wf,
	}));
	const file = writeTmpJson(uf, 'workflows', prepared);
	return runN8nOk(uf, ['import:workflow', `--input=${file}`]);
}

/**
 * Marks workflows active so that `n8n start` activates them (1.x: update:workflow --active=true;
 * 2.x: publish:workflow). Run before startN8n.
 * @param {UserFolder} uf
 * @param {string[]} ids
 */
async function activateWorkflows(uf, ids) {
	for (const id of ids) {
		if (uf.install.version === '1')
			await runN8nOk(uf, ['update:workflow', `--id=${id}`, '--active=true']);
		else await runN8nOk(uf, ['publish:workflow', `--id=${id}`]);
	}
}

/**
 * @typedef {object} RunView
 * @property {Record<string, any[]>} runData  resultData.runData (node name -> task runs)
 * @property {any} error                      resultData.error, or undefined
 * @property {string | undefined} lastNodeExecuted
 * @property {(nodeName: string, opts?: { output?: number, run?: number }) => any[] | undefined} lastNodeOutput
 *     items (`{ json, binary?, pairedItem? }`) of a node's last run (or run `run`), output `output` (0);
 *     undefined if the node did not run
 * @property {(nodeName: string, opts?: { output?: number, run?: number }) => any[] | undefined} json
 *     the `json` of those items
 * @property {(nodeName: string) => any} nodeError  the error of a node's last run, if any
 */

/**
 * Adds accessors to a run's resultData.
 * @param {any} resultData
 * @returns {RunView}
 */
function viewOf(resultData) {
	const rd = resultData || {};
	const runData = rd.runData || {};
	/**
	 * @param {string} nodeName
	 * @param {{ output?: number, run?: number }} [o]
	 * @returns {any[] | undefined}
	 */
	const lastNodeOutput = (nodeName, o = {}) => {
		const runs = runData[nodeName];
		if (!runs || runs.length === 0) return undefined;
		const task = runs[o.run === undefined ? runs.length - 1 : o.run];
		if (!task || !task.data) return undefined;
		const main = task.data.main || Object.values(task.data)[0];
		if (!main) return undefined;
		return main[o.output || 0] || [];
	};
	return {
		runData,
		error: rd.error,
		lastNodeExecuted: rd.lastNodeExecuted,
		lastNodeOutput,
		json: (nodeName, o) => {
			const items = lastNodeOutput(nodeName, o);
			return items && items.map((/** @type {any} */ i) => i.json);
		},
		nodeError: (nodeName) => {
			const runs = runData[nodeName];
			return runs && runs.length ? runs[runs.length - 1].error : undefined;
		},
	};
}

/**
 * Finds the run JSON that `n8n execute` prints after its header and ruler (`====`). Log lines may
 * follow it (the failure path logs the error again), so each closing `}` line is tried, last first.
 * @param {string} text
 * @returns {any | undefined}
 */
function parseExecuteOutput(text) {
	const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
	const ruler = lines.findIndex((l) => /^={10,}\s*$/.test(l.trim()));
	let start = -1;
	for (let i = ruler + 1; i < lines.length; i++) {
		if (lines[i] === '{') {
			start = i;
			break;
		}
	}
	if (start < 0) return undefined;
	for (let end = lines.length - 1; end > start; end--) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			// try a shorter span
		}
	}
	return undefined;
}

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
async function executeWorkflow(uf, id, opts = {}) {
	// `n8n execute` prints the run through n8n's logger: below 'info' it prints nothing.
	const level = uf.env.N8N_LOG_LEVEL === 'debug' ? 'debug' : 'info';
	const r = await runN8n(uf, ['execute', `--id=${id}`], {
		timeoutMs: opts.timeoutMs || 180000,
		env: { N8N_LOG_LEVEL: level },
	});
	const raw = parseExecuteOutput(r.stdout) || parseExecuteOutput(r.stderr);
	if (!raw || !raw.data || !raw.data.resultData) {
		throw new Error(
			`n8n execute --id=${id}: no run printed (exit ${r.code}${r.timedOut ? ', timed out' : ''}, ${r.ms} ms)\n` +
				`--- stdout\n${tail(r.stdout)}\n--- stderr\n${tail(r.stderr)}`,
		);
	}
	const view = viewOf(raw.data.resultData);
	const ok = !view.error && raw.status !== 'error' && raw.status !== 'crashed';
	if (ok && r.code !== 0) {
		// Seen once under heavy load: a successful run printed, then a non-zero exit. Keep the
		// run's verdict, but say so.
		process.stderr.write(
			`[n8n-instance] n8n execute --id=${id}: run succeeded but n8n exited with ${r.code}; stderr:\n${tail(r.stderr, 20)}\n`,
		);
	}
	return {
		...view,
		ok,
		status: raw.status,
		raw,
		stdout: r.stdout,
		stderr: r.stderr,
		code: r.code,
		ms: r.ms,
	};
}

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
async function executeWorkflowsBatch(uf, ids, opts = {}) {
	if (ids.length === 0)
		throw new Error('executeWorkflowsBatch: no ids (n8n would run every workflow)');
	const before = await maxExecutionId(uf);
	const outFile = path.join(uf.tmpDir, `batch-${Date.now()}.json`);
	const args = [
		'execute-batch',
		`--ids=${ids.join(',')}`,
		`--output=${outFile}`,
		`--retries=${opts.retries ?? 0}`,
	];
	if (opts.concurrency && opts.concurrency > 1) args.push(`--concurrency=${opts.concurrency}`);
	const r = await runN8n(uf, args, { timeoutMs: opts.timeoutMs || 600000 });
	/** @type {any} */
	let summary;
	try {
		summary = JSON.parse(fs.readFileSync(outFile, 'utf8'));
	} catch {
		summary = undefined;
	}
	if (!summary) {
		throw new Error(
			`n8n execute-batch wrote no results (exit ${r.code}):\n${tail(r.stdout)}\n${tail(r.stderr)}`,
		);
	}
	const executions = await readExecutions(uf, { afterId: before });
	/** @type {Record<string, ExecutionRecord | undefined>} */
	const results = {};
	for (const id of ids) {
		const mine = executions.filter((e) => e.workflowId === id);
		results[id] = mine[mine.length - 1];
	}
	return { results, summary, ms: r.ms, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------
// Reading n8n's SQLite database with n8n's own sqlite3 build (it belongs to the installing node).

/**
 * Script run by the install's node: argv = [dbPath, n8nPackageJson, sql, paramsJson, mode]
 * mode 'rows' prints rows as JSON; mode 'executions' also parses `data` with flatted.
 */
const SQLITE_SCRIPT = `
const { createRequire } = require('node:module');
const [dbPath, n8nPkg, sql, paramsJson, mode] = process.argv.slice(1);
const r = createRequire(n8nPkg);
const sqlite3 = r('sqlite3');
let flatted;
const db = new sqlite3.Database(dbPath, sqlite3.OPEN_READONLY, (err) => {
	if (err) { process.stderr.write(String(err)); process.exit(2); }
	db.configure('busyTimeout', 5000);
	db.all(sql, JSON.parse(paramsJson), (err2, rows) => {
		if (err2) { process.stderr.write(String(err2)); process.exit(3); }
		if (mode === 'executions') {
			flatted = flatted || r('flatted');
			for (const row of rows) {
				for (const k of ['data', 'workflowData']) {
					if (typeof row[k] !== 'string') continue;
					try { row[k] = k === 'data' ? flatted.parse(row[k]) : JSON.parse(row[k]); }
					catch (e) { row[k + 'ParseError'] = String(e); }
				}
			}
		}
		const seen = new WeakSet();
		const out = JSON.stringify(rows, (k, v) => {
			if (v && typeof v === 'object') {
				if (seen.has(v)) return Array.isArray(v) ? v.slice() : Object.assign({}, v);
				seen.add(v);
			}
			return v;
		});
		db.close(() => process.stdout.write(out));
	});
});
`;

/**
 * Runs a read-only SQL query on the folder's database.
 * @param {UserFolder} uf
 * @param {string} sql
 * @param {unknown[]} [params]
 * @param {'rows' | 'executions'} [mode]
 * @returns {Promise<any[]>}
 */
async function querySqlite(uf, sql, params = [], mode = 'rows') {
	if (!fs.existsSync(uf.dbPath)) return [];
	const n8nPkg = path.join(uf.install.dir, 'node_modules', 'n8n', 'package.json');
	const r = await runProcess(
		uf.install.nodeBin,
		['-e', SQLITE_SCRIPT, uf.dbPath, n8nPkg, sql, JSON.stringify(params), mode],
		{
			env: { ...uf.env },
			timeoutMs: 60000,
		},
	);
	if (r.code !== 0)
		throw new Error(`sqlite query failed (exit ${r.code}): ${r.stderr.trim()}\n${sql}`);
	return JSON.parse(r.stdout || '[]');
}

/**
 * @param {UserFolder} uf
 * @returns {Promise<number>}
 */
async function maxExecutionId(uf) {
	try {
		const rows = await querySqlite(
			uf,
			'SELECT MAX(CAST(id AS INTEGER)) AS m FROM execution_entity',
		);
		return Number(rows[0] && rows[0].m) || 0;
	} catch {
		return 0;
	}
}

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
async function readExecutions(uf, filter = {}) {
	const where = [];
	/** @type {unknown[]} */
	const params = [];
	if (filter.workflowId !== undefined) {
		where.push('e.workflowId = ?');
		params.push(filter.workflowId);
	}
	if (filter.afterId !== undefined) {
		where.push('CAST(e.id AS INTEGER) > ?');
		params.push(filter.afterId);
	}
	const rows = await querySqlite(
		uf,
		'SELECT e.id, e.workflowId, e.status, e.mode, e.finished, e.startedAt, e.stoppedAt, d.data, d.workflowData ' +
			'FROM execution_entity e LEFT JOIN execution_data d ON d.executionId = e.id ' +
			(where.length ? `WHERE ${where.join(' AND ')} ` : '') +
			'ORDER BY CAST(e.id AS INTEGER)',
		params,
		'executions',
	);
	return rows.map(executionRecord);
}

/**
 * An execution as read from n8n's database (execution_entity joined with execution_data, `data`
 * already deserialised), with the RunView accessors. Also used for PostgreSQL (queue-mode.js).
 * @param {any} row
 * @returns {ExecutionRecord}
 */
function executionRecord(row) {
	return {
		...viewOf(row.data && row.data.resultData),
		id: String(row.id),
		workflowId: row.workflowId,
		status: row.status,
		mode: row.mode,
		finished: !!row.finished,
		startedAt: row.startedAt,
		stoppedAt: row.stoppedAt,
		data: row.data,
		workflowData: row.workflowData,
	};
}

const RUNNING_STATUSES = new Set(['new', 'running', 'waiting', 'unknown']);

/**
 * Polls the database until `count` finished executions (matching the filter) exist.
 * @param {UserFolder} uf
 * @param {{ workflowId?: string, afterId?: number, count?: number, timeoutMs?: number, intervalMs?: number }} [opts]
 * @returns {Promise<ExecutionRecord[]>}
 */
async function waitForExecutions(uf, opts = {}) {
	const deadline = Date.now() + (opts.timeoutMs || 30000);
	const count = opts.count || 1;
	for (;;) {
		const all = await readExecutions(uf, { workflowId: opts.workflowId, afterId: opts.afterId });
		// n8n 1.x on SQLite (no read pool) updates execution_entity (status) and execution_data
		// (the run) in two separate statements: a finished status may still come with the data
		// written at start, so also wait for the run itself to be there.
		const done = all.filter(
			(e) =>
				!RUNNING_STATUSES.has(e.status) && e.data && (e.lastNodeExecuted !== undefined || e.error),
		);
		if (done.length >= count) return done;
		if (Date.now() > deadline) {
			throw new Error(
				`waitForExecutions: ${done.length}/${count} finished executions after ${opts.timeoutMs || 30000} ms ` +
					`(seen: ${JSON.stringify(all.map((e) => ({ id: e.id, wf: e.workflowId, status: e.status })))})`,
			);
		}
		await sleep(opts.intervalMs || 300);
	}
}

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
async function startN8n(uf, opts = {}) {
	installExitHook();
	const port = opts.port || (await getFreePort());
	const url = `http://127.0.0.1:${port}/`;
	const logFile = path.join(uf.tmpDir, `n8n-start-${port}.log`);
	const fd = fs.openSync(logFile, 'a');
	const started = Date.now();
	const child = childProcess.spawn(uf.install.nodeBin, [uf.install.n8nBin, 'start'], {
		cwd: uf.dir,
		env: {
			...uf.env,
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			// 2.x deprecates WEBHOOK_URL in favour of N8N_WEBHOOK_URL; 1.x knows only WEBHOOK_URL.
			...(uf.install.version === '1' ? { WEBHOOK_URL: url } : { N8N_WEBHOOK_URL: url }),
			...(opts.ui === undefined ? {} : { N8N_DISABLE_UI: opts.ui ? 'false' : 'true' }),
			N8N_EDITOR_BASE_URL: url,
			...(opts.env || {}),
		},
		detached: true,
		stdio: ['ignore', fd, fd],
	});
	fs.closeSync(fd);
	const pid = /** @type {number} */ (child.pid);
	liveGroups.add(pid);
	/** @type {{ code: number | null, signal: NodeJS.Signals | null } | null} */
	let exited = null;
	const exitPromise = new Promise((resolve) => {
		child.on('exit', (code, signal) => {
			exited = { code, signal };
			resolve(undefined);
		});
	});

	const readLog = () => {
		try {
			return fs.readFileSync(logFile, 'utf8');
		} catch {
			return '';
		}
	};

	let stopped = false;
	const stop = async () => {
		if (stopped) return;
		stopped = true;
		try {
			process.kill(-pid, 'SIGTERM');
		} catch {
			// gone
		}
		const t = setTimeout(() => {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				// gone
			}
		}, 15000);
		await exitPromise;
		clearTimeout(t);
		// The group may still hold runner processes after the main one exits.
		try {
			process.kill(-pid, 'SIGKILL');
		} catch {
			// gone
		}
		liveGroups.delete(pid);
	};

	const deadline = Date.now() + (opts.timeoutMs || 120000);
	for (;;) {
		if (exited) {
			liveGroups.delete(pid);
			throw new Error(
				`n8n start exited early (${JSON.stringify(exited)}); log ${logFile}:\n${tail(readLog())}`,
			);
		}
		const status = await httpStatus(`${url}healthz/readiness`);
		if (status === 200) break;
		if (Date.now() > deadline) {
			await stop();
			throw new Error(
				`n8n start: not ready after ${opts.timeoutMs || 120000} ms; log ${logFile}:\n${tail(readLog())}`,
			);
		}
		await sleep(250);
	}
	const readyMs = Date.now() - started;

	/**
	 * @param {string} webhookPath
	 * @param {{ method?: string, timeoutMs?: number }} [o]
	 */
	const waitForWebhook = async (webhookPath, o = {}) => {
		const until = Date.now() + (o.timeoutMs || 60000);
		const clean = webhookPath.replace(/^\/+/, '');
		for (;;) {
			if (exited)
				throw new Error(`n8n exited while waiting for webhook ${clean}; log:\n${tail(readLog())}`);
			const rows = await querySqlite(
				uf,
				'SELECT * FROM webhook_entity WHERE webhookPath = ?' + (o.method ? ' AND method = ?' : ''),
				o.method ? [clean, o.method.toUpperCase()] : [clean],
			).catch(() => []);
			if (rows.length) return rows[0];
			if (Date.now() > until) {
				const all = await querySqlite(
					uf,
					'SELECT webhookPath, method, workflowId FROM webhook_entity',
				).catch((e) => String(e));
				throw new Error(
					`webhook ${clean} not registered after ${o.timeoutMs || 60000} ms; registered: ${JSON.stringify(all)}\n${tail(readLog(), 30)}`,
				);
			}
			await sleep(300);
		}
	};

	/** @param {number} [timeoutMs] */
	const waitForRest = async (timeoutMs = 60000) => {
		const until = Date.now() + timeoutMs;
		// /healthz/readiness answers before the REST controllers are mounted (~0-3 s later).
		while (
			(await httpStatus(`${url}rest/login`)) === 404 ||
			(await httpStatus(`${url}rest/login`)) === 0
		) {
			if (exited)
				throw new Error(`n8n exited while waiting for its REST API; log:\n${tail(readLog())}`);
			if (Date.now() > until) throw new Error(`n8n REST API not mounted after ${timeoutMs} ms`);
			await sleep(200);
		}
	};

	return {
		url,
		port,
		pid,
		logFile,
		readyMs,
		stop,
		waitForWebhook,
		waitForRest,
		readExecutions: (filter) => readExecutions(uf, filter),
		waitForExecutions: (o) => waitForExecutions(uf, o),
		log: readLog,
	};
}

/**
 * @param {string} url
 * @returns {Promise<number>} HTTP status, or 0 when nothing answered
 */
function httpStatus(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 2000 }, (res) => {
			res.resume();
			resolve(res.statusCode || 0);
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(0));
	});
}

/**
 * Node types (`<package>.<node>` names) n8n loaded for this folder. A server started with the
 * editor on (`startN8n(uf, { ui: true })`) writes the list the editor uses to
 * `<dir>/.cache/n8n/public/types/nodes.json` shortly after it starts; this waits for that file.
 * @param {UserFolder} uf
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<string[]>}
 */
async function listNodeTypes(uf, opts = {}) {
	const file = path.join(uf.dir, '.cache', 'n8n', 'public', 'types', 'nodes.json');
	const deadline = Date.now() + (opts.timeoutMs || 30000);
	for (;;) {
		try {
			/** @type {Array<{ name: string }>} */
			const list = JSON.parse(fs.readFileSync(file, 'utf8'));
			return [...new Set(list.map((n) => n.name))];
		} catch (err) {
			if (Date.now() > deadline) throw new Error(`listNodeTypes: ${file} not readable: ${err}`);
		}
		await sleep(250);
	}
}

/**
 * Credential type names n8n loaded (same source and precondition as listNodeTypes).
 * @param {UserFolder} uf
 * @param {{ timeoutMs?: number }} [opts]
 * @returns {Promise<string[]>}
 */
async function listCredentialTypes(uf, opts = {}) {
	await listNodeTypes(uf, opts);
	const file = path.join(uf.dir, '.cache', 'n8n', 'public', 'types', 'credentials.json');
	/** @type {Array<{ name: string }>} */
	const list = JSON.parse(fs.readFileSync(file, 'utf8'));
	return [...new Set(list.map((c) => c.name))];
}

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
async function verifyPackageLoads(uf, expected) {
	const server = await startN8n(uf, { ui: true, timeoutMs: expected.timeoutMs });
	try {
		const nodeTypes = await listNodeTypes(uf);
		const credentialTypes = await listCredentialTypes(uf);
		const missingNodeTypes = (expected.nodeTypes || []).filter((t) => !nodeTypes.includes(t));
		const missingCredentialTypes = (expected.credentialTypes || []).filter(
			(t) => !credentialTypes.includes(t),
		);
		const lines = server.log().split('\n');
		/** @type {string[]} */
		const loadErrors = [];
		lines.forEach((line, i) => {
			if (
				/Failed to load package|Cannot find module|Error loading|could not be loaded/i.test(line)
			) {
				loadErrors.push(lines.slice(i, i + 2).join(' | '));
			}
		});
		return {
			ok: missingNodeTypes.length === 0 && missingCredentialTypes.length === 0,
			missingNodeTypes,
			missingCredentialTypes,
			nodeTypes,
			credentialTypes,
			loadErrors,
			readyMs: server.readyMs,
		};
	} finally {
		await server.stop();
	}
}

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
async function setUpOwner(server, owner) {
	/** @param {string} route @param {unknown} payload */
	const post = async (route, payload) => {
		const res = await fetch(`${server.url}rest/${route}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(payload),
		});
		const text = await res.text();
		const cookie = /(n8n-auth=[^;]+)/.exec(res.headers.get('set-cookie') || '');
		return { status: res.status, text, cookie: cookie ? cookie[1] : undefined };
	};
	const setup = await post('owner/setup', owner);
	if (setup.status === 200 && setup.cookie) return setup.cookie;
	const login = await post('login', {
		email: owner.email,
		emailOrLdapLoginId: owner.email,
		password: owner.password,
	});
	if (login.status === 200 && login.cookie) return login.cookie;
	throw new Error(
		`owner setup answered ${setup.status} (${setup.text.slice(0, 300)}) and login ${login.status} (${login.text.slice(0, 300)})`,
	);
}

/**
 * Removes a user folder (after stopping any server of it).
 * @param {UserFolder} uf
 */
function removeUserFolder(uf) {
	fs.rmSync(uf.dir, { recursive: true, force: true });
}

/** The variable through which the e2e global setup hands its packed tarball to every test file. */
const SHARED_TARBALL_ENV = 'WAPPFLY_E2E_TARBALL';
/** @type {Promise<string> | undefined} */
let sharedPacking;

/**
 * The package, packed once for the whole e2e run: test/e2e/global-setup.js packs it (packPackage)
 * before the first test file starts and passes its path in $WAPPFLY_E2E_TARBALL; the global
 * teardown deletes it. Outside that (a script, or jest without the e2e project's setup) the first
 * call packs it in this process, and it is deleted when this process exits. Do not delete it.
 * @param {string} projectDir
 * @returns {Promise<string>} absolute path of the .tgz
 */
function sharedTarball(projectDir) {
	const given = process.env[SHARED_TARBALL_ENV];
	if (given && fs.existsSync(given)) return Promise.resolve(given);
	if (!sharedPacking) {
		sharedPacking = packPackage(projectDir);
		sharedPacking.then(
			(file) =>
				process.on('exit', () => fs.rmSync(path.dirname(file), { recursive: true, force: true })),
			() => undefined,
		);
	}
	return sharedPacking;
}

module.exports = {
	SHARED_TARBALL_ENV,
	sharedTarball,
	createUserFolder,
	removeUserFolder,
	installPackageTarball,
	packPackage,
	importCredentials,
	importWorkflows,
	activateWorkflows,
	executeWorkflow,
	executeWorkflowsBatch,
	startN8n,
	readExecutions,
	waitForExecutions,
	querySqlite,
	listNodeTypes,
	listCredentialTypes,
	verifyPackageLoads,
	setUpOwner,
	runN8n,
	runN8nOk,
	parseExecuteOutput,
	getFreePort,
	executionRecord,
	runProcess,
};
