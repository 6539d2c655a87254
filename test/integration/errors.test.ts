import type { INodeParameters } from 'n8n-workflow';

import { byId, loggedLines, run, useWappflyServer, visibleText } from '../harness/fixtures';
import type { RunResult } from '../harness/n8n';
import { net } from '../support/node';

const { server, credentials } = useWappflyServer();

const ALICE = '15551234567@s.whatsapp.net';
const sendText: INodeParameters = {
	resource: 'message',
	operation: 'sendText',
	to: byId(ALICE),
	text: 'hi',
};

function expectNoSecret(result: RunResult, ...secrets: string[]) {
	const text = visibleText(result);
	for (const secret of secrets) {
		expect(text).not.toContain(secret);
		expect(loggedLines.join('\n')).not.toContain(secret);
	}
}

interface StatusCase {
	name: string;
	arrange: () => void;
	parameters: INodeParameters;
	status: string;
	message: RegExp;
	hint: RegExp;
}

const statusCases: StatusCase[] = [
	{
		name: '400 from the API',
		arrange: () => undefined,
		parameters: {
			resource: 'message',
			operation: 'edit',
			to: byId(ALICE),
			messageId: '3EB06A40C80DF456A1B2',
			text: 'x',
		},
		status: '400',
		message: /was not sent by this session/,
		hint: /request body/,
	},
	{
		name: '402 quota exceeded',
		arrange: () => {
			server().state.requestsUsed = server().state.quota;
		},
		parameters: sendText,
		status: '402',
		message: /^Quota exceeded: 5000\/5000 requests used on the Starter plan/,
		hint: /Session > Get Me/,
	},
	{
		name: '403 email not verified',
		arrange: () => {
			server().state.emailVerified = false;
		},
		parameters: sendText,
		status: '403',
		message: /^Email not verified/,
		hint: /email .* not verified.*Get Status/s,
	},
	{
		name: '403 line disconnected',
		arrange: () => {
			server().state.status = 'disconnected';
		},
		parameters: sendText,
		status: '403',
		message: /Session "sales" is disconnected/,
		hint: /disconnected or banned.*Get Status/s,
	},
	{
		name: '404 unknown message id',
		arrange: () => undefined,
		parameters: {
			resource: 'message',
			operation: 'reply',
			to: byId(ALICE),
			messageId: 'FFFFFFFFFFFF0000',
			text: 'x',
		},
		status: '404',
		message: /^Message FFFFFFFFFFFF0000 not found/,
		hint: /Check the message ID/,
	},
	{
		name: '500 with a JSON error',
		arrange: () => server().failNext({ status: 500, body: '{"error":"Internal hiccup"}' }),
		parameters: sendText,
		status: '500',
		message: /^Internal hiccup$/,
		hint: /Retry On Fail/,
	},
];

describe("API errors carry Wappfly's message and a hint for the status", () => {
	test.each(statusCases)('$name', async ({ arrange, parameters, status, message, hint }) => {
		arrange();
		const result = await run(credentials(), parameters);
		expect(result.items).toEqual([]);
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.httpCode).toBe(status);
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(hint);
		expect(result.error?.context?.itemIndex).toBe(0);
		expect(server().requests).toHaveLength(1);
		expectNoSecret(result, server().token);
	});
});

test('401: a wrong token is named as the problem, and neither token leaks', async () => {
	const wrong = 'wrong-token-9f8e7d6c5b4a';
	const result = await run({ ...credentials(), apiToken: wrong }, sendText);
	expect(result.error?.name).toBe('NodeApiError');
	expect(result.error?.httpCode).toBe('401');
	expect(result.error?.message).toBe('Missing or invalid X-API-Token header.');
	expect(result.error?.description).toMatch(/Open the Wappfly credential.*Show token/);
	expect(server().requests[0].headers['x-api-token']).toBe(wrong);
	expectNoSecret(result, wrong, server().token);
});

test('a token echoed in an error text is masked', async () => {
	server().failNext({
		status: 401,
		body: JSON.stringify({ error: `Token ${server().token} was revoked` }),
	});
	const result = await run(credentials(), sendText);
	expect(result.error?.message).toBe('Token *** was revoked');
	expectNoSecret(result, server().token);
});

test('an HTML page from a proxy gives a clear error with its beginning', async () => {
	server().failNext({
		status: 502,
		body: '<html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>',
	});
	const result = await run(credentials(), sendText);
	expect(result.error?.name).toBe('NodeApiError');
	expect(result.error?.message).toBe(
		"Wappfly answered HTTP 502 with a body that is not the API's JSON",
	);
	expect(result.error?.description).toMatch(/proxy or gateway/);
	expect(result.error?.description).toContain('502 Bad Gateway nginx');
	expectNoSecret(result, server().token);
});

