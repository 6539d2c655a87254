/**
 * Issue 7 §1: the API token never follows a redirect to another origin. For every endpoint, the
 * list search, the credential's Test button and the trigger's activation, Wappfly's Base URL (the
 * contract server) answers 307 or 308 to a canary on another port: the canary must see no
 * request carrying the token, and the user must get an error that names where the redirect led.
 */
import { randomBytes } from 'node:crypto';
import type { INodeParameters } from 'n8n-workflow';

import { byId, loggedLines, run, useWappflyServer } from '../harness/fixtures';
import { startHost, type Host } from '../harness/host';
import { searchChats, testCredentialAsN8n } from '../harness/n8n';
import { TriggerHarness } from '../harness/webhook';
import { SEED } from '../server/wappfly-server';

const { server, credentials } = useWappflyServer();

let canary: Host;
beforeEach(async () => {
	canary = await startHost();
	// Whatever reaches the canary would be answered as if it were Wappfly.
	canary.route('/api/me', (_req, res) => {
		res.writeHead(200, { 'Content-Type': 'application/json' });
		res.end(JSON.stringify({ session: { id: 8 } }));
	});
});
afterEach(async () => await canary.close());

/** The canary must have seen no token; it should have seen nothing at all. */
function expectCanaryUntouched() {
	const token = server().token;
	expect(canary.requests.filter((request) => request.headers['x-api-token'] === token)).toEqual([]);
	expect(canary.requests).toEqual([]);
}

function redirectNextCall(status: 307 | 308, path: string) {
	server().failNext({ status, body: '', headers: { location: `${canary.url}${path}` } });
}

const ALICE = SEED.aliceJid;
const image = [
	{ binary: { data: { data: randomBytes(2000), fileName: 'a.png', mimeType: 'image/png' } } },
];

const operations: Array<[string, INodeParameters, string]> = [
	['session getMe', { resource: 'session', operation: 'getMe' }, '/api/me'],
	['session getStatus', { resource: 'session', operation: 'getStatus' }, '/api/status'],
	['chat getAll', { resource: 'chat', operation: 'getAll', returnAll: true }, '/api/chats'],
	[
		'chat getHistory',
		{ resource: 'chat', operation: 'getHistory', chat: byId(ALICE), limit: 5 },
		'/api/history',
	],
	[
		'message getRecent',
		{ resource: 'message', operation: 'getRecent', limit: 5 },
		'/api/messages/recent',
	],
	[
		'message sendText',
		{ resource: 'message', operation: 'sendText', to: byId(ALICE), text: 'Hello' },
		'/api/messages/send',
	],
	[
		'message reply',
		{
			resource: 'message',
			operation: 'reply',
			to: byId(ALICE),
			messageId: SEED.incomingMsgId,
			text: 'Got it',
		},
		'/api/messages/reply',
	],
	[
		'message react',
		{
			resource: 'message',
			operation: 'react',
			to: byId(ALICE),
			messageId: SEED.incomingMsgId,
			emoji: '👍',
		},
		'/api/messages/reaction',
	],
	[
		'message edit',
		{
			resource: 'message',
			operation: 'edit',
			to: byId(ALICE),
			messageId: SEED.outgoingMsgId,
			text: 'Fixed',
		},
		'/api/messages/edit',
	],
	[
		'message delete',
		{ resource: 'message', operation: 'delete', to: byId(ALICE), messageId: SEED.outgoingMsgId },
		'/api/messages/delete',
	],
	[
		'message sendImage',
		{ resource: 'message', operation: 'sendImage', to: byId(ALICE) },
		'/api/messages/image',
	],
];

describe.each([307, 308] as const)('HTTP %i to another origin', (status) => {
	test.each(operations)(
		'%s: the token stays home, the error names the host',
		async (_name, parameters, path) => {
			redirectNextCall(status, path);
			const result = await run(credentials(), parameters, {
				items: parameters.operation === 'sendImage' ? image : undefined,
			});
			expect(server().requests.map((request) => request.path)).toEqual([path]);
			expectCanaryUntouched();
			expect(result.error?.message).toBe(
				`Wappfly redirected the request (HTTP ${status}) to ${canary.url}${path}`,
			);
			expect(result.error?.description).toContain(
				`n8n does not follow it, so that the API token is not sent to ${canary.host}`,
			);
			expect(result.error?.description).toMatch(/Set the Base URL of the Wappfly credential/);
		},
	);

	test('the chat list search in the editor', async () => {
		redirectNextCall(status, '/api/chats');
		await expect(searchChats(credentials())).rejects.toMatchObject({
			message: `Wappfly redirected the request (HTTP ${status}) to ${canary.url}/api/chats`,
		});
		expectCanaryUntouched();
	});

	test.each([
		[1, `Request failed with status code ${status}`],
		[
			2,
			`Wappfly redirected the request to another address (HTTP ${status}). n8n does not follow it, so that the API token is not sent elsewhere. Set the Base URL to the address the API really answers on (for example https:// instead of http://, or without a path).`,
		],
	] as const)("the credential's Test button in n8n %i.x", async (n8n, message) => {
		redirectNextCall(status, '/api/me');
		const result = await testCredentialAsN8n(credentials(), n8n);
		expect(server().requests.map((request) => request.path)).toEqual(['/api/me']);
		expectCanaryUntouched();
		// n8n 1.x's own wording: the README's troubleshooting explains it.
		expect(result).toEqual({ status: 'Error', message });
		expect(JSON.stringify(result)).not.toContain(server().token);
	});

	test("the trigger's activation (GET /api/me)", async () => {
		const trigger = await TriggerHarness.start({ credentials: credentials() });
		try {
			redirectNextCall(status, '/api/me');
			await expect(trigger.activate()).rejects.toMatchObject({
				message: `Could not read the WhatsApp line of this credential from Wappfly: Wappfly redirected the request (HTTP ${status}) to ${canary.url}/api/me`,
			});
			expectCanaryUntouched();
		} finally {
			await trigger.close();
		}
	});
});

test('a redirect to the same origin is not followed either: one rule for every call', async () => {
	server().failNext({ status: 308, body: '', headers: { location: '/api/me/' } });
	const result = await run(credentials(), { resource: 'session', operation: 'getMe' });
	expect(server().requests.map((request) => request.path)).toEqual(['/api/me']);
	expect(result.error?.message).toBe(
		`Wappfly redirected the request (HTTP 308) to ${server().url}/api/me/`,
	);
});

test('a Location that carries the token or a query shows neither', async () => {
	server().failNext({
		status: 307,
		body: '',
		headers: { location: `http://user:pw@${canary.host}/api/me?token=${server().token}` },
	});
	const result = await run(credentials(), { resource: 'session', operation: 'getMe' });
	expect(result.error?.message).toBe(
		`Wappfly redirected the request (HTTP 307) to ${canary.url}/api/me`,
	);
	expectCanaryUntouched();
});

test.each([1, 2] as const)(
	'the credential test in n8n %i.x: passes without a redirect, a wrong token is not a redirect',
	async (n8n) => {
		expect(await testCredentialAsN8n(credentials(), n8n)).toEqual({
			status: 'OK',
			message: 'Connection successful!',
		});
		const wrong = await testCredentialAsN8n({ ...credentials(), apiToken: 'not-the-token' }, n8n);
		expect(wrong.status).toBe('Error');
		expect(wrong.message).not.toMatch(/redirect/i);
		expect(loggedLines.join('\n')).not.toContain(server().token);
	},
);
