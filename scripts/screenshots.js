#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * Opens the real n8n editor in headless Chromium with our package installed and saves PNG
 * screenshots of it:
 *
 *   node scripts/screenshots.js [--out docs/screenshots] [--report report.json] [--keep]
 *
 * What it does, all on 127.0.0.1 and without any Wappfly account:
 * 1. builds and packs the package in a private copy of the project (test/support/packed-package.js)
 *    and installs the tarball into a fresh n8n 1.x user folder, as a user would;
 * 2. starts the Wappfly contract server (test/server) as the API behind the credential;
 * 3. imports the credential, the example workflows (examples/*.json) and one workflow with two
 *    lanes: Manual Trigger -> Read/Write Files (an invoice.pdf) -> Wappfly "Send Document" (media
 *    from a binary field), and Wappfly Trigger -> Wappfly "Reply";
 * 4. starts n8n with the editor, creates the owner account through the REST API, and drives
 *    the editor with playwright-core in headless Chromium (from the pinned dev dependency
 *    @sparticuz/chromium, unpacked once by test/e2e/lib/install-n8n.js): runs the Send
 *    Document step, opens each panel, the credential dialog and the node picker.
 *
 * Screenshots (1440x900): workflow.png, wappfly-node.png, wappfly-credential.png,
 * wappfly-trigger.png, node-picker.png, example-ai-agent.png (the AI Agent example of
 * examples/, with the Wappfly node as a tool), wappfly-pacing.png (Options > Pacing in the daily
 * broadcast example), send-and-wait-waiting.png (a Send and Wait for Response execution waiting,
 * run from the editor), send-and-wait-page.png (the page its approve link opens, 420x800),
 * wappfly-polling-trigger.png (the Wappfly Polling Trigger's panel after "Fetch Test Event", in a
 * workflow of its own), workflow-dark.png. Every example workflow is also opened and its canvas
 * reported.
 *
 * `takeScreenshots()` returns what the editor showed (panel texts, parameter inputs, canvas
 * nodes and their icons, console messages, failed requests) for test/e2e/editor.e2e.test.ts.
 * Chromium: `npm ci` brings it (@sparticuz/chromium); another binary via $WAPPFLY_CHROMIUM.
 */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const PROJECT_DIR = path.resolve(__dirname, '..');
const { ensureN8n, ensureChromium } = require('../test/e2e/lib/install-n8n');
const n8n = require('../test/e2e/lib/n8n-instance');
const { packIsolated } = require('../test/support/packed-package');
const { startWappflyServer, SEED } = require('../test/server/wappfly-server');

/** Flags that let Chromium run headless as root in a container with no outside network. */
const CHROMIUM_ARGS = [
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	'--disable-dev-shm-usage',
];
const VIEWPORT = { width: 1440, height: 900 };

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Ada',
	lastName: 'Lovelace',
	password: 'Screenshots-2026',
};
/** The id and name the example workflows (examples/*.json) use for their Wappfly credential. */
const CREDENTIAL = { id: 'wappflyCred00001', name: 'Wappfly account' };
const WORKFLOW_ID = 'wappflyShotFlow1';
const POLLING_WORKFLOW_ID = 'wappflyShotPoll1';
const POLLING_NAME = 'Wappfly Polling Trigger';
const WAIT_WORKFLOW_ID = 'wappflyShotWait1';
/** The node of examples/daily-broadcast.json that shows Options > Pacing. */
const PACING_EXAMPLE = { id: 'wfyExBroadcast01', node: 'Send the daily message' };
const NAMES = {
	manual: 'When clicking ‘Execute workflow’',
	read: 'Read invoice.pdf',
	send: 'Send invoice',
	trigger: 'Wappfly Trigger',
	reply: 'Reply',
	ask: 'Ask for approval',
};

/**
 * What n8n 1.123's editor reports by itself on a fresh community-edition instance, whatever nodes
 * are installed. Each entry says why it is not ours and matches the request that caused it, so
 * that any other console error, page error or failed request counts: an error caused by our node
 * descriptions would come from n8n's own scripts, not from a file of ours, so "mentions wappfly"
 * would be no usable filter.
 * @param {string} packageName
 * @returns {Array<{ why: string, matches: (entry: { url: string, text?: string }) => boolean }>}
 */
function knownN8nNoise(packageName) {
	return [
		{
			why: 'the AI assistant lists its sessions at start; the community edition has no licence for it (403 "Plan lacks license")',
			matches: ({ url, text = '' }) =>
				/\/rest\/ai\/sessions\/metadata$/.test(url) ||
				/^Failed to fetch sessions metadata: ResponseError: Plan lacks license for this feature/.test(
					text,
				),
		},
		{
			why: 'the editor asks for the last successful execution of a workflow that has none yet (404)',
			matches: ({ url }) => /\/rest\/workflows\/[^/]+\/executions\/last-successful$/.test(url),
		},
		{
			why: "after a run the editor asks for the Manual Trigger's output schema, which n8n-nodes-base does not ship (404)",
			matches: ({ url }) => /\/schemas\/n8n-nodes-base\.manualTrigger\/[\d.]+\.json$/.test(url),
		},
		{
			why: "the node picker's package details look the community package up on registry.npmjs.org; the script refuses every request to another host (and the package may not be published yet)",
			matches: ({ url }) => url === `https://registry.npmjs.org/${packageName}`,
		},
	];
}