test('a 200 that is not JSON is an error, not an empty success', async () => {
	server().failNext({ status: 200, body: 'OK', contentType: 'text/plain' });
	const result = await run(credentials(), sendText);
	expect(result.error?.message).toBe(
		"Wappfly answered HTTP 200 with a body that is not the API's JSON",
	);
	expect(result.error?.description).toContain('Base URL');
});

test('a reset connection says the request may have gone through', async () => {
	server().failNext({ reset: true });
	const result = await run(credentials(), sendText);
	expect(result.error?.name).toBe('NodeApiError');
	expect(result.error?.message).toBe('The connection to Wappfly was closed before it answered');
	expect(result.error?.description).toMatch(/Get Recent before sending again/);
	expect(server().requests).toHaveLength(1);
	expectNoSecret(result, server().token);
});

test('a timeout is reported with the time waited', async () => {
	// The server would answer after 3 s: an error (not the answer) proves the 1 s timeout fired.
	server().failNext({ delayMs: 3000 });
	const result = await run(credentials(), { ...sendText, options: { timeout: 1000 } });
	expect(result.error?.message).toBe('Wappfly did not answer within 1 second');
	expect(result.error?.description).toMatch(/raise the Timeout option/);
	expectNoSecret(result, server().token);
});

test('a base URL where nothing listens gives a connection error naming it', async () => {
	const port = await new Promise<number>((resolve) => {
		const probe = net.createServer().listen(0, '127.0.0.1', () => {
			const { port: free } = probe.address() as { port: number };
			probe.close(() => resolve(free));
		});
	});
	const baseUrl = `http://127.0.0.1:${port}`;
	const result = await run({ ...credentials(), baseUrl }, sendText);
	expect(result.error?.message).toBe(`Could not connect to Wappfly at ${baseUrl}`);
	expect(result.error?.description).toMatch(/ECONNREFUSED.*Base URL/);
	expectNoSecret(result, server().token);
});

describe('Continue On Fail', () => {
	test('a 5-item batch with 2 failures: 5 items out, in order, nothing sent twice', async () => {
		const items = [
			{ json: { to: '+15551111111', reply: 'BD9043CF84A700B5' } },
			{ json: { to: 'not-a-number', reply: 'BD9043CF84A700B5' } },
			{ json: { to: '+15553333333', reply: 'BD9043CF84A700B5' } },
			{ json: { to: '+15554444444', reply: 'FFFFFFFFFFFF0000' } },
			{ json: { to: '+15555555555', reply: '3EB06A40C80DF456A1B2' } },
		];
		const result = await run(
			credentials(),
			{
				resource: 'message',
				operation: 'reply',
				to: byId('={{ $json.to }}'),
				messageId: '={{ $json.reply }}',
				text: 'Thanks!',
			},
			{ items, continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual(
			[0, 1, 2, 3, 4].map((item) => ({ item })),
		);
		const [first, invalid, third, unknown, fifth] = result.items.map((item) => item.json);
		for (const ok of [first, third, fifth])
			expect(ok).toEqual({ queued: true, msg_id: expect.any(String) });
		expect(invalid.error).toMatch(/Invalid Chat "not-a-number".*\(item 1\)/);
		expect(invalid.description).toMatch(/country code/);
		expect(unknown.error).toMatch(/Message FFFFFFFFFFFF0000 not found/);
		expect(unknown.description).toMatch(/Check the message ID/);
		const sentTo = server().requests.map((request) => (request.body as { to: string }).to);
		expect(sentTo).toEqual([
			'15551111111@s.whatsapp.net',
			'15553333333@s.whatsapp.net',
			'15554444444@s.whatsapp.net',
			'15555555555@s.whatsapp.net',
		]);
		expect(visibleText(result)).not.toContain(server().token);
	});

	test('an API failure mid-batch without Continue On Fail stops there: earlier sends are not repeated', async () => {
		server().failNext({ status: 200, body: '{"queued":true,"msg_id":"AAAAAAAAAAAAAAAA"}' });
		server().failNext({
			status: 402,
			body: '{"error":"Quota exceeded: 50/50 requests used on the Free plan."}',
		});
		const items = ['+15551111111', '+15552222222', '+15553333333'].map((to) => ({ json: { to } }));
		const result = await run(
			credentials(),
			{ ...sendText, to: byId('={{ $json.to }}') },
			{ items },
		);
		expect(result.error?.httpCode).toBe('402');
		expect(result.error?.context?.itemIndex).toBe(1);
		expect(server().requests).toHaveLength(2);
	});
});
