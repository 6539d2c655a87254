/**
 * The n8n editor, seen in a real browser: scripts/screenshots.js installs the packed package
 * into a fresh n8n 1.x, opens the editor in headless Chromium (playwright-core) and reports what it
 * showed. This test checks that report; the PNGs land in test/e2e/output/screenshots.
 *
 * The browser comes with `npm ci`: the pinned dev dependency @sparticuz/chromium ships it, and the
 * e2e project's global setup (test/e2e/global-setup.js) unpacks it once into the e2e cache, like
 * the pinned n8n versions. `WAPPFLY_CHROMIUM=/path/to/chromium` uses the machine's browser instead.
 */
import {
	NAMES,
	knownN8nNoise,
	takeScreenshots,
	unexpectedBrowserProblems,
	type ScreenshotReport,
} from '../../scripts/screenshots';
import { ensureChromium, type ChromiumInstall } from './lib/install-n8n';
import { fs, path, print, projectRoot } from '../support/node';

const OUT_DIR = path.join(projectRoot, 'test', 'e2e', 'output', 'screenshots');
const PACKAGE_NAME: string = JSON.parse(
	fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8'),
).name;
const ALICE_JID = '15551234567@s.whatsapp.net';

describe('the n8n editor (1.x) in headless chromium', () => {
	let report: ScreenshotReport;

	let browser: ChromiumInstall;

	beforeAll(async () => {
		// Already unpacked by the global setup: this only reads its marker.
		browser = await ensureChromium();
		print(`[screenshots] ${browser.version} from ${browser.source}`);
		fs.rmSync(OUT_DIR, { recursive: true, force: true });
		report = await takeScreenshots({
			outDir: OUT_DIR,
			chromium: browser.executablePath,
			log: (line) => print(`[screenshots] ${line}`),
		});
	}, 300_000);

	test('the browser is a real Chromium', () => {
		expect(browser.version).toMatch(/^(Chromium|Google Chrome) \d+\./);
		expect(report.browserVersion).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
		expect(browser.version).toContain(report.browserVersion);
	});

	test('the canvas shows every Wappfly node with its icon, none as an unknown-node placeholder', () => {
		const ours = report.canvas.filter((node) => node.type.startsWith(`${PACKAGE_NAME}.`));
		expect(new Set(ours.map((node) => node.type))).toEqual(new Set(report.nodeTypes));
		expect(report.nodeTypes).toEqual([`${PACKAGE_NAME}.wappfly`, `${PACKAGE_NAME}.wappflyTrigger`]);
		for (const node of report.canvas) {
			expect({ name: node.name, placeholder: node.placeholder }).toEqual({
				name: node.name,
				placeholder: false,
			});
			expect(node.text).not.toMatch(/not installed|Install this node/i);
		}
		for (const node of ours) {
			expect(node.icons).toEqual([{ src: expect.stringMatching(/\/wappfly\.svg$/), loaded: true }]);
		}
		// n8n's dark theme switches to the dark icon.
		const dark = report.canvasDark.filter((node) => node.type.startsWith(`${PACKAGE_NAME}.`));
		expect(dark).toHaveLength(ours.length);
		for (const node of dark) {
			expect(node.placeholder).toBe(false);
			expect(node.icons).toEqual([
				{ src: expect.stringMatching(/\/wappfly\.dark\.svg$/), loaded: true },
			]);
		}
	});

	test('the Wappfly node panel shows our parameters with the workflow values', () => {
		const panel = report.panels[NAMES.send];
		expect(panel.notInstalled).toBe(false);
		expect(panel.credential).toBe('Wappfly account');
		expect(panel.parameterValues).toMatchObject({
			resource: 'Message',
			operation: 'Send Document',
			to: expect.stringMatching(/^From list \| Alice/),
			mediaSource: 'Binary File',
			binaryPropertyName: 'data',
			fileName: 'invoice-2026-11.pdf',
			caption: 'Your invoice for November',
		});
		for (const label of [
			'Credential to connect with',
			'Resource',
			'Operation',
			'To',
			'Media Source',
			'Input Binary Field',
			'The name of the input binary field containing the file to send',
			'Options',
			'File Name',
			'Caption',
		]) {
			expect(panel.parametersText).toContain(label);
		}
		expect(panel.placeholders).toEqual(expect.arrayContaining(['Select a chat...', 'Add option']));
	});

	test('running Send Document from its panel sends the invoice from the binary field', () => {
		expect(report.execution.ok).toBe(true);
		const sends = report.apiRequests.filter((r) => r.path === '/api/messages/document');
		expect(sends).toHaveLength(1);
		expect(sends[0]).toMatchObject({
			method: 'POST',
			status: 200,
			body: {
				to: ALICE_JID,
				filename: 'invoice-2026-11.pdf',
				mimetype: 'application/pdf',
				caption: 'Your invoice for November',
				file: expect.stringMatching(/^<base64:\d+ bytes>$/),
			},
		});
		// The panel shows the input file and the API's answer.
		expect(report.execution.text).toContain('invoice-2026-11.pdf');
		expect(report.execution.text).toMatch(/msg_id[\s\S]*[0-9A-F]{16}/);
	});

	test('the credential dialog shows our fields and a successful connection test', () => {
		expect(report.credentialDialog.tested).toBe(true);
		for (const text of ['Wappfly account', 'Wappfly API', 'API Token', 'Base URL']) {
			expect(report.credentialDialog.text).toContain(text);
		}
		expect(report.apiRequests).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ method: 'GET', path: '/api/me', status: 200 }),
			]),
		);
	});

	test('the Wappfly Trigger panel shows its webhook URL, notice and options', () => {
		const panel = report.panels[NAMES.trigger];
		expect(panel).toBeDefined();
		expect(panel.notInstalled).toBe(false);
		expect(panel.credential).toBe('Wappfly account');
		expect(panel.parameterValues).toMatchObject({
			events: 'Message Received',
			simplify: expect.any(String),
			ignoreGroups: expect.any(String),
		});
		for (const label of [
			'Webhook URLs',
			'Test URL',
			'Production URL',
			'Credential to connect with',
			'Wappfly has no API to register webhooks',
			'Events',
			'Simplify',
			'Filters',
			'Ignore Group Messages',
			'Options',
		]) {
			expect(panel.text).toContain(label);
		}
		expect(panel.placeholders).toEqual(expect.arrayContaining(['Add Filter', 'Add Option']));
		// The URL to paste into the Wappfly dashboard, and the trigger panel's own texts.
		expect(panel.text).toMatch(/\/webhook-test\/[0-9a-f-]{36}\/webhook/);
		expect(panel.text).toContain('Paste the URL into the Wappfly dashboard');
	});

	test('the Wappfly Polling Trigger panel shows its notice, options and the fetched message', () => {
		expect(report.hasPollingTrigger).toBe(true);
		const panel = report.panels['Wappfly Polling Trigger'];
		expect(panel?.notInstalled).toBe(false);
		expect(panel.credential).toBe('Wappfly account');
		for (const label of ['Poll Times', 'the latest 100 messages', 'Options', 'Message Types']) {
			expect(panel.text).toContain(label);
		}
		// "Fetch Test Event": the contract server's newest inbound message (SEED.incomingMsgId).
		expect(panel.text).toContain('3EB06A40C80DF456A1B2');
		expect(panel.text).toContain('possibleGap');
	});

	test('the node picker lists our actions and triggers under one Wappfly entry', () => {
		for (const text of [
			'Wappfly',
			'Send a text message',
			'Send a document',
			'Reply to a message',
			'Get many chats',
			'Triggers',
		]) {
			expect(report.nodePicker.text).toContain(text);
		}
	});

	test('every example workflow opens with all its nodes, the AI Agent tool variant included', () => {
		expect(report.examples.length).toBeGreaterThan(0);
		for (const example of report.examples) {
			const shown = example.canvas.map((node) => node.type);
			const missing = example.types.filter(
				(type) => type !== 'n8n-nodes-base.stickyNote' && !shown.includes(type),
			);
			expect({ example: example.file, missing }).toEqual({ example: example.file, missing: [] });
			for (const node of example.canvas) {
				expect({ example: example.file, node: node.name, placeholder: node.placeholder }).toEqual({
					example: example.file,
					node: node.name,
					placeholder: false,
				});
				if (node.type.startsWith(`${PACKAGE_NAME}.`)) {
					expect(node.icons).toEqual([
						{ src: expect.stringMatching(/\/wappfly\.svg$/), loaded: true },
					]);
				}
			}
		}
		// n8n derives "<package>.wappflyTool" from `usableAsTool`; the AI Agent example uses it.
		const tools = report.examples
			.flatMap((example) => example.canvas)
			.filter((node) => node.type === `${PACKAGE_NAME}.wappflyTool`);
		expect(tools.length).toBeGreaterThan(0);
	});

	test('the browser shows no console error, page error or failed request but known n8n noise', () => {
		// The noise list lives in scripts/screenshots.js (knownN8nNoise), one entry per request that
		// n8n's editor makes and fails by itself on a fresh community edition, each with its reason.
		// It matches on the failing request's URL, never on "mentions wappfly": an error caused by
		// our node descriptions would come from n8n's own scripts.
		expect(knownN8nNoise(PACKAGE_NAME).map((noise) => noise.why)).toHaveLength(4);
		expect(unexpectedBrowserProblems(report, PACKAGE_NAME)).toEqual([]);
		// Nothing the editor asked of our node failed: option lists, credential test, icons.
		expect(
			report.failedResponses.filter((r) =>
				/dynamic-node-parameters|credentials\/test|\/icons\//.test(r.url),
			),
		).toEqual([]);
	});

	test('n8n loaded the package without complaint', () => {
		expect(report.n8nLog).not.toMatch(
			/Failed to load package|Cannot find module|Error loading|could not be loaded/i,
		);
		expect(report.n8nLog).not.toMatch(/wappfly[^\n]*(error|exception)/i);
	});

	test('writes the screenshots', () => {
		expect(Object.keys(report.files).sort()).toEqual(
			[
				'example-ai-agent',
				'node-picker',
				'send-and-wait-page',
				'send-and-wait-waiting',
				'wappfly-credential',
				'wappfly-node',
				'wappfly-pacing',
				'wappfly-polling-trigger',
				'wappfly-trigger',
				'workflow',
				'workflow-dark',
			].sort(),
		);
		for (const [name, file] of Object.entries(report.files)) {
			const bytes = fs.readFileSync(file);
			expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
			// The recipient's page is small and plain: a phone-sized card with one button.
			expect(bytes.length).toBeGreaterThan(name === 'send-and-wait-page' ? 5_000 : 20_000);
		}
		expect(report.notes).toEqual([]);
		print(`[screenshots] ${OUT_DIR}; timings ${JSON.stringify(report.timings)}`);
	});
});
