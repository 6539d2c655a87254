/**
 * Send and Wait for Response in a real, started n8n (1.x on Node 20 and 2.x on Node 24): a Webhook
 * node starts each workflow, the Wappfly node sends its message to the contract server and the
 * execution waits. The test reads the links from the text Wappfly received and opens them like a
 * recipient (and like a link-preview bot), and reads the executions from n8n's database.
 *
 * `WAPPFLY_E2E_VERSIONS=1` limits the run to one version; `WAPPFLY_E2E_KEEP=1` keeps the folder.
 */
import type { IDataObject } from 'n8n-workflow';

import { env, fs, path, print, sleep } from '../support/node';
import { startWappflyServer, type WappflyServer } from '../server/wappfly-server';
import { PROJECT_DIR, type Workflow } from './lib/examples';
import { e2eVersions, ensureN8n } from './lib/install-n8n';
import * as n8n from './lib/n8n-instance';
import { ALICE, MAIN_CREDENTIAL, byId, linearWorkflow, wappflyNode } from './support/workflows';

const VERSIONS = e2eVersions();
const KEEP = env.WAPPFLY_E2E_KEEP === '1';
const MINUTE = 60_000;
jest.setTimeout(2 * MINUTE);

let packing: Promise<string> | undefined;
afterAll(async () => {
	const file = await packing?.catch(() => undefined);
	if (file && !KEEP) fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

/** Webhook (POST /webhook/<path>, answers at once) -> Wappfly "Ask" -> No Operation "After". */
function askWorkflow(
	id: string,
	webhookPath: string,
	webhookId: string,
	parameters: IDataObject,
): Workflow {
	const workflow = linearWorkflow(id, `E2E send and wait: ${webhookPath}`, [
		wappflyNode('Ask', {
			resource: 'message',
			operation: 'sendAndWait',
			to: byId('={{ $json.body.to }}'),
			...parameters,
		}),
		{ name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, parameters: {} },
	]);
	const start = workflow.nodes[0];
	Object.assign(start, {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		webhookId,
		parameters: { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} },
	});
	workflow.connections = {
		Webhook: workflow.connections.Start,
		Ask: workflow.connections.Ask,
	};
	return workflow;
}

const APPROVAL = askWorkflow(
	'e2eSawApproval01',
	'saw-approval',
	'0a7e5c1d-2b3c-4d5e-8f90-a1b2c3d4e501',
	{
		message: '=Refund {{ $json.body.amount }} EUR to order {{ $json.body.order }}?',
		responseType: 'approval',
		approvalOptions: { values: { approvalType: 'double' } },
	},
);
const FREE_TEXT = askWorkflow(
	'e2eSawFreeText01',
	'saw-free-text',
	'0a7e5c1d-2b3c-4d5e-8f90-a1b2c3d4e502',
	{
		message: 'What should we tell the customer?',
		responseType: 'freeText',
		options: { messageButtonLabel: 'Answer here', responseFormTitle: 'Customer reply' },
	},
);
const CUSTOM_FORM = askWorkflow(
	'e2eSawCustomFrm1',
	'saw-custom-form',
	'0a7e5c1d-2b3c-4d5e-8f90-a1b2c3d4e503',
	{
		message: 'Please confirm the delivery.',
		responseType: 'customForm',
		formFields: {
			values: [
				{ fieldLabel: 'Name', requiredField: true },
				{ fieldLabel: 'Quantity', fieldType: 'number' },
				{
					fieldLabel: 'Delivery',
					fieldType: 'dropdown',
					fieldOptions: { values: [{ option: 'Pick-up' }, { option: 'Courier' }] },
					requiredField: true,
				},
				{
					fieldLabel: 'Extras',
					fieldType: 'checkbox',
					fieldOptions: { values: [{ option: 'Gift wrap' }, { option: 'Card' }] },
				},
			],
		},
	},
);
/** Limit Wait Time of 0.1 minute: n8n's wait tracker resumes it at its next check (every minute). */
const TIMEOUT = askWorkflow(
	'e2eSawTimeout001',
	'saw-timeout',
	'0a7e5c1d-2b3c-4d5e-8f90-a1b2c3d4e504',
	{
		message: 'Nobody will answer this one.',
		options: {
			limitWaitTime: { values: { limitType: 'afterTimeInterval', resumeAmount: 0.1 } },
		},
	},
);
const WORKFLOWS = [APPROVAL, FREE_TEXT, CUSTOM_FORM, TIMEOUT];

describe.each(VERSIONS)('Send and Wait for Response in a running n8n %s.x', (line) => {
	const token = `e2e-saw-token-${Math.random().toString(36).slice(2)}`;
	let api: WappflyServer;
	let uf: n8n.UserFolder;
	let server: n8n.N8nServer;

	beforeAll(async () => {
		const install = await ensureN8n(line);
		api = await startWappflyServer({ token });
		uf = await n8n.createUserFolder(install);
		packing ??= n8n.packPackage(PROJECT_DIR);
		await n8n.installPackageTarball(uf, await packing);
		await n8n.importCredentials(uf, [
			{ ...MAIN_CREDENTIAL, type: 'wappflyApi', data: { apiToken: token, baseUrl: api.url } },
		]);
		await n8n.importWorkflows(uf, WORKFLOWS);
		await n8n.activateWorkflows(
			uf,
			WORKFLOWS.map((w) => w.id),
		);
		server = await n8n.startN8n(uf);
		for (const workflow of WORKFLOWS) await server.waitForWebhook(pathOf(workflow));
		print(`[e2e] send and wait, n8n ${install.n8nVersion}: ready`);
	}, 8 * MINUTE);

	afterAll(async () => {
		await server?.stop();
		await api?.close();
		if (uf && !KEEP) n8n.removeUserFolder(uf);
	});

	const pathOf = (workflow: Workflow) =>
		String(workflow.nodes.find((n) => n.name === 'Webhook')?.parameters.path);

	/** Starts the workflow, waits until it waits, and returns the execution and the text sent. */
	async function ask(workflow: Workflow, body: IDataObject) {
		const before = api.requests.length;
		const started = await fetch(`${server.url}webhook/${pathOf(workflow)}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect(started.status).toBe(200);
		const execution = await waitForStatus(workflow, 'waiting');
		const sends = api.requests.slice(before).filter((r) => r.path === '/api/messages/send');
		expect(sends.map((r) => r.status)).toEqual([200]);
		const sent = sends[0].body as { to: string; text: string };
		return { execution, sent, links: linksIn(sent.text) };
	}

	async function waitForStatus(workflow: Workflow, status: string, timeoutMs = 30_000) {
		const until = Date.now() + timeoutMs;
		for (;;) {
			const [latest] = (await server.readExecutions({ workflowId: workflow.id })).slice(-1);
			if (
				latest?.status === status &&
				(status === 'waiting' || latest.lastNodeExecuted === 'After')
			)
				return latest;
			if (Date.now() > until) {
				throw new Error(`${workflow.id}: no ${status} execution; latest: ${latest?.status}`);
			}
			await sleep(300);
		}
	}

	/** The execution as n8n has it now (one execution per workflow run here). */
	async function current(workflow: Workflow) {
		return await server.readExecutions({ workflowId: workflow.id });
	}

	const open = async (url: string, init: RequestInit = {}) => {
		const res = await fetch(url, { redirect: 'manual', ...init });
		return { status: res.status, text: await res.text(), headers: res.headers };
	};
	const submit = (url: string, form: Array<[string, string]>) =>
		open(url, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
		});

	test('approval: the links are signed, opening one changes nothing, pressing its button approves once', async () => {
		const { execution, sent, links } = await ask(APPROVAL, {
			to: '+1 555 123 4567',
			amount: 42,
			order: 'A-17',
		});
		expect(sent.to).toBe(ALICE);
		expect(sent.text).toMatch(/^Refund 42 EUR to order A-17\?\n\n\*✗ Decline:\*\nhttp/);
		expect(links.map((l) => l.label)).toEqual(['✗ Decline', '✓ Approve']);
		const [decline, approve] = links.map((l) => new URL(l.url));
		for (const url of [decline, approve]) {
			expect(url.origin + '/').toBe(server.url);
			expect(url.pathname).toMatch(new RegExp(`^/webhook-waiting/${execution.id}/[^/]+$`));
			expect(url.searchParams.get('signature')).toMatch(/^[0-9a-f]{64}$/);
		}
		expect(approve.searchParams.get('approved')).toBe('true');
		expect(decline.searchParams.get('approved')).toBe('false');

		// Tampered and guessed links: refused by n8n, for GET and POST alike.
		const flipped = new URL(approve);
		flipped.searchParams.set('approved', 'false');
		const unsigned = new URL(approve);
		unsigned.searchParams.delete('signature');
		const guessed = new URL(approve);
		guessed.searchParams.set('signature', 'f'.repeat(64));
		const otherNode = new URL(approve.href.replace(/\/[^/?]+\?/, '/another-node?'));
		for (const url of [flipped, unsigned, guessed, otherNode]) {
			expect((await open(url.href)).status).toBe(401);
			expect((await submit(url.href, [])).status).toBe(401);
		}

		// A person, or WhatsApp's link-preview bot, opens the link: a page with one button.
		const preview = await open(approve.href, {
			headers: { 'user-agent': 'WhatsApp/2.24.6.77 A' },
		});
		expect(preview.status).toBe(200);
		expect(preview.headers.get('content-type')).toMatch(/^text\/html/);
		expect(preview.text).toContain('Refund 42 EUR to order A-17?');
		expect(preview.text).toMatch(/<form method="post"><button type="submit">✓ Approve<\/button>/);
		expect((await open(decline.href)).text).toMatch(/class="decline">✗ Decline<\/button>/);
		await sleep(1000);
		expect((await current(APPROVAL)).map((e) => e.status)).toEqual(['waiting']);

		// The button: a POST to the same signed URL.
		const pressed = await submit(approve.href, []);
		expect(pressed.status).toBe(200);
		expect(pressed.text).toContain('Got it, thanks');
		const done = await waitForStatus(APPROVAL, 'success');
		expect(done.id).toBe(execution.id);
		expect(done.json('Ask')).toEqual([{ data: { approved: true } }]);
		expect(done.json('After')).toEqual([{ data: { approved: true } }]);

		// A second click, or the other link, changes nothing.
		for (const url of [approve, decline]) {
			const again = await submit(url.href, []);
			expect(again.status).toBeLessThan(500);
			expect(again.text).not.toContain('Got it, thanks');
			expect((await open(url.href)).text).not.toContain('<form method="post">');
		}
		await sleep(1000);
		const after = await current(APPROVAL);
		expect(after.map((e) => e.status)).toEqual(['success']);
		expect(after[0].json('Ask')).toEqual([{ data: { approved: true } }]);
		expect(api.requests.filter((r) => r.path === '/api/messages/send')).toHaveLength(1);
	});

	test('approval: the decline link gives approved false', async () => {
		const { links } = await ask(APPROVAL, { to: ALICE, amount: 5, order: 'B-2' });
		expect((await submit(links[0].url, [])).status).toBe(200);
		const done = await waitForStatus(APPROVAL, 'success');
		expect(done.json('Ask')).toEqual([{ data: { approved: false } }]);
	});

	test('free text: the link opens a short form; an empty answer is refused, a text resumes', async () => {
		const { sent, links } = await ask(FREE_TEXT, { to: ALICE });
		expect(links.map((l) => l.label)).toEqual(['Answer here']);
		expect(sent.text).toMatch(/^What should we tell the customer\?\n\n\*Answer here:\*\nhttp/);
		const form = await open(links[0].url);
		expect(form.status).toBe(200);
		expect(form.text).toContain('<h1>Customer reply</h1>');
		expect(form.text).toMatch(/<textarea id="f0" name="field-0"[^>]* required>/);

		const empty = await submit(links[0].url, [['field-0', '  ']]);
		expect(empty.status).toBe(422);
		expect(empty.text).toContain('Response is required.');
		expect((await current(FREE_TEXT)).map((e) => e.status)).toEqual(['waiting']);

		expect((await submit(links[0].url, [['field-0', 'Tell her: tomorrow, 10 am']])).status).toBe(
			200,
		);
		const done = await waitForStatus(FREE_TEXT, 'success');
		expect(done.json('Ask')).toEqual([{ data: { text: 'Tell her: tomorrow, 10 am' } }]);
	});

	test('custom form: the fields come back under their labels; bad values are refused first', async () => {
		const { links } = await ask(CUSTOM_FORM, { to: ALICE });
		expect(links.map((l) => l.label)).toEqual(['Respond']);
		const url = links[0].url;
		const form = await open(url);
		expect(form.text).toContain('<label for="f0">Name *</label>');
		expect(form.text).toContain('<option value="Courier">Courier</option>');

		const bad = await submit(url, [
			['field-0', 'Alice'],
			['field-1', 'three'],
			['field-2', 'Drone'],
		]);
		expect(bad.status).toBe(422);
		expect(bad.text).toContain('Quantity must be a number.');
		expect(bad.text).toContain('Delivery: unknown option.');
		expect((await current(CUSTOM_FORM)).map((e) => e.status)).toEqual(['waiting']);

		const good = await submit(url, [
			['field-0', 'Alice'],
			['field-1', '3'],
			['field-2', 'Courier'],
			['field-3', 'Gift wrap'],
			['field-3', 'Card'],
		]);
		expect(good.status).toBe(200);
		const done = await waitForStatus(CUSTOM_FORM, 'success');
		expect(done.json('Ask')).toEqual([
			{ data: { Name: 'Alice', Quantity: 3, Delivery: 'Courier', Extras: ['Gift wrap', 'Card'] } },
		]);
	});

	test('Limit Wait Time: with no answer the execution resumes by itself with its input items', async () => {
		const { execution, links } = await ask(TIMEOUT, { to: ALICE, ticket: 7 });
		expect(links.map((l) => l.label)).toEqual(['✓ Approve']);
		const done = await waitForStatus(TIMEOUT, 'success', 100_000);
		expect(done.id).toBe(execution.id);
		const [item] = done.json('Ask') ?? [];
		expect(item.data).toBeUndefined();
		expect(item.body).toEqual({ to: ALICE, ticket: 7 });
		expect(done.json('After')).toEqual([item]);
		// The link is dead now.
		expect((await submit(links[0].url, [])).text).not.toContain('Got it, thanks');
		expect((await current(TIMEOUT)).map((e) => e.json('Ask'))).toEqual([[item]]);
	});

	test('no API token in the executions or in what the recipient sees', async () => {
		const executions = await n8n.readExecutions(uf);
		expect(executions.length).toBeGreaterThanOrEqual(5);
		expect(JSON.stringify(executions.map((e) => e.data))).not.toContain(token);
		expect(server.log()).not.toContain(token);
	});
});

/** `*Label:*` lines followed by a URL, as the message lists its links. */
function linksIn(text: string): Array<{ label: string; url: string }> {
	return [...text.matchAll(/\*([^*\n]+):\*\n(https?:\/\/\S+)/g)].map((m) => ({
		label: m[1],
		url: m[2],
	}));
}