/**
 * Console errors, failed requests and outside requests of a report that are not known n8n noise.
 * @param {ScreenshotReport} report
 * @param {string} packageName
 * @returns {string[]}
 */
function unexpectedBrowserProblems(report, packageName) {
	const noise = knownN8nNoise(packageName);
	/** @param {{ url: string, text?: string }} entry */
	const isNoise = (entry) => noise.some((n) => n.matches(entry));
	return [
		...report.console
			.filter((e) => e.type !== 'warning' && !isNoise(e))
			.map((e) => `[${e.step}] console ${e.type} ${e.url}: ${e.text}`),
		...report.failedResponses
			.filter((r) => !isNoise(r))
			.map((r) => `[${r.step}] HTTP ${r.status} ${r.method} ${r.url}`),
		...report.failedRequests
			.filter((r) => !isNoise(r))
			.map((r) => `[${r.step}] ${r.error} ${r.method} ${r.url}`),
		...report.externalRequests
			.filter((r) => !isNoise(r))
			.map((r) => `[${r.step}] request to another host: ${r.url}`),
	];
}

/** Texts n8n shows instead of a node it cannot load. */
const NOT_INSTALLED = /Install this node to use it|not currently installed|node is not installed/i;

/**
 * @typedef {object} ConsoleEntry
 * @property {string} type     'error' | 'warning' | 'pageerror' | ...
 * @property {string} text
 * @property {string} url      where the message came from (script URL), if known
 * @property {string} step     what the script was doing then
 */

/**
 * @typedef {object} CanvasNode
 * @property {string} name
 * @property {string} type
 * @property {string} text
 * @property {boolean} placeholder  n8n shows "?" or a "not installed" marker instead of the node
 * @property {Array<{ src: string, loaded: boolean }>} icons
 */

/**
 * @typedef {object} PanelReport
 * @property {string} nodeName
 * @property {string} text            innerText of the whole node panel (NDV)
 * @property {string} parametersText  innerText of the Parameters tab
 * @property {string[]} parameterInputs  parameter names with an input (`parameter-input-<name>`)
 * @property {Record<string, string>} parameterValues  what each of them shows (input values, text)
 * @property {string[]} placeholders     placeholders of the inputs ("Add option", ...)
 * @property {string} credential          the credential selected in the panel
 * @property {boolean} notInstalled
 * @property {string | undefined} screenshot
 */

/**
 * @typedef {object} ScreenshotReport
 * @property {string} outDir
 * @property {Record<string, string>} files   screenshot name -> absolute path
 * @property {string[]} nodeTypes             our node types on the main workflow (from package.json's
 *                                           n8n.nodes; the polling trigger has a workflow of its own)
 * @property {boolean} hasTrigger
 * @property {boolean} hasPollingTrigger
 * @property {CanvasNode[]} canvas           as the editor first showed it
 * @property {CanvasNode[]} canvasDark
 * @property {Array<{ file: string, id: string, name: string, types: string[], canvas: CanvasNode[] }>} examples
 *     each examples/*.json workflow as the editor showed it
 * @property {Record<string, PanelReport>} panels   by node name
 * @property {{ text: string, tested: boolean }} credentialDialog
 * @property {{ text: string }} nodePicker
 * @property {{ ok: boolean, text: string }} execution  the Send Document step run from the editor
 * @property {Array<{ method: string, path: string, status: number, body?: unknown }>} apiRequests
 *     what the contract server received
 * @property {ConsoleEntry[]} console          console errors/warnings and uncaught page errors
 * @property {Array<{ status: number, url: string, method: string, step: string }>} failedResponses
 * @property {Array<{ url: string, method: string, error: string, step: string }>} failedRequests
 *     requests that got no answer at all (network errors, aborted loads)
 * @property {Array<{ url: string, step: string }>} externalRequests
 *     requests of the editor to hosts other than n8n's, refused (blocked by the script)
 * @property {string} n8nLog                   what `n8n start` printed (log level warn)
 * @property {string[]} notes                  things that went differently than planned
 * @property {Record<string, number>} timings  ms per phase
 * @property {string} browserVersion  the Chrome version of the browser's user agent
 */

/**
 * A workflow of its own for the Wappfly Polling Trigger: new messages every minute, answered.
 * @param {string} packageName
 */
function buildPollingWorkflow(packageName) {
	const credentials = { wappflyApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };
	return {
		id: POLLING_WORKFLOW_ID,
		name: 'Wappfly: answer new messages (polling)',
		nodes: [
			{
				id: '8b0c6a44-0006-4c1e-9a7e-000000000006',
				name: POLLING_NAME,
				type: `${packageName}.wappflyPollingTrigger`,
				typeVersion: 1,
				position: [0, 0],
				credentials,
				parameters: {
					pollTimes: { item: [{ mode: 'everyMinute' }] },
					options: { ignoreGroups: true, messageTypes: ['text'] },
				},
			},
			{
				id: '8b0c6a44-0007-4c1e-9a7e-000000000007',
				name: NAMES.reply,
				type: `${packageName}.wappfly`,
				typeVersion: 1,
				position: [240, 0],
				credentials,
				parameters: {
					resource: 'message',
					operation: 'reply',
					to: { __rl: true, mode: 'id', value: '={{ $json.chatJid }}' },
					messageId: '={{ $json.messageId }}',
					text: 'Thanks, we got your message and answer shortly.',
					options: {},
				},
			},
		],
		connections: { [POLLING_NAME]: { main: [[{ node: NAMES.reply, type: 'main', index: 0 }]] } },
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/**
 * The project's example workflows (examples/*.json), to open in the editor as a user who imports
 * them would. Their Wappfly credential id is the one this script imports.
 * @param {string} projectDir
 * @returns {Array<{ file: string, workflow: Record<string, any> }>}
 */
function loadExamples(projectDir) {
	const dir = path.join(projectDir, 'examples');
	if (!fs.existsSync(dir)) return [];
	return fs
		.readdirSync(dir)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			workflow: { ...JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), active: false },
		}));
}

