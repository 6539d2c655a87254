#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run demo`: the whole package running locally, with no Wappfly account.
 *
 *   npm run demo [-- --port 5678] [--sandbox-port 8787] [--n8n 1|2] [--data-dir DIR]
 *
 * 1. builds and packs the package (in a snapshot of the project) and installs the tarball into a
 *    fresh n8n user folder, as a user does (n8n itself is installed once into ~/.cache, see
 *    test/e2e/lib/install-n8n.js);
 * 2. starts the Wappfly sandbox (the contract server of test/server, seeded with a few chats and
 *    messages) on 127.0.0.1:8787;
 * 3. imports a "Wappfly account" credential pointing at the sandbox and the example workflows of
 *    examples/, activates the auto-reply one, starts n8n with its editor on 127.0.0.1:5678,
 *    creates the owner account and points the sandbox's webhook at the auto-reply's
 *    Production URL;
 * 4. prints the editor URL, the login and the curl command that sends an inbound WhatsApp
 *    message into the sandbox. Ctrl-C stops n8n and the sandbox.
 *
 * Everything it starts listens on 127.0.0.1 only. The demo's n8n data lives in .tmp/demo (made
 * anew on every run).
 */

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { startWappflyServer } = require('../test/server/wappfly-server');
const {
	EXAMPLE_CREDENTIALS,
	EXAMPLE_INVOICE_DIR,
	PROJECT_DIR,
	hasWappflyTrigger,
	invoicePdf,
	loadExamples,
	relocateFileReads,
	webhookPathOf,
} = require('../test/e2e/lib/examples');
const { ensureN8n } = require('../test/e2e/lib/install-n8n');
const n8n = require('../test/e2e/lib/n8n-instance');

/** The example that is active in the demo: every inbound message gets a reply. */
const AUTO_REPLY_FILE = 'auto-reply.json';

const OWNER = Object.freeze({
	email: 'demo@example.com',
	firstName: 'Demo',
	lastName: 'User',
	password: 'Wappfly-demo-2026',
});

/** The sandbox's API token (not a secret: the sandbox is local and fake). */
const SANDBOX_TOKEN = 'wappfly-sandbox-token';

const USAGE = `Usage: npm run demo [-- options]

  --port N           n8n's port (default 5678)
  --sandbox-port N   the Wappfly sandbox's port (default 8787)
  --n8n 1|2          n8n 1.123.x on this Node, or 2.40.x on Node 24 from npm (default 1)
  --data-dir DIR     where the demo's n8n keeps its data (default .tmp/demo, emptied first)
  --help             this text
`;

/**
 * @typedef {{ port: number, sandboxPort: number, n8n: '1' | '2', dataDir: string, help: boolean }} DemoOptions
 */

/**
 * @param {string[]} argv  arguments after the script name
 * @param {Record<string, string | undefined>} [environment]  WAPPFLY_DEMO_PORT, WAPPFLY_DEMO_SANDBOX_PORT
 * @returns {DemoOptions}
 */
function parseArgs(argv, environment = {}) {
	/** @type {DemoOptions} */
	const options = {
		port: 5678,
		sandboxPort: 8787,
		n8n: '1',
		dataDir: path.join(PROJECT_DIR, '.tmp', 'demo'),
		help: false,
	};
	/** @param {string} name @param {string | undefined} value */
	const port = (name, value) => {
		if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
			throw new Error(`${name} needs a port number from 1 to 65535 (got ${value ?? 'nothing'})`);
		return Number(value);
	};
	if (environment.WAPPFLY_DEMO_PORT)
		options.port = port('WAPPFLY_DEMO_PORT', environment.WAPPFLY_DEMO_PORT);
	if (environment.WAPPFLY_DEMO_SANDBOX_PORT)
		options.sandboxPort = port('WAPPFLY_DEMO_SANDBOX_PORT', environment.WAPPFLY_DEMO_SANDBOX_PORT);
	for (let i = 0; i < argv.length; i++) {
		const [name, inline] =
			argv[i].startsWith('--') && argv[i].includes('=')
				? argv[i].split(/=(.*)/s)
				: [argv[i], undefined];
		const value = () => inline ?? argv[++i];
		if (name === '--port') options.port = port(name, value());
		else if (name === '--sandbox-port') options.sandboxPort = port(name, value());
		else if (name === '--n8n') {
			const v = value();
			if (v !== '1' && v !== '2') throw new Error(`--n8n must be 1 or 2 (got ${v ?? 'nothing'})`);
			options.n8n = v;
		} else if (name === '--data-dir') {
			const v = value();
			if (!v) throw new Error('--data-dir needs a folder');
			options.dataDir = path.resolve(v);
		} else if (name === '--help' || name === '-h') options.help = true;
		else throw new Error(`unknown option ${argv[i]}`);
	}
	if (options.port === options.sandboxPort)
		throw new Error('n8n and the sandbox need two different ports');
	return options;
}

/**
 * The examples as the demo imports them: the invoice example reads the sample PDF from
 * `filesDir/invoices`; the auto-reply one is the one to activate.
 * @param {string} filesDir
 * @returns {{ workflows: import('../test/e2e/lib/examples').Workflow[], autoReply: import('../test/e2e/lib/examples').Workflow }}
 */
function demoWorkflows(filesDir) {
	const examples = loadExamples();
	const workflows = examples.map(({ workflow }) =>
		relocateFileReads(workflow, EXAMPLE_INVOICE_DIR, path.join(filesDir, 'invoices')),
	);
	const index = examples.findIndex((e) => e.file === AUTO_REPLY_FILE);
	if (index < 0) throw new Error(`examples/${AUTO_REPLY_FILE} is missing`);
	const autoReply = workflows[index];
	if (!hasWappflyTrigger(autoReply))
		throw new Error(`examples/${AUTO_REPLY_FILE} has no Wappfly Trigger`);
	return { workflows, autoReply };
}

/**
 * The credential the examples refer to, pointing at the sandbox.
 * @param {string} sandboxUrl
 */
function demoCredential(sandboxUrl) {
	return {
		id: EXAMPLE_CREDENTIALS.wappfly.id,
		name: EXAMPLE_CREDENTIALS.wappfly.name,
		type: 'wappflyApi',
		data: { apiToken: SANDBOX_TOKEN, baseUrl: sandboxUrl },
	};
}

/**
 * The command that simulates a customer writing to the line.
 * @param {string} sandboxUrl
 */
function inboundCurl(sandboxUrl) {
	return (
		`curl -X POST ${sandboxUrl}/sandbox/inbound -H 'Content-Type: application/json' \\\n` +
		`  -d '{"from": "15551234567", "pushName": "Alice", "text": "Hi! Is my order on its way?"}'`
	);
}

/** @param {number} port @returns {Promise<boolean>} */
function portIsFree(port) {
	return new Promise((resolve) => {
		const probe = net.createServer();
		probe.once('error', () => resolve(false));
		probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
	});
}

/** @param {string} line */
function say(line) {
	process.stdout.write(`${line}\n`);
}