/** A tiny valid one-page PDF, written into n8n's files folder as the invoice to send. */
function invoicePdf() {
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		null,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	const stream = 'BT /F1 24 Tf 72 760 Td (Invoice 2026-11) Tj ET';
	objects[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
	let body = '%PDF-1.4\n';
	/** @type {number[]} */
	const offsets = [];
	objects.forEach((obj, i) => {
		offsets.push(Buffer.byteLength(body));
		body += `${i + 1} 0 obj\n${obj}\nendobj\n`;
	});
	const xref = Buffer.byteLength(body);
	body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
	for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
	body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
	return Buffer.from(body, 'latin1');
}

/**
 * @param {string} packageName
 * @param {string} invoicePath
 * @param {boolean} withTrigger
 */
function buildWorkflow(packageName, invoicePath, withTrigger) {
	const credentials = { wappflyApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } };
	/** @type {Array<Record<string, unknown>>} */
	const nodes = [
		{
			id: '8b0c6a44-0001-4c1e-9a7e-000000000001',
			name: NAMES.manual,
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 260],
			parameters: {},
		},
		{
			id: '8b0c6a44-0002-4c1e-9a7e-000000000002',
			name: NAMES.read,
			type: 'n8n-nodes-base.readWriteFile',
			typeVersion: 1,
			position: [240, 260],
			parameters: { operation: 'read', fileSelector: invoicePath, options: {} },
		},
		{
			id: '8b0c6a44-0003-4c1e-9a7e-000000000003',
			name: NAMES.send,
			type: `${packageName}.wappfly`,
			typeVersion: 1,
			position: [480, 260],
			credentials,
			parameters: {
				resource: 'message',
				operation: 'sendDocument',
				to: {
					__rl: true,
					mode: 'list',
					value: SEED.aliceJid,
					cachedResultName: 'Alice',
				},
				mediaSource: 'binary',
				binaryPropertyName: 'data',
				options: { fileName: 'invoice-2026-11.pdf', caption: 'Your invoice for November' },
			},
		},
	];
	/** @type {Record<string, unknown>} */
	const connections = {
		[NAMES.manual]: { main: [[{ node: NAMES.read, type: 'main', index: 0 }]] },
		[NAMES.read]: { main: [[{ node: NAMES.send, type: 'main', index: 0 }]] },
	};
	if (withTrigger) {
		nodes.push(
			{
				id: '8b0c6a44-0004-4c1e-9a7e-000000000004',
				name: NAMES.trigger,
				type: `${packageName}.wappflyTrigger`,
				typeVersion: 1,
				position: [240, 0],
				webhookId: '2f7f1c8e-5b1a-4d7e-9d0c-3a6b8e1f0c42',
				credentials,
				parameters: {
					events: ['messages.received'],
					simplify: true,
					filters: { ignoreGroups: true },
					options: {},
				},
			},
			{
				id: '8b0c6a44-0005-4c1e-9a7e-000000000005',
				name: NAMES.reply,
				type: `${packageName}.wappfly`,
				typeVersion: 1,
				position: [480, 0],
				credentials,
				parameters: {
					resource: 'message',
					operation: 'reply',
					to: { __rl: true, mode: 'id', value: '={{ $json.chatJid }}' },
					messageId: '={{ $json.messageId }}',
					text: 'Thanks {{ $json.senderName }}, we got your message and answer shortly.',
					options: {},
				},
			},
		);
		connections[NAMES.trigger] = { main: [[{ node: NAMES.reply, type: 'main', index: 0 }]] };
	}
	return {
		id: WORKFLOW_ID,
		name: 'Wappfly: auto-reply and invoice',
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/**
 * Manual Trigger -> Wappfly Send and Wait for Response (approve or decline).
 * @param {string} packageName
 */
function buildWaitWorkflow(packageName) {
	return {
		id: WAIT_WORKFLOW_ID,
		name: 'Wappfly: ask for approval',
		nodes: [
			{
				id: '8b0c6a44-0006-4c1e-9a7e-000000000006',
				name: NAMES.manual,
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: '8b0c6a44-0007-4c1e-9a7e-000000000007',
				name: NAMES.ask,
				type: `${packageName}.wappfly`,
				typeVersion: 1,
				position: [240, 0],
				credentials: { wappflyApi: { id: CREDENTIAL.id, name: CREDENTIAL.name } },
				parameters: {
					resource: 'message',
					operation: 'sendAndWait',
					to: { __rl: true, mode: 'list', value: SEED.aliceJid, cachedResultName: 'Alice' },
					message: 'Refund 42 EUR to order A-17?',
					approvalOptions: { values: { approvalType: 'double' } },
					options: {},
				},
			},
		],
		connections: {
			[NAMES.manual]: { main: [[{ node: NAMES.ask, type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
		active: false,
	};
}

/**
 * @param {string} url
 * @param {unknown} body
 * @param {string} [cookie]
 */
async function postJson(url, body, cookie) {
	const res = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
		body: JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, text, setCookie: res.headers.get('set-cookie') || '' };
}

/**
 * Creates the owner account (n8n starts with none) and returns its auth cookie.
 * @param {string} baseUrl
 */
async function setUpOwner(baseUrl) {
	const setup = await postJson(`${baseUrl}rest/owner/setup`, OWNER);
	let cookie = /n8n-auth=([^;]+)/.exec(setup.setCookie);
	if (setup.status !== 200 || !cookie) {
		const login = await postJson(`${baseUrl}rest/login`, {
			emailOrLdapLoginId: OWNER.email,
			email: OWNER.email,
			password: OWNER.password,
		});
		cookie = /n8n-auth=([^;]+)/.exec(login.setCookie);
		if (login.status !== 200 || !cookie) {
			throw new Error(
				`owner setup failed (${setup.status} ${setup.text.slice(0, 300)}) and so did login (${login.status} ${login.text.slice(0, 300)})`,
			);
		}
	}
	return cookie[1];
}

/**
 * @param {import('playwright-core').Page} page
 * @returns {Promise<CanvasNode[]>}
 */
async function readCanvas(page) {
	return await page.$$eval('[data-test-id="canvas-node"]', (elements) =>
		elements.map((el) => {
			const html = /** @type {HTMLElement} */ (el);
			const icons = [...el.querySelectorAll('img')].map((img) => ({
				src: img.getAttribute('src') || '',
				loaded: img.complete && img.naturalWidth > 0,
			}));
			const text = html.innerText.trim();
			return {
				name: el.getAttribute('data-node-name') || '',
				type: el.getAttribute('data-node-type') || '',
				text,
				placeholder:
					!!el.querySelector('[data-test-id="node-not-installed"]') ||
					/^\?(\n|$)/.test(text) ||
					[...el.querySelectorAll('div')].some(
						(d) => d.children.length === 0 && (d.textContent || '').trim() === '?',
					),
				icons,
			};
		}),
	);
}

/**
 * Waits until every icon on the canvas finished loading (or failed).
 * @param {import('playwright-core').Page} page
 */
async function waitForCanvasIcons(page) {
	await page
		.waitForFunction(
			() =>
				[...document.querySelectorAll('[data-test-id="canvas-node"] img')].every(
					(img) => /** @type {HTMLImageElement} */ (img).complete,
				),
			undefined,
			{ timeout: 15000 },
		)
		.catch(() => undefined);
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} nodeName
 */
async function openPanel(page, nodeName) {
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	await node.waitFor({ timeout: 30000 });
	await node.dblclick();
	await page.locator('[data-test-id="ndv"]').waitFor({ state: 'visible', timeout: 20000 });
	// Either the node's parameters, or n8n's "Install this node to use it" for an unknown node.
	await page.waitForFunction(
		(notInstalled) => {
			const ndv = document.querySelector('[data-test-id="ndv"]');
			return (
				!!ndv &&
				(!!ndv.querySelector('[data-test-id="node-parameters"]') ||
					new RegExp(notInstalled, 'i').test(/** @type {HTMLElement} */ (ndv).innerText))
			);
		},
		NOT_INSTALLED.source,
		{ timeout: 20000 },
	);
	const parameters = page.locator('[data-test-id="ndv"] [data-test-id="node-parameters"]');
	return (await parameters.count()) > 0;
}

/**
 * @param {import('playwright-core').Page} page
 * @param {string} nodeName
 * @returns {Promise<Omit<PanelReport, 'screenshot'>>}
 */
async function readPanel(page, nodeName) {
	const ndv = page.locator('[data-test-id="ndv"]');
	const text = await ndv.innerText();
	const parameters = page.locator('[data-test-id="node-parameters"]');
	const parametersText = (await parameters.count()) ? await parameters.innerText() : '';
	// Input values are not part of innerText: read them per parameter (`parameter-input-<name>`).
	/** @type {Record<string, string>} */
	const parameterValues = await page.$$eval(
		'[data-test-id="node-parameters"] [data-test-id^="parameter-input-"]',
		(elements) => {
			/** @type {Record<string, string>} */
			const values = {};
			for (const el of elements) {
				const name = (el.getAttribute('data-test-id') || '').replace(/^parameter-input-/, '');
				if (!name || name === 'field' || name in values) continue;
				const fields = [...el.querySelectorAll('input, textarea')].map(
					(input) => /** @type {HTMLInputElement} */ (input).value,
				);
				const shown = /** @type {HTMLElement} */ (el).innerText.trim();
				values[name] = [...fields, shown].filter((v) => v).join(' | ');
			}
			return values;
		},
	);
	const placeholders = await page.$$eval(
		'[data-test-id="node-parameters"] input[placeholder], [data-test-id="node-parameters"] textarea[placeholder]',
		(elements) => elements.map((el) => el.getAttribute('placeholder') || '').filter((p) => p),
	);
	const parameterInputs = Object.keys(parameterValues);
	const credential = await page
		.locator('[data-test-id="node-credentials-select"] input')
		.first()
		.inputValue({ timeout: 2000 })
		.catch(() => '');
	return {
		nodeName,
		text,
		parametersText,
		parameterInputs,
		parameterValues,
		placeholders,
		credential,
		notInstalled: NOT_INSTALLED.test(text),
	};
}

/** @param {import('playwright-core').Page} page */
async function closePanel(page) {
	const back = page.locator('[data-test-id="back-to-canvas"]');
	if (await back.isVisible().catch(() => false)) await back.click();
	else await page.keyboard.press('Escape');
	await page
		.locator('[data-test-id="ndv"]')
		.waitFor({ state: 'hidden', timeout: 10000 })
		.catch(() => page.keyboard.press('Escape'));
}

/**
 * Moves the mouse to an empty spot so no hover state shows in a screenshot.
 * @param {import('playwright-core').Page} page
 */
async function parkMouse(page) {
	await page.mouse.move(240, VIEWPORT.height - 15);
}

/**
 * Closes n8n's toasts ("Node executed successfully") so they do not cover a screenshot.
 * @param {import('playwright-core').Page} page
 */
async function dismissToasts(page) {
	const close = page.locator('.el-notification .el-notification__closeBtn');
	for (let i = await close.count(); i > 0; i--) {
		await close
			.first()
			.click({ timeout: 2000 })
			.catch(() => undefined);
	}
}

/**
 * @param {object} [opts]
 * @param {string} [opts.outDir]        default docs/screenshots of the project
 * @param {string} [opts.projectDir]
 * @param {string} [opts.chromium]      the browser binary; default $WAPPFLY_CHROMIUM, else the one
 *                                      of the npm package @sparticuz/chromium (ensureChromium)
 * @param {boolean} [opts.keep]         keep the n8n user folder (its path is logged)
 * @param {(line: string) => void} [opts.log]
 * @returns {Promise<ScreenshotReport>}
 */
async function takeScreenshots(opts = {}) {
	const log = opts.log || ((line) => process.stderr.write(`[screenshots] ${line}\n`));
	const projectDir = opts.projectDir || PROJECT_DIR;
	const outDir = path.resolve(opts.outDir || path.join(projectDir, 'docs', 'screenshots'));
	const chromiumPath = opts.chromium || (await ensureChromium()).executablePath;
	if (!fs.existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}`);
	const { chromium } = require('playwright-core');
	fs.mkdirSync(outDir, { recursive: true });

	const pkg = JSON.parse(fs.readFileSync(path.join(projectDir, 'package.json'), 'utf8'));
	/** @type {string[]} */
	const nodeFiles = (pkg.n8n && pkg.n8n.nodes) || [];
	const hasTrigger = nodeFiles.some((f) => /WappflyTrigger\.node\.js$/.test(f));
	const hasPollingTrigger = nodeFiles.some((f) => /WappflyPollingTrigger\.node\.js$/.test(f));
	const nodeTypes = [`${pkg.name}.wappfly`, ...(hasTrigger ? [`${pkg.name}.wappflyTrigger`] : [])];

	/** @type {ScreenshotReport} */
	const report = {
		outDir,
		files: {},
		nodeTypes,
		hasTrigger,
		hasPollingTrigger,
		canvas: [],
		canvasDark: [],
		examples: [],
		panels: {},
		credentialDialog: { text: '', tested: false },
		nodePicker: { text: '' },
		execution: { ok: false, text: '' },
		apiRequests: [],
		console: [],
		failedResponses: [],
		failedRequests: [],
		externalRequests: [],
		n8nLog: '',
		notes: [],
		timings: {},
		browserVersion: '',
	};
	let phaseStart = Date.now();
	/** @param {string} name */
	const phase = (name) => {
		const now = Date.now();
		report.timings[name] = now - phaseStart;
		phaseStart = now;
		log(`${name}: ${report.timings[name]} ms`);
	};

	/** @type {Array<() => Promise<unknown> | unknown>} */
	const cleanups = [];
	/** @type {import('playwright-core').Page | undefined} */
	let current;
	let step = 'start';
	try {
		const install = await ensureN8n('1');
		const packed = await packIsolated(projectDir);
		cleanups.push(() => packed.cleanup());
		phase('pack');

		const uf = await n8n.createUserFolder(install, { ui: true, logLevel: 'warn' });
		if (opts.keep) log(`user folder: ${uf.dir}`);
		else cleanups.push(() => n8n.removeUserFolder(uf));
		await n8n.installPackageTarball(uf, packed.tarball);
		const invoicePath = path.join(uf.filesDir, 'invoice-2026-11.pdf');
		fs.writeFileSync(invoicePath, invoicePdf());

		const api = await startWappflyServer();
		cleanups.push(() => api.close());
		await n8n.importCredentials(uf, [
			{
				id: CREDENTIAL.id,
				name: CREDENTIAL.name,
				type: 'wappflyApi',
				data: { apiToken: api.token, baseUrl: api.url },
			},
		]);
		const examples = loadExamples(projectDir);
		await n8n.importWorkflows(uf, [
			buildWorkflow(pkg.name, invoicePath, hasTrigger),
			buildWaitWorkflow(pkg.name),
			...(hasPollingTrigger ? [buildPollingWorkflow(pkg.name)] : []),
			...examples.map((e) => e.workflow),
		]);
		phase('n8n user folder');

		const server = await n8n.startN8n(uf, { ui: true });
		cleanups.push(() => server.stop());
		await server.waitForRest();
		const cookie = await setUpOwner(server.url);
		phase('n8n start');

		const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wappfly-chromium-'));
		cleanups.push(() => fs.rmSync(userDataDir, { recursive: true, force: true }));
		const context = await chromium.launchPersistentContext(userDataDir, {
			executablePath: chromiumPath,
			headless: true,
			args: CHROMIUM_ARGS,
			viewport: VIEWPORT,
			deviceScaleFactor: 1,
			locale: 'en-US',
			timezoneId: 'UTC',
		});
		cleanups.push(() => context.close());
		await context.addCookies([{ name: 'n8n-auth', value: cookie, url: server.url }]);
		// Nothing leaves the machine: the editor's calls to other hosts are refused and recorded.
		await context.route(
			(url) => !url.href.startsWith(server.url),
			(route) => {
				report.externalRequests.push({ url: route.request().url(), step });
				return route.abort('blockedbyclient');
			},
		);
		context.setDefaultTimeout(30000);

		step = 'load editor';
		/** @param {import('playwright-core').Page} page */
		const watch = (page) => {
			page.on('console', (message) => {
				const type = message.type();
				if (type !== 'error' && type !== 'warning') return;
				report.console.push({ type, text: message.text(), url: message.location().url, step });
			});
			page.on('pageerror', (error) => {
				report.console.push({
					type: 'pageerror',
					text: `${error.message}\n${error.stack || ''}`,
					url: '',
					step,
				});
			});
			page.on('requestfailed', (request) => {
				report.failedRequests.push({
					url: request.url(),
					method: request.method(),
					error: (request.failure() || { errorText: '' }).errorText,
					step,
				});
			});
			page.on('response', (response) => {
				if (response.status() >= 400) {
					report.failedResponses.push({
						status: response.status(),
						url: response.url(),
						method: response.request().method(),
						step,
					});
				}
			});
		};
		/**
		 * @param {import('playwright-core').Page} page
		 * @param {string} name
		 */
		const shoot = async (page, name) => {
			const file = path.join(outDir, `${name}.png`);
			await dismissToasts(page);
			await parkMouse(page);
			await page.waitForTimeout(400);
			await page.screenshot({ path: file });
			report.files[name] = file;
			return file;
		};

		const page = context.pages()[0] || (await context.newPage());
		current = page;
		watch(page);
		const userAgent = await page.evaluate(() => navigator.userAgent);
		report.browserVersion = (/Chrome\/([\d.]+)/.exec(userAgent) || ['', userAgent])[1];
		await page.goto(`${server.url}workflow/${WORKFLOW_ID}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
		await waitForCanvasIcons(page);
		phase('editor load');

		// The Wappfly node: run the Send Document step from its panel (n8n runs the Manual Trigger
		// and Read/Write Files first), so that the panel shows the input file and the API's answer.
		report.canvas = await readCanvas(page);

		// The Wappfly node: run the Send Document step from its panel (n8n runs the Manual Trigger
		// and Read/Write Files first), so that the panel shows the input file and the API's answer.
		step = 'wappfly node panel';
		const sendLoaded = await openPanel(page, NAMES.send);
		let outputShown = false;
		if (sendLoaded) {
			await page.locator('[data-test-id="node-execute-button"]').first().click();
			outputShown = await page
				.locator('[data-test-id="ndv"]')
				.getByText('msg_id', { exact: false })
				.first()
				.waitFor({ timeout: 30000 })
				.then(() => true)
				.catch(() => false);
			if (!outputShown) report.notes.push('the Send Document step showed no msg_id in its output');
			await page.waitForTimeout(500);
		} else report.notes.push(`n8n shows "${NAMES.send}" as a node it cannot load`);
		const sendPanel = await readPanel(page, NAMES.send);
		report.execution = { ok: outputShown, text: sendPanel.text };
		report.panels[NAMES.send] = {
			...sendPanel,
			screenshot: await shoot(page, 'wappfly-node'),
		};
		phase('wappfly node panel');

		if (sendLoaded) {
			step = 'credential dialog';
			await page.locator('[data-test-id="credential-edit-button"]').first().click();
			const modal = page.locator('[data-test-id="editCredential-modal"]');
			await modal.waitFor({ state: 'visible', timeout: 20000 });
			report.credentialDialog.tested = await page
				.locator('[data-test-id="credentials-config-container-test-success"]')
				.waitFor({ timeout: 20000 })
				.then(() => true)
				.catch(() => false);
			report.credentialDialog.text = await modal.innerText();
			await shoot(page, 'wappfly-credential');
			await page.keyboard.press('Escape');
			await modal.waitFor({ state: 'hidden', timeout: 10000 }).catch(async () => {
				await page.locator('[data-test-id="editCredential-modal"] .el-dialog__close').click();
			});
			phase('credential dialog');
		}
		await closePanel(page);

		if (hasTrigger) {
			step = 'trigger panel';
			if (await openPanel(page, NAMES.trigger)) {
				// Show the Test / Production URLs the user pastes into the Wappfly dashboard.
				const urls = page.locator('[data-test-id="ndv"]').getByText('Webhook URLs').first();
				if (await urls.isVisible().catch(() => false)) {
					await urls.click();
					await page.waitForTimeout(300);
				} else report.notes.push('the trigger panel has no "Webhook URLs" section');
			} else report.notes.push(`n8n shows "${NAMES.trigger}" as a node it cannot load`);
			report.panels[NAMES.trigger] = {
				...(await readPanel(page, NAMES.trigger)),
				screenshot: await shoot(page, 'wappfly-trigger'),
			};
			await closePanel(page);
			phase('trigger panel');
		}

		step = 'node picker';
		try {
			await page.mouse.click(VIEWPORT.width / 2, 150);
			await page.keyboard.press('Tab');
			const picker = page.locator('[data-test-id="node-creator"]');
			await picker.waitFor({ state: 'visible', timeout: 15000 });
			await page.keyboard.type('wappfly', { delay: 20 });
			await page
				.locator('[data-test-id="node-creator-item-name"]', { hasText: 'Wappfly' })
				.first()
				.click({ timeout: 10000 });
			await picker.getByText('Send a document').first().waitFor({ timeout: 15000 });
			report.nodePicker.text = await picker.innerText();
			await shoot(page, 'node-picker');
		} catch (error) {
			report.notes.push(`the node picker did not list Wappfly's actions: ${error}`);
		}
		await page.keyboard.press('Escape');
		await page.keyboard.press('Escape');
		await page
			.locator('[data-test-id="node-creator"]')
			.waitFor({ state: 'hidden', timeout: 5000 })
			.catch(() => undefined);
		phase('node picker');

		step = 'canvas';
		await waitForCanvasIcons(page);
		await page
			.locator('[data-test-id="zoom-to-fit"]')
			.click()
			.catch(() => undefined);
		await shoot(page, 'workflow');
		phase('canvas');

		// Each example workflow, as it opens after an import; the AI Agent one also as a picture.
		for (const { file, workflow } of examples) {
			step = `example ${file}`;
			await page.goto(`${server.url}workflow/${workflow.id}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
			await waitForCanvasIcons(page);
			await page.waitForTimeout(300);
			report.examples.push({
				file,
				id: workflow.id,
				name: workflow.name,
				types: [...new Set(workflow.nodes.map((/** @type {any} */ n) => String(n.type)))],
				canvas: await readCanvas(page),
			});
			if (
				workflow.nodes.some(
					(/** @type {any} */ n) => /Tool$/.test(n.type) && n.type.startsWith(`${pkg.name}.`),
				)
			) {
				// One step out, so that the tools sit above the "Open chat" button.
				await page.mouse.click(VIEWPORT.width - 60, VIEWPORT.height / 2);
				await page.keyboard.press('-');
				await page.waitForTimeout(400);
				await shoot(page, 'example-ai-agent');
			}
		}
		phase('examples');

		// The polling trigger: "Fetch Test Event" shows the newest message that passes its options.
		if (hasPollingTrigger) {
			step = 'polling trigger panel';
			await page.goto(`${server.url}workflow/${POLLING_WORKFLOW_ID}`);
			await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
			await waitForCanvasIcons(page);
			if (await openPanel(page, POLLING_NAME)) {
				await page.locator('[data-test-id="node-execute-button"]').first().click();
				const fetched = await page
					.locator('[data-test-id="ndv"]')
					.getByText('messageId', { exact: false })
					.first()
					.waitFor({ timeout: 30000 })
					.then(() => true)
					.catch(() => false);
				if (!fetched) report.notes.push('"Fetch Test Event" showed no messageId');
				await page.waitForTimeout(500);
			} else report.notes.push(`n8n shows "${POLLING_NAME}" as a node it cannot load`);
			report.panels[POLLING_NAME] = {
				...(await readPanel(page, POLLING_NAME)),
				screenshot: await shoot(page, 'wappfly-polling-trigger'),
			};
			await closePanel(page);
			phase('polling trigger panel');
		}

		// Options > Pacing, as the daily broadcast example sets it.
		step = 'pacing option';
		await page.goto(`${server.url}workflow/${PACING_EXAMPLE.id}`);
		if (await openPanel(page, PACING_EXAMPLE.node)) {
			const pacing = page
				.locator('[data-test-id="ndv"]')
				.getByText('Delay Between Messages')
				.first();
			const shown = await pacing
				.waitFor({ timeout: 15000 })
				.then(() => true)
				.catch(() => false);
			if (shown) {
				await pacing.scrollIntoViewIfNeeded();
				report.panels[PACING_EXAMPLE.node] = {
					...(await readPanel(page, PACING_EXAMPLE.node)),
					screenshot: await shoot(page, 'wappfly-pacing'),
				};
			} else report.notes.push('the broadcast example shows no Pacing option');
			await closePanel(page);
		} else report.notes.push(`n8n shows "${PACING_EXAMPLE.node}" as a node it cannot load`);
		phase('pacing option');

		// Send and Wait for Response run from the editor: the execution waits for the answer.
		step = 'waiting execution';
		await page.goto(`${server.url}workflow/${WAIT_WORKFLOW_ID}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
		await page.locator('[data-test-id="execute-workflow-button"]').first().click();
		const sent = async () =>
			api.requests.find((r) => r.path === '/api/messages/send' && r.status === 200);
		for (let i = 0; i < 100 && !(await sent()); i++) await page.waitForTimeout(200);
		const message = await sent();
		const approveLink = /\*✓ Approve:\*\n(\S+)/.exec(
			String(/** @type {any} */ (message?.body)?.text ?? ''),
		)?.[1];
		if (!approveLink) report.notes.push('the Send and Wait message with its links was not sent');
		await page.waitForTimeout(1500);
		if (await openPanel(page, NAMES.ask)) {
			report.panels[NAMES.ask] = {
				...(await readPanel(page, NAMES.ask)),
				screenshot: await shoot(page, 'send-and-wait-waiting'),
			};
			await closePanel(page);
		} else report.notes.push(`n8n shows "${NAMES.ask}" as a node it cannot load`);
		phase('waiting execution');

		// The page the recipient's approve link opens, on a phone-sized screen; its button answers.
		if (approveLink) {
			step = 'approval page';
			const phone = await context.newPage();
			watch(phone);
			await phone.setViewportSize({ width: 420, height: 800 });
			await phone.goto(approveLink);
			await phone.locator('button').waitFor({ timeout: 15000 });
			const file = path.join(outDir, 'send-and-wait-page.png');
			await phone.screenshot({ path: file });
			report.files['send-and-wait-page'] = file;
			// The editor fetches the execution once it finished: let it, before the next step.
			const refreshed = page
				.waitForResponse((r) => /\/rest\/executions\/[^/?]+$/.test(r.url()), { timeout: 20000 })
				.catch(() => undefined);
			await phone.locator('button').click();
			const recorded = await phone
				.getByText('Got it, thanks')
				.first()
				.waitFor({ timeout: 15000 })
				.then(() => true)
				.catch(() => false);
			if (!recorded) report.notes.push('pressing Approve on the page did not answer');
			await refreshed;
			await page.waitForTimeout(500);
			await phone.close();
			phase('approval page');
		}

		// The same canvas in n8n's dark theme, where n8n shows our dark icon. Same tab: a new tab
		// would need a new login (n8n ties the session to the tab's browser ID).
		step = 'dark canvas';
		await page.evaluate(() => window.localStorage.setItem('N8N_THEME', 'dark'));
		await page.goto(`${server.url}workflow/${WORKFLOW_ID}`);
		await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60000 });
		await waitForCanvasIcons(page);
		report.canvasDark = await readCanvas(page);
		await shoot(page, 'workflow-dark');
		await page.evaluate(() => window.localStorage.removeItem('N8N_THEME'));
		phase('dark canvas');

		report.n8nLog = server.log();
		report.apiRequests = api.requests.map((r) => ({
			method: r.method,
			path: r.path,
			status: r.status,
			body: r.body,
		}));
		return report;
	} catch (error) {
		// Keep what the browser showed when a step failed: it usually says why.
		if (current && !current.isClosed()) {
			const file = path.join(outDir, `failed-${step.replace(/\W+/g, '-')}.png`);
			await current.screenshot({ path: file }).catch(() => undefined);
			log(`failed during "${step}"; the page then: ${file}`);
		}
		throw error;
	} finally {
		for (const cleanup of cleanups.reverse()) {
			try {
				await cleanup();
			} catch (error) {
				log(`cleanup: ${error}`);
			}
		}
	}
}

module.exports = {
	takeScreenshots,
	knownN8nNoise,
	unexpectedBrowserProblems,
	NAMES,
	NOT_INSTALLED,
};

if (require.main === module) {
	const args = process.argv.slice(2);
	/** @param {string} flag */
	const valueOf = (flag) => {
		const index = args.indexOf(flag);
		return index >= 0 ? args[index + 1] : undefined;
	};
	const outDir = valueOf('--out');
	const reportFile = valueOf('--report');
	const started = Date.now();
	takeScreenshots({ outDir, keep: args.includes('--keep') })
		.then((report) => {
			if (reportFile) fs.writeFileSync(reportFile, JSON.stringify(report, null, 2));
			const lines = Object.entries(report.files).map(
				([name, file]) => `  ${name}: ${path.relative(process.cwd(), file)}`,
			);
			process.stdout.write(
				`Screenshots (${((Date.now() - started) / 1000).toFixed(1)} s):\n${lines.join('\n')}\n`,
			);
			const placeholders = report.canvas.filter((n) => n.placeholder).map((n) => n.name);
			if (placeholders.length)
				process.stdout.write(`Unknown-node placeholders: ${placeholders.join(', ')}\n`);
			for (const note of report.notes) process.stdout.write(`Note: ${note}\n`);
			const name = JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, 'package.json'), 'utf8')).name;
			const problems = unexpectedBrowserProblems(report, name);
			process.stdout.write(
				problems.length
					? `Browser problems (known n8n noise left out):\n${problems.map((p) => `  ${p.split('\n')[0]}`).join('\n')}\n`
					: 'Browser: no console error, page error or failed request but known n8n noise.\n',
			);
			if (placeholders.length || problems.length || report.notes.length) process.exitCode = 1;
		})
		.catch((error) => {
			process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
			process.exitCode = 1;
		});
}