/** @param {DemoOptions} options */
async function runDemo(options) {
	const started = Date.now();
	const step = (/** @type {string} */ what) =>
		say(`[demo ${String(Math.round((Date.now() - started) / 1000)).padStart(3)} s] ${what}`);

	for (const [what, port, flag] of /** @type {Array<[string, number, string]>} */ ([
		['n8n', options.port, '--port'],
		['the Wappfly sandbox', options.sandboxPort, '--sandbox-port'],
	])) {
		if (!(await portIsFree(port)))
			throw new Error(
				`port ${port} (for ${what}) is in use: stop what uses it, or pick another with ${flag}`,
			);
	}

	/** @type {Array<() => Promise<void>>} */
	const cleanups = [];
	let stopping = false;
	const stopAll = async (/** @type {string} */ why) => {
		if (stopping) return;
		stopping = true;
		say(`\n[demo] ${why}: stopping n8n and the sandbox…`);
		for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
		say('[demo] stopped.');
	};
	let signals = 0;
	const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
		signals += 1;
		if (signals > 1) process.exit(130);
		stopAll(signal).then(() => process.exit(0));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);

	try {
		step(
			`n8n ${options.n8n}.x: using the cached install, or installing it (first time: ~5 minutes)…`,
		);
		const install = await ensureN8n(options.n8n);
		step(`n8n ${install.n8nVersion} on Node ${install.nodeVersion}`);

		step('building and packing n8n-nodes-wappfly…');
		const tarball = await n8n.packPackage(PROJECT_DIR);
		cleanups.push(async () => fs.rmSync(path.dirname(tarball), { recursive: true, force: true }));
		if (stopping) return;

		const sandbox = await startWappflyServer({
			port: options.sandboxPort,
			token: SANDBOX_TOKEN,
			log: (line) => say(`[sandbox] ${line}`),
		});
		cleanups.push(() => sandbox.close());
		step(`Wappfly sandbox on ${sandbox.url} (seeded: Alice, Bob, Carla and a group)`);

		fs.rmSync(options.dataDir, { recursive: true, force: true });
		fs.mkdirSync(options.dataDir, { recursive: true });
		const filesDir = path.join(options.dataDir, 'files');
		fs.mkdirSync(path.join(filesDir, 'invoices'), { recursive: true });
		fs.writeFileSync(path.join(filesDir, 'invoices', 'invoice-1001.pdf'), invoicePdf('1001'));
		const uf = await n8n.createUserFolder(install, {
			parentDir: options.dataDir,
			filesDir,
			ui: true,
			logLevel: 'info',
		});
		await n8n.installPackageTarball(uf, tarball);
		step(`package installed into ${path.relative(process.cwd(), uf.n8nDir) || uf.n8nDir}/nodes`);

		const { workflows, autoReply } = demoWorkflows(filesDir);
		await n8n.importCredentials(uf, [demoCredential(sandbox.url)]);
		await n8n.importWorkflows(uf, workflows);
		await n8n.activateWorkflows(uf, [autoReply.id]);
		step(
			`credential "${EXAMPLE_CREDENTIALS.wappfly.name}" and ${workflows.length} example workflows imported`,
		);
		if (stopping) return;

		step('starting n8n…');
		const server = await n8n.startN8n(uf, { port: options.port, ui: true });
		cleanups.push(() => server.stop());
		const webhookPath = webhookPathOf(autoReply);
		await server.waitForWebhook(webhookPath);
		await server.waitForRest();
		await n8n.setUpOwner(server, OWNER);
		const productionUrl = `${server.url}webhook/${webhookPath}`;
		const pointed = await fetch(`${sandbox.url}/sandbox/webhook`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ url: productionUrl }),
		});
		if (!pointed.ok)
			throw new Error(`the sandbox refused the webhook URL: ${await pointed.text()}`);
		step('ready');

		say(
			[
				'',
				'==============================================================================',
				' Wappfly demo is running (no Wappfly account, nothing leaves this machine)',
				'==============================================================================',
				'',
				` n8n editor : ${server.url}`,
				`   log in   : ${OWNER.email} / ${OWNER.password}`,
				`   examples : ${workflows.map((w) => w.name.replace(/^Wappfly: /, '')).join('; ')}`,
				`   active   : "${autoReply.name}"`,
				'',
				` Sandbox    : ${sandbox.url}  (the Wappfly API; help: curl ${sandbox.url}/sandbox)`,
				`   credential "${EXAMPLE_CREDENTIALS.wappfly.name}": Base URL ${sandbox.url}, API token ${SANDBOX_TOKEN}`,
				`   webhook  : ${productionUrl}`,
				'',
				' Send a WhatsApp message from "Alice" into the sandbox:',
				'',
				inboundCurl(sandbox.url),
				'',
				' The auto-reply workflow answers it: watch for "POST /api/messages/reply -> 200" below,',
				' and open Executions in the editor. The sandbox stores what n8n sent:',
				`   curl ${sandbox.url}/api/messages/recent -H 'X-API-Token: ${SANDBOX_TOKEN}'`,
				'',
				` n8n's log: ${server.logFile}`,
				' Press Ctrl-C to stop everything.',
				'',
			].join('\n'),
		);

		// Stay up until a signal; if n8n dies, say so and stop the rest.
		for (;;) {
			await new Promise((resolve) => setTimeout(resolve, 1000));
			if (stopping) return;
			try {
				process.kill(server.pid, 0);
			} catch {
				const tail = server.log().split('\n').slice(-30).join('\n');
				await stopAll('n8n exited');
				throw new Error(`n8n exited unexpectedly; its last lines:\n${tail}`);
			}
		}
	} catch (error) {
		await stopAll('error');
		throw error;
	}
}

async function main() {
	let options;
	try {
		options = parseArgs(process.argv.slice(2), process.env);
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
		process.exit(2);
	}
	if (options.help) {
		process.stdout.write(USAGE);
		return;
	}
	await runDemo(options);
}

module.exports = { parseArgs, demoWorkflows, demoCredential, inboundCurl, OWNER, SANDBOX_TOKEN };

if (require.main === module) {
	main().catch((error) => {
		process.stderr.write(`\n[demo] failed: ${error && error.stack ? error.stack : error}\n`);
		process.exit(1);
	});
}
